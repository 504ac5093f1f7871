package app.concord.documents.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.collab.Commit;
import app.concord.ot.Authorship;
import app.concord.ot.TextOperation;
import app.concord.protocol.Revision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitJournalTest {

    @TempDir
    Path folder;

    /** Every field of a commit, with text beyond the Basic Multilingual Plane and an empty document id's neighbours. */
    private static List<Commit> batch() {
        Authorship two = Authorship.builder().add(3, "ann").add(2, "bob").build();
        Revision plain = new Revision(7, "c1", 12, TextOperation.splice(4, 1, 2, "\uD83D\uDE00é"));
        Revision restored = new Revision(8, "c2", 1, TextOperation.splice(4, 0, 0, "Hello"), "ann", two);
        return List.of(new Commit("notes", plain, null),
                new Commit("notes", restored, "a\u0000b\uD83D\uDE00 text", two, true),
                new Commit("plans", new Revision(1, "c1", 13, TextOperation.splice(0, 0, 0, "x")), "x", null, false));
    }

    @Test
    void batchesReadBackAsTheyWereAppendedAtTheNextOpen() throws IOException {
        try (CommitJournal journal = CommitJournal.open(folder)) {
            assertEquals(List.of(), journal.recovered());
            journal.append(batch(), 1_000);
            journal.seal();
            journal.append(batch().subList(0, 1), 2_000);
        }
        try (CommitJournal again = CommitJournal.open(folder)) {
            assertEquals(List.of(new CommitJournal.Batch(batch(), 1_000), new CommitJournal.Batch(batch().subList(0, 1), 2_000)),
                    again.recovered());
            again.deleteSealed();
        }
        try (CommitJournal emptied = CommitJournal.open(folder)) {
            assertEquals(List.of(), emptied.recovered());
        }
    }

    @Test
    void aRecordCutShortOrDamagedEndsItsSegmentAndWhatCameBeforeIsRecovered() throws IOException {
        try (CommitJournal journal = CommitJournal.open(folder)) {
            journal.append(batch(), 1_000);
            journal.append(batch(), 2_000);
        }
        Path segment = segments().get(0);
        byte[] whole = Files.readAllBytes(segment);
        Files.write(segment, new byte[] {0, 0, 1}, StandardOpenOption.APPEND);
        try (CommitJournal journal = CommitJournal.open(folder)) {
            assertEquals(2, journal.recovered().size(), "a torn header");
        }
        byte[] damaged = whole.clone();
        damaged[damaged.length - 3] ^= 0x55;
        Files.write(segment, damaged);
        try (CommitJournal journal = CommitJournal.open(folder)) {
            assertEquals(List.of(new CommitJournal.Batch(batch(), 1_000)), journal.recovered(), "a damaged second record");
        }
        Files.write(segment, java.util.Arrays.copyOf(whole, whole.length - 10));
        try (CommitJournal journal = CommitJournal.open(folder)) {
            assertEquals(1, journal.recovered().size(), "a second record cut short");
        }
    }

    @Test
    void oneStoreAtATimeHoldsTheFolder() throws IOException {
        try (CommitJournal journal = CommitJournal.open(folder)) {
            IOException refused = assertThrows(IOException.class, () -> CommitJournal.open(folder));
            assertTrue(refused.getMessage().contains("in use"), refused.getMessage());
        }
        CommitJournal.open(folder).close();
    }

    @Test
    void sealedSegmentsAreDeletedAndLaterBatchesGoToANewOne() throws IOException {
        try (CommitJournal journal = CommitJournal.open(folder)) {
            journal.append(batch(), 1_000);
            journal.seal();
            journal.append(batch(), 2_000);
            assertEquals(2, segments().size());
            journal.deleteSealed();
            assertEquals(1, segments().size());
        }
        try (CommitJournal again = CommitJournal.open(folder)) {
            assertEquals(List.of(new CommitJournal.Batch(batch(), 2_000)), again.recovered());
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".journal")).sorted().toList();
        }
    }
}
