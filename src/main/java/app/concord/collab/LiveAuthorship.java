package app.concord.collab;

import app.concord.ot.Authorship;
import app.concord.ot.AuthorshipBuffer;
import app.concord.protocol.AuthorProfile;
import app.concord.protocol.ClientMessage;
import app.concord.protocol.Revision;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who wrote each part of an open document, kept current with every applied revision, and the
 * document's authors (PROTOCOL.md "History, authorship and versions"). The runs are stored with
 * each snapshot and checkpoint ({@link #commit}), never per edit; the authors when they join.
 * Not thread-safe: its {@link LiveDocument} calls it under the document's lock.
 */
final class LiveAuthorship {

    private static final System.Logger LOG = System.getLogger(LiveAuthorship.class.getName());

    private final String docId;
    private final HistoryStore history;
    private final Limits limits;
    private final AuthorshipBuffer runs;
    private final Map<String, AuthorProfile> authors;

    private LiveAuthorship(String docId, HistoryStore history, Limits limits, Authorship start, Map<String, AuthorProfile> authors) {
        this.docId = docId;
        this.history = history;
        this.limits = limits;
        this.runs = new AuthorshipBuffer(start);
        this.authors = new LinkedHashMap<>(authors);
    }

    /**
     * The authorship of {@code stored}: its snapshot's runs with every later revision applied;
     * for a snapshot stored without runs (before they were kept), rebuilt from the op log.
     */
    static LiveAuthorship load(String docId, DocumentStore store, StoredDocument stored, Limits limits) {
        Authorship start = stored.snapshotAuthorship();
        if (start == null) {
            start = new DocumentHistory(store, limits.checkpointEvery()).stateAt(docId, stored.snapshotRev()).authorship();
        }
        LiveAuthorship live = new LiveAuthorship(docId, store.history(), limits, start, store.history().authors(docId));
        for (Revision r : stored.after()) {
            live.applied(r);
        }
        return live;
    }

    /** The public author id of a connection that joins with {@code join}. */
    String authorOf(ClientMessage.Join join) {
        return AuthorIds.of(join.author() == null ? null : history.authorKey(), docId, join.client(), join.author());
    }

    /** The colour {@code author}'s text is shown in, null when they are new to the document. */
    String knownColor(String author) {
        AuthorProfile known = authors.get(author);
        return known == null ? null : known.color();
    }

    /**
     * {@code author} joined to edit under {@code name}: recorded here and in the store. A new
     * author's text is shown in {@code color}, their cursor's; a known one keeps theirs. A store
     * that cannot be reached does not keep anyone from editing: the record waits for their next
     * visit.
     */
    void joined(String author, String name, String color, long now) {
        AuthorProfile known = authors.get(author);
        AuthorProfile profile = known == null ? new AuthorProfile(name, color, now, now)
                : new AuthorProfile(name, known.color(), known.first(), now);
        authors.put(author, profile);
        try {
            history.saveAuthor(docId, author, profile);
        } catch (StoreUnavailableException e) {
            LOG.log(System.Logger.Level.WARNING, "event=author-not-recorded reason=store-unavailable: " + e.getMessage());
        }
    }

    /** Every known author of the document, by id. */
    Map<String, AuthorProfile> authors() {
        return new LinkedHashMap<>(authors);
    }

    /** Takes in a revision just applied to the document. */
    void applied(Revision r) {
        if (r.inserted() == null) {
            runs.apply(r.operation(), r.author());
        } else {
            runs.apply(r.operation(), r.inserted());
        }
    }

    /**
     * Takes in a revision another server applied and stored (this one follows the document),
     * learning its author from the store when it is new here.
     */
    void followed(Revision r) {
        applied(r);
        if (r.author() != null && !authors.containsKey(r.author())) {
            try {
                authors.putAll(history.authors(docId));
            } catch (StoreUnavailableException e) {
                // named on the next visit; the runs are right meanwhile
            }
        }
    }

    /** The runs of the document now. */
    Authorship current() {
        return runs.toAuthorship();
    }

    /** What to store for {@code applied}, which made {@code text}: with a snapshot (and its runs) when one is due. */
    Commit commit(Revision applied, CharSequence text) {
        return commitOf(docId, applied, text, runs, limits, false);
    }

    /**
     * The commit of revision {@code r} of {@code docId}, which made {@code text} with the
     * authorship {@code runs}: with a snapshot every {@link Limits#snapshotEvery()} revisions
     * (and when {@code snapshot} asks for one), and the first snapshot after each multiple of
     * {@link Limits#checkpointEvery()} kept as a checkpoint.
     */
    static Commit commitOf(String docId, Revision r, CharSequence text, AuthorshipBuffer runs, Limits limits, boolean snapshot) {
        int every = limits.snapshotEvery();
        boolean regular = r.rev() % every == 0;
        if (!regular && !snapshot) {
            return new Commit(docId, r, null);
        }
        boolean checkpoint = regular && r.rev() / limits.checkpointEvery() != (r.rev() - every) / limits.checkpointEvery();
        return new Commit(docId, r, text.toString(), runs.toAuthorship(), checkpoint);
    }
}
