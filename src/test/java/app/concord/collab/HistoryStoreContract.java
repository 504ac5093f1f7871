package app.concord.collab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.ot.Authorship;
import app.concord.ot.AuthorshipBuffer;
import app.concord.ot.TextOperation;
import app.concord.protocol.AuthorProfile;
import app.concord.protocol.Revision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DocumentStore} promises of history, authorship and named versions, part of
 * {@link DocumentStoreContract} and so run against every implementation, on an empty store.
 */
interface HistoryStoreContract {

    DocumentStore store();

    /** Revisions of one document with their authors, restored runs and snapshots, and the authorship they make. */
    final class Authored {
        final String id;
        final List<Commit> commits = new ArrayList<>();
        String text = "";
        final AuthorshipBuffer runs = new AuthorshipBuffer(Authorship.empty());

        Authored(String id) {
            this.id = id;
        }

        Commit edit(String author, int pos, int deleteCount, String insert, Authorship inserted, boolean snapshot,
                boolean checkpoint) {
            TextOperation op = TextOperation.splice(text.length(), pos, deleteCount, insert);
            Revision r = new Revision(commits.size() + 1, "c" + (commits.size() % 3), commits.size() + 1, op, author, inserted);
            text = op.apply(text);
            runs.apply(op, r.insertedAuthorship());
            Commit c = snapshot ? new Commit(id, r, text, runs.toAuthorship(), checkpoint) : new Commit(id, r, null);
            commits.add(c);
            return c;
        }

        List<Revision> revisions() {
            return commits.stream().map(Commit::revision).toList();
        }
    }

    @Test
    default void revisionsKeepTheirAuthorsAndTheAuthorsOfRestoredText() {
        Authored notes = new Authored("notes");
        store().commit(List.of(
                notes.edit("Qm9iIHdhcyBoZXJl", 0, 0, "Hello", null, false, false),
                notes.edit("~c1", 5, 0, " world", null, false, false),
                notes.edit("~c2", 0, 5, "Hello", Authorship.builder().add(2, "~c1").add(3, "Qm9iIHdhcyBoZXJl").build(), true, false),
                notes.edit("~c1", 11, 0, "!", null, false, false)));

        assertEquals(notes.revisions(), store().revisions("notes", 0, 4));
        StoredDocument loaded = store().load("notes");
        assertEquals(notes.revisions().subList(3, 4), loaded.after());
        assertEquals(notes.commits.get(2).authorship(), loaded.snapshotAuthorship());
        assertEquals("c0", loaded.after().get(0).client());
        assertEquals("~c1", loaded.after().get(0).author(), "as given, even where it is not the client's");
        assertEquals("~c1", store().revisions("notes", 1, 2).get(0).author(), "the client's own");
        assertEquals("Hello world", loaded.snapshotText());
    }

    @Test
    default void aDocumentNeverWrittenHasTheEmptyAuthorship() {
        assertEquals(Authorship.empty(), store().load("nothing").snapshotAuthorship());
        assertEquals(Optional.empty(), store().history().checkpoint("nothing", 5));
        assertEquals(Map.of(), store().history().authors("nothing"));
        assertEquals(List.of(), store().history().versions("nothing"));
    }

    @Test
    default void checkpointsAreFoundAtOrBeforeARevisionAndKeptOnce() {
        Authored notes = new Authored("notes");
        List<Commit> batch = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            batch.add(notes.edit("a" + (i % 2), i, 0, "x", null, i == 1 || i == 3 || i == 4, i == 1 || i == 3));
        }
        store().commit(batch);
        HistoryStore history = store().history();

        assertEquals(Optional.empty(), history.checkpoint("notes", 1));
        Checkpoint at2 = history.checkpoint("notes", 3).orElseThrow();
        assertEquals(new Checkpoint(2, "xx", Authorship.builder().add(1, "a0").add(1, "a1").build()), at2);
        assertEquals(4, history.checkpoint("notes", 4).orElseThrow().rev(), "both checkpoints of one batch are kept");
        assertEquals(4, history.checkpoint("notes", 99).orElseThrow().rev(), "a snapshot alone is no checkpoint");

        history.saveCheckpoint("notes", new Checkpoint(5, "xxxxx", Authorship.of(5, "a0")));
        history.saveCheckpoint("notes", new Checkpoint(5, "xxxxx", Authorship.of(5, "a0")));
        assertEquals(new Checkpoint(5, "xxxxx", Authorship.of(5, "a0")), history.checkpoint("notes", 5).orElseThrow());
        assertEquals(Optional.empty(), history.checkpoint("other", 5));
    }

    @Test
    default void summariesSayWhoWhenAndHowMuch() {
        Authored notes = new Authored("notes");
        long before = System.currentTimeMillis();
        store().commit(List.of(notes.edit("a", 0, 0, "Hello", null, false, false),
                notes.edit("~c1", 1, 3, "EY", null, false, false)));
        long after = System.currentTimeMillis();

        List<RevisionSummary> summaries = store().history().summaries("notes", 0, 9);
        assertEquals(2, summaries.size());
        RevisionSummary second = summaries.get(1);
        assertEquals(List.of(2, "~c1", 2, 3), List.of(second.rev(), second.author(), second.added(), second.removed()));
        assertEquals(List.of(1, "a", 5, 0), List.of(summaries.get(0).rev(), summaries.get(0).author(),
                summaries.get(0).added(), summaries.get(0).removed()));
        assertTrue(second.time() >= before && second.time() <= after, second.toString());
        assertEquals(summaries.subList(1, 2), store().history().summaries("notes", 1, 2));
        assertEquals(List.of(), store().history().summaries("notes", 2, 2));
        assertEquals(2, store().history().lastRevision("notes"));
        assertEquals(0, store().history().lastRevision("other"));
    }

    @Test
    default void anAuthorKeepsTheirColourAndFirstVisitAndTakesTheirLatestName() {
        HistoryStore history = store().history();
        history.saveAuthor("notes", "a", new AuthorProfile("Ada", "#c2185b", 1_000, 1_000));
        history.saveAuthor("notes", "b", new AuthorProfile("Bob", "#1565c0", 2_000, 2_000));
        history.saveAuthor("notes", "a", new AuthorProfile("Ada L.", "#2e7d32", 3_000, 3_000));
        history.saveAuthor("other", "a", new AuthorProfile("Someone", "#2e7d32", 4_000, 4_000));

        Map<String, AuthorProfile> authors = history.authors("notes");
        assertEquals(new AuthorProfile("Ada L.", "#c2185b", 1_000, 3_000), authors.get("a"));
        assertEquals(new AuthorProfile("Bob", "#1565c0", 2_000, 2_000), authors.get("b"));
        assertEquals(2, authors.size());
        assertEquals(List.of("a"), List.copyOf(history.authors("other").keySet()));
    }

    @Test
    default void namedVersionsAreAddedRenamedAndDeleted() {
        HistoryStore history = store().history();
        NamedVersion draft = history.addVersion("notes", 3, "Draft", "a", 1_000);
        NamedVersion review = history.addVersion("notes", 7, "For review", null, 2_000);
        NamedVersion alsoThree = history.addVersion("notes", 3, "Same revision", "b", 3_000);
        history.addVersion("other", 1, "Elsewhere", "a", 4_000);

        assertTrue(draft.id() != review.id() && review.id() != alsoThree.id());
        assertEquals(List.of(review, alsoThree, draft), history.versions("notes"), "newest revision first");
        assertEquals(Optional.of(new NamedVersion(draft.id(), 3, "First draft", "a", 1_000)),
                history.renameVersion("notes", draft.id(), "First draft"));
        assertEquals(Optional.empty(), history.renameVersion("other", review.id() + 100, "x"));
        assertTrue(history.deleteVersion("notes", review.id()));
        assertFalse(history.deleteVersion("notes", review.id()));
        assertEquals(List.of("Same revision", "First draft"), history.versions("notes").stream().map(NamedVersion::name).toList());
        assertEquals(1, history.versions("other").size());
    }

    @Test
    default void theAuthorKeyIsRandomAndTheSameEveryTime() {
        byte[] key = store().history().authorKey();
        assertTrue(key.length >= 32);
        assertArrayEquals(key, store().history().authorKey());
    }

    /** Checkpoints are shortcuts: what they hold is what the op log makes. */
    @Test
    default void theTextAndAuthorshipOfAnyRevisionAreRebuiltFromTheOpLog() {
        Authored notes = new Authored("notes");
        List<Commit> batch = new ArrayList<>();
        List<Checkpoint> states = new ArrayList<>(List.of(Checkpoint.EMPTY));
        String[] authors = {"a", "b", "~c2"};
        for (int i = 0; i < 40; i++) {
            int pos = (i * 7) % (notes.text.length() + 1);
            int delete = i % 5 == 4 ? Math.min(2, notes.text.length() - pos) : 0;
            batch.add(notes.edit(authors[i % 3], pos, delete, "w" + i, null, false, false));
            states.add(new Checkpoint(i + 1, notes.text, notes.runs.toAuthorship()));
        }
        store().commit(batch);
        DocumentHistory history = new DocumentHistory(store(), 8);
        for (int rev = 40; rev >= 0; rev--) {
            assertEquals(states.get(rev), history.stateAt("notes", rev), "revision " + rev);
        }
        assertEquals(32, store().history().checkpoint("notes", 39).orElseThrow().rev(), "replays keep checkpoints");
    }
}
