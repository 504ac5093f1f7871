package app.concord.documents.control;

/**
 * The database's schema was written by a newer Concord than this one: this release does not
 * know its tables and must not touch them.
 */
public final class SchemaTooNewException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    SchemaTooNewException(String message) {
        super(message);
    }
}
