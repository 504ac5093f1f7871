package app.concord.client;

/**
 * Why a {@link RemoteDocument} failed: a connection that could not be made or resumed, or a
 * server that broke the protocol. Subclasses say more: {@link ServerErrorException},
 * {@link DocumentClosedException}.
 */
public class ConcordException extends RuntimeException {

    public ConcordException(String message) {
        super(message);
    }

    public ConcordException(String message, Throwable cause) {
        super(message, cause);
    }
}
