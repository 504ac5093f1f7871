package app.concord.collab;

import app.concord.ot.Authorship;
import app.concord.ot.InvalidOperationException;
import app.concord.protocol.ClientMessage;
import app.concord.protocol.ErrorCode;

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

    /** See {@link LiveDocument#submit}; an {@code op} with {@code restore} is checked to restore that revision. */
    public void submit(ClientMessage.Op op) {
        document.submit(member, op, restoring(op));
    }

    /**
     * Who wrote the text that {@code op} brings back, once checked that it makes the revision it
     * says it restores; null for an ordinary edit, for a resend of one applied already (which is
     * only acknowledged again), and for a viewer (whose edit is refused anyway). The check reads
     * the stored history, outside the document's lock.
     */
    private Authorship restoring(ClientMessage.Op op) {
        if (op.restore() == null || member.readOnly || document.isApplied(member, op.seq())) {
            return null;
        }
        try {
            return documents.history().restoring(document.id(), op.rev(), op.restore(), op.ops());
        } catch (InvalidOperationException | StaleRevisionException e) {
            throw new ProtocolException(ErrorCode.BAD_OP, "restore refused: " + e.getMessage());
        }
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
