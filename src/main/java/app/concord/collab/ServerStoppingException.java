package app.concord.collab;

/**
 * This server is stopping and admits no more connections: the client should connect again
 * at once, to whatever serves the document next (close code 1012, service restart).
 */
public final class ServerStoppingException extends RuntimeException {

    public ServerStoppingException() {
        super("the server is restarting; reconnect", null, false, false);
    }
}
