package app.concord.collab;

import app.concord.ot.Authorship;
import app.concord.ot.AuthorshipBuffer;
import app.concord.ot.InvalidOperationException;
import app.concord.ot.TextBuffer;
import app.concord.ot.TextOperation;
import app.concord.protocol.AuthorProfile;
import app.concord.protocol.Revision;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a document's stored history (PROTOCOL.md "History, authorship and versions"): the text
 * and authorship at any revision, from the nearest checkpoint before it plus the revisions in
 * between, so never more than about {@code checkpointEvery} of them; the changes between two
 * revisions; and whether an operation restores a revision. A replay that passes a multiple of
 * {@code checkpointEvery} where no checkpoint is kept (a document older than checkpoints, an
 * import) keeps one there, so the next read is short. Authorship is rebuilt from the op log
 * alone, each revision's author and restored runs included.
 */
public final class DocumentHistory {

    private static final System.Logger LOG = System.getLogger(DocumentHistory.class.getName());

    /** Revisions read from the store at a time. */
    static final int PAGE = 5_000;

    private final DocumentStore store;
    private final int checkpointEvery;

    public DocumentHistory(DocumentStore store, int checkpointEvery) {
        this.store = store;
        this.checkpointEvery = checkpointEvery;
    }

    /**
     * The text and authorship of {@code docId} at revision {@code rev}.
     *
     * @throws StaleRevisionException when revisions up to {@code rev} are not all stored
     */
    public Checkpoint stateAt(String docId, int rev) {
        Checkpoint from = store.history().checkpoint(docId, rev).orElse(Checkpoint.EMPTY);
        TextBuffer text = new TextBuffer(from.text());
        AuthorshipBuffer runs = new AuthorshipBuffer(from.authorship());
        int at = from.rev();
        while (at < rev) {
            for (Revision r : page(docId, at, Math.min(rev, at + PAGE))) {
                r.operation().applyTo(text);
                runs.apply(r.operation(), r.insertedAuthorship());
                at = r.rev();
                if (at % checkpointEvery == 0 && at < rev) {
                    keep(docId, new Checkpoint(at, text.toString(), runs.toAuthorship()));
                }
            }
        }
        return new Checkpoint(rev, text.toString(), runs.toAuthorship());
    }

    /**
     * Who wrote the text that {@code op}, made against revision {@code base}, inserts when it
     * restores revision {@code restored}: the authors that text had there.
     *
     * @throws InvalidOperationException naming the problem when {@code op} applied to revision
     *                                   {@code base} does not make exactly revision {@code restored}'s text
     * @throws StaleRevisionException    when either revision is not stored
     */
    public Authorship restoring(String docId, int base, int restored, TextOperation op) {
        if (restored > base) {
            throw new InvalidOperationException("a restore brings back a revision up to the one it is made against ("
                    + base + "), not revision " + restored);
        }
        Checkpoint before = stateAt(docId, base);
        Checkpoint target = restored == base ? before : stateAt(docId, restored);
        String made = op.apply(before.text());
        if (!made.equals(target.text())) {
            throw new InvalidOperationException("the operation does not restore revision " + restored
                    + ": applied to revision " + base + " it makes a different text (" + made.length()
                    + " code units; revision " + restored + " has " + target.text().length() + ")");
        }
        return Authorship.insertedBy(op, target.authorship());
    }

    /**
     * The changes from revision {@code from} to revision {@code to} as one operation, with who
     * wrote what it inserts (as they were at {@code to}). When {@code from > to} it is what
     * restoring {@code to} does to revision {@code from}: the inverse of the changes back.
     *
     * @throws StaleRevisionException when a revision in between is not stored
     */
    public Changes changes(String docId, int from, int to) {
        int low = Math.min(from, to);
        int high = Math.max(from, to);
        List<TextOperation> ops = new ArrayList<>(high - low);
        for (int at = low; at < high; at += PAGE) {
            for (Revision r : page(docId, at, Math.min(high, at + PAGE))) {
                ops.add(r.operation());
            }
        }
        Checkpoint end = stateAt(docId, to);
        TextOperation forward = ops.isEmpty() ? null : compose(ops, 0, ops.size());
        TextOperation op;
        if (forward == null) {
            op = TextOperation.identity(end.text().length());
        } else if (from < to) {
            op = forward;
        } else {
            op = forward.invert(end.text());
        }
        return new Changes(from, to, op, Authorship.insertedBy(op, end.authorship()));
    }

    /**
     * The authors {@code ids} of {@code docId}, and every other recorded author of it: as
     * recorded, and one never recorded (who wrote before authors were kept) with no name, a
     * colour derived from their id, and first and last seen 0 (unknown).
     */
    public Map<String, AuthorProfile> authors(String docId, Collection<String> ids) {
        Map<String, AuthorProfile> authors = new LinkedHashMap<>(store.history().authors(docId));
        for (String id : ids) {
            authors.computeIfAbsent(id, unknown -> new AuthorProfile("",
                    DocumentAuthority.COLORS.get(Math.floorMod(unknown.hashCode(), DocumentAuthority.COLORS.size())), 0, 0));
        }
        return authors;
    }

    /** What {@link #changes} answers. */
    public record Changes(int from, int to, TextOperation operation, Authorship inserted) {
    }

    /** Revisions {@code fromExclusive + 1 .. toInclusive}, all of them. */
    private List<Revision> page(String docId, int fromExclusive, int toInclusive) {
        List<Revision> page = store.revisions(docId, fromExclusive, toInclusive);
        if (page.size() != toInclusive - fromExclusive) {
            throw new StaleRevisionException("revision " + toInclusive + " of this document is not stored");
        }
        return page;
    }

    /** Composes in halves, so that composing n revisions costs n log n steps of their size, not n times the document. */
    private static TextOperation compose(List<TextOperation> ops, int from, int to) {
        if (to - from == 1) {
            return ops.get(from);
        }
        int middle = (from + to) >>> 1;
        return compose(ops, from, middle).compose(compose(ops, middle, to));
    }

    /** A checkpoint is a shortcut: one that cannot be stored now is left for the next reader. */
    private void keep(String docId, Checkpoint checkpoint) {
        try {
            store.history().saveCheckpoint(docId, checkpoint);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "event=checkpoint-not-kept rev=" + checkpoint.rev() + ": " + e.getMessage());
        }
    }
}
