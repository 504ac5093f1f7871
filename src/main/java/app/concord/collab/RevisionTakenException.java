package app.concord.collab;

/**
 * Another writer stored the revision first: another server sequences the same document
 * (several nodes share one database, and the op log's key on (document, revision) is the
 * fence). The revision, and every later one of this server's, is never stored; the document
 * must be loaded again from the store.
 */
public final class RevisionTakenException extends RuntimeException {

    public RevisionTakenException(String message, Throwable cause) {
        super(message, cause);
    }
}
