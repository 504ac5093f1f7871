package app.concord.collab;

import app.concord.protocol.ClientMessage;

/**
 * One connection's place in one open document, from {@link LiveDocuments#open} until
 * {@link #close}: what it sends goes to its document through here, and closing it leaves the
 * document (the others hear {@code peer-left}) and gives up this connection's use of it.
 * Calls come from the connection's own thread of control, one at a time.
 */
public final class Membership implements AutoCloseable {

    private final LiveDocuments documents;
    private final LiveDocument document;
    private final Member member;
    private boolean closed;

    Membership(LiveDocuments documents, LiveDocument document, Member member) {
        this.documents = documents;
        this.document = document;
        this.member = member;
    }

    /** See {@link LiveDocument#submit}. */
    public void submit(ClientMessage.Op op) {
        document.submit(member, op);
    }

    /** See {@link LiveDocument#cursor}. */
    public void cursor(ClientMessage.Cursor cursor) {
        document.cursor(member, cursor);
    }

    /** Leaves the document. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            document.leave(member);
        } finally {
            documents.release(document);
        }
    }
}
