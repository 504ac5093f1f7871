package app.concord.client;

import app.concord.protocol.Peer;

/**
 * Receives what happens to a {@link RemoteDocument}. Every method has an empty default, so a
 * listener overrides only what it needs. Calls come one at a time, in the order of the
 * events, on a thread of the document's own (never the caller's and never while the document
 * is locked), so a listener may call the document; it must not block for long, since later
 * events and the completion of edit futures wait for it. An exception thrown by a listener
 * is logged and otherwise ignored.
 */
public interface DocumentListener {

    /** Someone else's change was applied to the local text. */
    default void changed(RemoteChange change) {
    }

    /** Someone opened the document; {@code peer} has no selection yet. */
    default void peerJoined(Peer peer) {
    }

    /** Someone left the document. */
    default void peerLeft(Peer peer) {
    }

    /** A peer's selection moved; its ranges are positions in the local text. */
    default void cursorMoved(Peer peer) {
    }

    /**
     * This client's operation number {@code seq}, carrying the edits made since the one before
     * it, was handed to the connection at {@code sentNanos}, a {@link System#nanoTime()} taken
     * when it was written (this call comes later, on the listeners' thread). After a reconnect
     * the same operation may be written again. With {@link #operationAcknowledged}, for
     * timing the round trip of edits.
     */
    default void operationSent(long seq, long sentNanos) {
    }

    /**
     * The server acknowledged this client's operation {@code seq}: it is stored as revision
     * {@code revision}. Comes once per operation, before the futures of its edits complete.
     */
    default void operationAcknowledged(long seq, int revision) {
    }

    /** The connection changed state; {@code cause} says why it dropped or closed, null otherwise. */
    default void stateChanged(ConnectionState state, Throwable cause) {
    }

    /**
     * Something went wrong that the document reports but may recover from: an {@code error}
     * from the server ({@link ServerErrorException}), or a message that broke the protocol.
     * A failure that closes the document comes as {@link #stateChanged} to CLOSED as well.
     */
    default void error(ConcordException error) {
    }
}
