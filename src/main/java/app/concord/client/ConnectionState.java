package app.concord.client;

/** Where a {@link RemoteDocument}'s connection to the server stands. */
public enum ConnectionState {
    /** The first connection is being opened; edits are not possible yet. */
    CONNECTING,
    /** Joined: edits are sent and remote changes arrive. */
    CONNECTED,
    /**
     * The connection dropped and a new one is being opened, after the wait of the
     * {@link ReconnectPolicy}. Edits go on locally and are sent, exactly once, after the resume.
     */
    RECONNECTING,
    /** Closed by {@link RemoteDocument#close()} or by an error it cannot recover from; final. */
    CLOSED
}
