package app.concord.collab;

/** An operation would make a document longer than its limit; the document is unchanged. */
public class DocumentTooLargeException extends RuntimeException {

    public DocumentTooLargeException(String message) {
        super(message);
    }
}
