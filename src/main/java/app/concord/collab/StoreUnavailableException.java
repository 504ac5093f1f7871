package app.concord.collab;

/**
 * The store cannot be reached now (the database is down, unreachable, or refused to open):
 * nothing was stored or read, and the same call may succeed later.
 */
public final class StoreUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
