package app.concord.collab;

/** One client's place in one open document, on the connection it joined with. */
final class Member {

    final String client;
    final Connection connection;
    final boolean readOnly;
    /** The public id of the author this connection edits as. */
    final String author;
    /** Set once its welcome is sent: before that it hears nothing else. Guarded by the document's lock. */
    boolean welcomed;
    /**
     * The highest {@code seq} of this client's that this connection has acknowledged because
     * another server stored it (see {@link LiveDocument#stored}): the client's resend of it is
     * then answered already. Guarded by the document's lock.
     */
    long acknowledgedElsewhere;

    Member(String client, Connection connection, boolean readOnly, String author) {
        this.client = client;
        this.connection = connection;
        this.readOnly = readOnly;
        this.author = author;
    }
}
