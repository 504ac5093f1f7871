package app.concord.collab;

import app.concord.protocol.Revision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.ot.TextOperation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DocumentStore} promises, run against each implementation by a
 * subclass (as ShareDB runs one suite against every database adapter). Each test starts
 * from an empty store.
 */
public abstract class DocumentStoreContract implements HistoryStoreContract {

    protected DocumentStore store;

    @Override
    public DocumentStore store() {
        return store;
    }

    /** A store holding no document; called before every test. */
    protected abstract DocumentStore emptyStore();

    @BeforeEach
    void openStore() {
        store = emptyStore();
    }

    @Test
    void anUnknownDocumentIsEmptyAtRevisionZero() {
        StoredDocument doc = store.load("nothing-here");
        assertEquals("", doc.snapshotText());
        assertEquals(0, doc.snapshotRev());
        assertEquals(0, doc.rev());
        assertEquals(List.of(), doc.after());
        assertEquals(Map.of(), doc.lastApplied());
        assertEquals(List.of(), store.revisions("nothing-here", 0, 10));
        assertEquals(OptionalInt.empty(), store.revisionOf("nothing-here", "a1", 1));
    }

    @Test
    void committedRevisionsLoadBackInOrder() {
        Doc notes = new Doc("notes");
        store.commit(List.of(notes.edit("a1", 1, 0, 0, "Hi", false)));
        store.commit(List.of(notes.edit("b2", 1, 0, 0, "Oh, ", false), notes.edit("a1", 2, 6, 0, "!", false)));

        StoredDocument doc = store.load("notes");
        assertEquals(3, doc.rev());
        assertEquals(notes.revisions, doc.after());
        assertEquals("Oh, Hi!", replay(doc));
    }

    @Test
    void loadStartsFromTheLatestSnapshot() {
        Doc notes = new Doc("notes");
        store.commit(List.of(notes.edit("a1", 1, 0, 0, "one", true), notes.edit("a1", 2, 3, 0, " two", false)));
        store.commit(List.of(notes.edit("a1", 3, 7, 0, " three", true)));
        store.commit(List.of(notes.edit("a1", 4, 0, 3, "ONE", false), notes.edit("a1", 5, 13, 0, ".", false)));

        StoredDocument doc = store.load("notes");
        assertEquals("one two three", doc.snapshotText());
        assertEquals(3, doc.snapshotRev());
        assertEquals(notes.revisions.subList(3, 5), doc.after());
        assertEquals(5, doc.rev());
        assertEquals("ONE two three.", replay(doc));
    }

    @Test
    void aSnapshotAtTheLastRevisionLeavesNothingAfterIt() {
        Doc notes = new Doc("notes");
        store.commit(List.of(notes.edit("a1", 1, 0, 0, "x", true), notes.edit("a1", 2, 1, 0, "y", true)));

        StoredDocument doc = store.load("notes");
        assertEquals("xy", doc.snapshotText());
        assertEquals(2, doc.snapshotRev());
        assertEquals(List.of(), doc.after());
        assertEquals(2, doc.rev());
    }

    @Test
    void lastAppliedCoversTheWholeHistoryAcrossSnapshots() {
        Doc notes = new Doc("notes");
        store.commit(List.of(
                notes.edit("a1", 1, 0, 0, "a", false),
                notes.edit("a1", 2, 1, 0, "b", false),
                notes.edit("c3", 7, 2, 0, "c", false),
                notes.edit("b2", 1, 3, 0, "d", true),
                notes.edit("b2", 2, 4, 0, "e", false)));

        Map<String, LastApplied> lastApplied = store.load("notes").lastApplied();
        assertEquals(3, lastApplied.size());
        assertEquals(new LastApplied(2, 2), lastApplied.get("a1"));
        assertEquals(new LastApplied(7, 3), lastApplied.get("c3"));
        assertEquals(new LastApplied(2, 5), lastApplied.get("b2"));
    }

    @Test
    void revisionsAnswersExactlyTheStoredPartOfARange() {
        Doc notes = new Doc("notes");
        List<Commit> batch = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            batch.add(notes.edit("a1", i, i - 1, 0, Integer.toString(i), i == 3));
        }
        store.commit(batch);

        assertEquals(notes.revisions, store.revisions("notes", 0, 5));
        assertEquals(notes.revisions.subList(1, 4), store.revisions("notes", 1, 4));
        assertEquals(notes.revisions.subList(3, 5), store.revisions("notes", 3, 99));
        assertEquals(notes.revisions.subList(0, 2), store.revisions("notes", -1, 2));
        assertEquals(List.of(), store.revisions("notes", 2, 2));
        assertEquals(List.of(), store.revisions("notes", 4, 2));
        assertEquals(List.of(), store.revisions("notes", 5, 9));
        assertEquals(List.of(), store.revisions("other", 0, 5));
    }

    @Test
    void revisionOfFindsTheRevisionAClientsSeqMade() {
        Doc notes = new Doc("notes");
        store.commit(List.of(notes.edit("a1", 1, 0, 0, "a", false), notes.edit("b2", 1, 1, 0, "b", true)));
        store.commit(List.of(notes.edit("a1", 2, 2, 0, "c", false)));

        assertEquals(OptionalInt.of(1), store.revisionOf("notes", "a1", 1));
        assertEquals(OptionalInt.of(2), store.revisionOf("notes", "b2", 1));
        assertEquals(OptionalInt.of(3), store.revisionOf("notes", "a1", 2));
        assertEquals(OptionalInt.empty(), store.revisionOf("notes", "a1", 3));
        assertEquals(OptionalInt.empty(), store.revisionOf("notes", "c3", 1));
        assertEquals(OptionalInt.empty(), store.revisionOf("other", "a1", 1));
    }

    @Test
    void aBatchMayMixDocuments() {
        Doc left = new Doc("left");
        Doc right = new Doc("right");
        store.commit(List.of(
                left.edit("a1", 1, 0, 0, "L", false),
                right.edit("a1", 1, 0, 0, "R", false),
                left.edit("b2", 1, 1, 0, "l", true),
                right.edit("a1", 2, 1, 0, "r", false)));

        StoredDocument l = store.load("left");
        StoredDocument r = store.load("right");
        assertEquals("Ll", replay(l));
        assertEquals(2, l.snapshotRev());
        assertEquals("Rr", replay(r));
        assertEquals(0, r.snapshotRev());
        assertEquals(right.revisions, r.after());
        assertEquals(OptionalInt.of(2), store.revisionOf("right", "a1", 2));
        assertEquals(OptionalInt.empty(), store.revisionOf("left", "a1", 2));
    }

    @Test
    void aRevisionStoredTwiceFailsTheWholeBatch() {
        Doc notes = new Doc("notes");
        store.commit(List.of(notes.edit("a1", 1, 0, 0, "a", false)));
        Doc other = new Doc("other");
        Commit fine = other.edit("b2", 1, 0, 0, "b", true);
        Commit again = new Commit("notes", new Revision(1, "c3", 1, TextOperation.splice(0, 0, 0, "c")), null);

        assertThrows(RevisionTakenException.class, () -> store.commit(List.of(fine, again)),
                "the key is the fence between servers writing one document");

        assertEquals(notes.revisions, store.load("notes").after());
        assertEquals(0, store.load("other").rev());
        assertEquals(OptionalInt.empty(), store.revisionOf("other", "b2", 1));
    }

    @Test
    void lastRevisionsNamesTheDocumentsThatHaveAny() {
        Doc notes = new Doc("notes");
        store.commit(List.of(notes.edit("a1", 1, 0, 0, "a", false), notes.edit("a1", 2, 1, 0, "b", true),
                notes.edit("a1", 3, 2, 0, "c", false)));
        Doc other = new Doc("other");
        store.commit(List.of(other.edit("b2", 1, 0, 0, "b", false)));

        assertEquals(Map.of("notes", 3, "other", 1), store.lastRevisions(List.of("notes", "other", "nothing-here")));
        assertEquals(Map.of(), store.lastRevisions(List.of()));
    }

    @Test
    void aRevisionThatSkipsAheadIsRejected() {
        Doc notes = new Doc("notes");
        store.commit(List.of(notes.edit("a1", 1, 0, 0, "a", false)));
        Commit gap = new Commit("notes", new Revision(3, "a1", 2, TextOperation.splice(1, 1, 0, "c")), null);
        Commit first = new Commit("fresh", new Revision(2, "a1", 1, TextOperation.splice(0, 0, 0, "f")), null);

        assertThrows(RuntimeException.class, () -> store.commit(List.of(gap)));
        assertThrows(RuntimeException.class, () -> store.commit(List.of(first)));

        assertEquals(notes.revisions, store.load("notes").after());
        assertEquals(0, store.load("fresh").rev());
    }

    @Test
    void aGapIsFoundEvenWhenAnotherDocumentOfTheBatchHasTheMissingRevision() {
        Doc left = new Doc("left");
        store.commit(List.of(left.edit("a1", 1, 0, 0, "a", false), left.edit("a1", 2, 1, 0, "b", false)));
        Doc right = new Doc("right");
        store.commit(List.of(right.edit("b2", 1, 0, 0, "x", false)));
        Commit follows = left.edit("a1", 3, 2, 0, "c", false);
        Commit skips = new Commit("right", new Revision(3, "b2", 3, TextOperation.splice(1, 1, 0, "z")), null);

        assertThrows(RuntimeException.class, () -> store.commit(List.of(follows, skips)));

        assertEquals(2, store.load("left").rev());
        assertEquals(right.revisions, store.load("right").after());
    }

    @Test
    void largeTextsRoundTrip() {
        StringBuilder big = new StringBuilder();
        while (big.length() < 3_000_000) {
            big.append("line ").append(big.length()).append(" of a long document\n");
        }
        String insert = big.substring(0, 1_000_000);
        Doc notes = new Doc("notes");
        store.commit(List.of(notes.edit("a1", 1, 0, 0, big.toString(), true)));
        store.commit(List.of(notes.edit("a1", 2, 0, 0, insert, false)));

        StoredDocument doc = store.load("notes");
        assertEquals(big.toString(), doc.snapshotText());
        assertEquals(notes.revisions.subList(1, 2), doc.after());
        assertEquals(notes.text, replay(doc));
    }

    @Test
    void unicodeQuotesAndEscapesRoundTrip() {
        String tricky = "\"quoted\" back\\slash \\\" \\u0041 /* */ \n\r\t \u0000\u0001\u001f \u2028\u2029"
                + " caf\u00e9 \u4e2d\u6587 \ud83d\ude00\ud83d\udc4d\ud83c\udffd ' ` </script>";
        Doc notes = new Doc("notes");
        store.commit(List.of(
                notes.edit("a1", 1, 0, 0, tricky, false),
                notes.edit("a1", 2, 0, 0, "\ud83c\udf89", true),
                notes.edit("a1", 3, 2, 0, tricky, false)));

        StoredDocument doc = store.load("notes");
        assertEquals("\ud83c\udf89" + tricky, doc.snapshotText());
        assertEquals(notes.revisions.subList(2, 3), doc.after());
        assertEquals(notes.revisions, store.revisions("notes", 0, 3));
        assertEquals(notes.text, replay(doc));
    }

    @Test
    void aDocumentHasOneUnguessableReadOnlyIdThatLeadsBackToIt() {
        String readOnly = store.readOnlyId("notes");
        assertEquals(readOnly, store.readOnlyId("notes"), "made once, the same ever after");
        assertTrue(readOnly.matches("[A-Za-z0-9_-]{22}"), readOnly);
        assertEquals(java.util.Optional.of("notes"), store.documentOf(readOnly));
        assertEquals(java.util.Optional.empty(), store.documentOf("notes"), "an editable id is not a read-only id");
        assertTrue(!readOnly.equals(store.readOnlyId("other")));
    }

    @Test
    void aWorkingStoreIsAvailable() {
        assertTrue(store.isAvailable());
    }

    /** The text a stored document is at: its snapshot with every revision after it applied. */
    protected static String replay(StoredDocument doc) {
        String text = doc.snapshotText();
        for (Revision r : doc.after()) {
            text = r.operation().apply(text);
        }
        return text;
    }

    /** Builds a document's commits one edit at a time, remembering its text and history. */
    protected static final class Doc {
        final String id;
        final List<Revision> revisions = new ArrayList<>();
        String text = "";

        public Doc(String id) {
            this.id = id;
        }

        /** Replaces {@code deleteCount} code units at {@code pos} with {@code insert}. */
        public Commit edit(String client, long seq, int pos, int deleteCount, String insert, boolean snapshot) {
            TextOperation op = TextOperation.splice(text.length(), pos, deleteCount, insert);
            text = op.apply(text);
            Revision r = new Revision(revisions.size() + 1, client, seq, op);
            revisions.add(r);
            return new Commit(id, r, snapshot ? text : null);
        }
    }
}
