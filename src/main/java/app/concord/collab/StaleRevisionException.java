package app.concord.collab;

/**
 * A request names a revision whose history the authority can no longer reach, so it
 * cannot be transformed to the present. The client should rejoin without {@code rev}.
 */
public class StaleRevisionException extends RuntimeException {

    public StaleRevisionException(String message) {
        super(message);
    }
}
