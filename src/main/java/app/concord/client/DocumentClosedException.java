package app.concord.client;

/**
 * The document was closed, by {@link RemoteDocument#close()} or by a failure (the
 * {@linkplain #getCause() cause}), before an edit could be made or acknowledged. An edit whose
 * future fails with this may or may not have reached the server.
 */
public class DocumentClosedException extends ConcordException {

    public DocumentClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
