package app.concord.documents.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.collab.Commit;
import app.concord.collab.RevisionTakenException;
import app.concord.collab.StoreUnavailableException;
import app.concord.ot.TextOperation;
import app.concord.protocol.Revision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link WriteBehind} over a database kept in a list, which can be made to fail. */
class WriteBehindTest {

    @TempDir
    Path folder;

    /** The op log as a database would hold it: revisions per document, with their commit time. */
    private static final class ListDatabase implements WriteBehind.Target {
        final Map<String, List<Integer>> revisions = new HashMap<>();
        final List<Long> times = new ArrayList<>();
        int transactions;
        RuntimeException failure;

        @Override
        public int lastStored(String docId) {
            List<Integer> revs = revisions.getOrDefault(docId, List.of());
            return revs.isEmpty() ? 0 : revs.get(revs.size() - 1);
        }

        @Override
        public void store(List<CommitJournal.Batch> batches) {
            if (failure != null) {
                throw failure;
            }
            transactions++;
            for (CommitJournal.Batch b : batches) {
                for (Commit c : b.commits()) {
                    assertEquals(lastStored(c.docId()) + 1, c.revision().rev(), "in order, each once");
                    revisions.computeIfAbsent(c.docId(), d -> new ArrayList<>()).add(c.revision().rev());
                    times.add(b.createdMillis());
                }
            }
        }
    }

    private static Commit commit(String docId, int rev) {
        return new Commit(docId, new Revision(rev, "c1", rev, TextOperation.splice(rev - 1, rev - 1, 0, "x")), null);
    }

    @Test
    void acceptedBatchesReachTheDatabaseTogetherWithTheirTimes() throws IOException {
        ListDatabase database = new ListDatabase();
        try (WriteBehind journaled = WriteBehind.open(folder, database)) {
            for (int rev = 1; rev <= 30; rev++) {
                journaled.accept(List.of(commit("notes", rev), commit("plans", rev)), 1_000 + rev);
            }
            assertEquals(0, database.lastStored("notes"), "not written yet");
            journaled.drain();
            assertEquals(1, database.transactions, "thirty batches in one transaction");
            assertEquals(30, database.lastStored("plans"));
            assertEquals(1_030L, database.times.get(59));
            assertEquals(0, segments(), "the database holds what the journal held");
        }
    }

    @Test
    void aRevisionThatIsTakenOrDoesNotFollowIsRefusedAndNothingOfItsBatchIsKept() throws IOException {
        ListDatabase database = new ListDatabase();
        database.revisions.put("notes", new ArrayList<>(List.of(1, 2)));
        try (WriteBehind journaled = WriteBehind.open(folder, database)) {
            assertThrows(RevisionTakenException.class, () -> journaled.accept(List.of(commit("plans", 1), commit("notes", 2)), 1));
            assertThrows(IllegalStateException.class, () -> journaled.accept(List.of(commit("notes", 4)), 1));
            assertThrows(IllegalStateException.class, () -> journaled.accept(List.of(commit("notes", 3), commit("notes", 5)), 1));
            journaled.accept(List.of(commit("notes", 3)), 1);
            assertThrows(RevisionTakenException.class, () -> journaled.accept(List.of(commit("notes", 3)), 1), "accepted, not yet written");
            journaled.drain();
        }
        assertEquals(List.of(1, 2, 3), database.revisions.get("notes"));
        assertNull(database.revisions.get("plans"));
    }

    @Test
    void aDatabaseThatFailsKeepsBatchesWaitingInTheJournalUntilItTakesThem() throws IOException {
        ListDatabase database = new ListDatabase();
        try (WriteBehind journaled = WriteBehind.open(folder, database)) {
            journaled.accept(List.of(commit("notes", 1)), 1);
            database.failure = new StoreUnavailableException("the disk is full", null);
            assertThrows(StoreUnavailableException.class, journaled::drain);
            journaled.upkeep();
            assertNotNull(journaled.problem());
            journaled.accept(List.of(commit("notes", 2)), 2);
            database.failure = new IllegalStateException("refused");
            StoreUnavailableException e = assertThrows(StoreUnavailableException.class, journaled::drain);
            assertTrue(e.getMessage().contains("refused"), e.getMessage());
            assertEquals(2, segments(), "both batches are kept");
            assertEquals(2, journaled.waitingRevisions());

            database.failure = null;
            journaled.accept(List.of(commit("notes", 3)), 3);
            journaled.upkeep();
            assertNull(journaled.problem());
            assertEquals(0, journaled.waitingRevisions());
            assertEquals(List.of(1, 2, 3), database.revisions.get("notes"));
            assertEquals(0, segments());
        }
    }

    @Test
    void whatAnEarlierRunAcceptedAndTheDatabaseLacksIsWrittenAtTheNextOpenAndNothingTwice() throws IOException {
        ListDatabase database = new ListDatabase();
        WriteBehind crashed = WriteBehind.open(folder, database);
        for (int rev = 1; rev <= 5; rev++) {
            crashed.accept(List.of(commit("notes", rev)), rev);
        }
        crashed.drain();
        for (int rev = 6; rev <= 9; rev++) {
            crashed.accept(List.of(commit("notes", rev)), rev);
        }
        // The database fails as the server stops: the batches stay in the journal.
        database.failure = new StoreUnavailableException("gone", null);
        crashed.close();
        assertEquals(1, segments(), "revisions 6 to 9, the first five are in the database");
        // As if a transaction had written revisions 6 and 7 just before the process died.
        database.failure = null;
        database.revisions.get("notes").addAll(List.of(6, 7));

        try (WriteBehind again = WriteBehind.open(folder, database)) {
            assertThrows(RevisionTakenException.class, () -> again.accept(List.of(commit("notes", 9)), 10));
            again.accept(List.of(commit("notes", 10)), 10);
            again.drain();
        }
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), database.revisions.get("notes"));
        assertEquals(0, segments());
    }

    private long segments() throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".journal")).count();
        }
    }
}
