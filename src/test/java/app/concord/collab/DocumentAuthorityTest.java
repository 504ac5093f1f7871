package app.concord.collab;

import app.concord.protocol.Peer;
import app.concord.protocol.Revision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.ot.InvalidOperationException;
import app.concord.ot.Range;
import app.concord.ot.TextOperation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DocumentAuthorityTest {

    private static TextOperation op(Object... components) {
        return TextOperation.fromWire(List.of(components));
    }

    /** The durable op log as a caller keeps it: every applied revision, in order. */
    private static final class Log implements HistorySource {
        final List<Revision> revisions = new ArrayList<>();
        final List<String> loads = new ArrayList<>();

        Receipt record(Receipt receipt) {
            if (!receipt.isDuplicate()) {
                revisions.add(receipt.applied());
            }
            return receipt;
        }

        @Override
        public List<Revision> load(int fromExclusive, int toInclusive) {
            loads.add(fromExclusive + ".." + toInclusive);
            return List.copyOf(revisions.subList(fromExclusive, toInclusive));
        }

        @Override
        public OptionalInt revisionOf(String client, long seq) {
            return revisions.stream().filter(r -> r.client().equals(client) && r.seq() == seq)
                    .mapToInt(Revision::rev).findFirst();
        }
    }

    @Nested
    class Receiving {

        @Test
        void transformsConcurrentOperationsAsInTheProtocolExample() {
            DocumentAuthority doc = DocumentAuthority.empty("notes", 1_000);
            assertEquals(1, doc.receive(0, "a1", 1, op("Hi")).rev());
            Receipt fromAda = doc.receive(1, "a1", 2, op(2, "!"));
            Receipt fromBob = doc.receive(1, "b2", 1, op("Oh, ", 2));
            assertEquals(2, fromAda.rev());
            assertEquals(3, fromBob.rev());
            assertEquals(new Revision(3, "b2", 1, op("Oh, ", 3)), fromBob.applied());
            assertEquals("Oh, Hi!", doc.text().toString());
            assertEquals(3, doc.revision());
        }

        @Test
        void answersADuplicateWithItsEarlierRevisionAndAppliesNothing() {
            DocumentAuthority doc = DocumentAuthority.empty("notes", 1_000);
            doc.receive(0, "a1", 1, op("Hi"));
            doc.receive(1, "a1", 2, op(2, "!"));
            doc.receive(2, "b2", 1, op(3, "?"));

            Receipt last = doc.receive(1, "a1", 2, op(2, "!"));
            assertTrue(last.isDuplicate());
            assertEquals(2, last.rev());
            assertEquals(2, last.seq());
            Receipt older = doc.receive(0, "a1", 1, op("Hi"));
            assertEquals(Receipt.duplicate(1, 1), older);
            assertEquals("Hi!?", doc.text().toString());
            assertEquals(3, doc.revision());
        }

        @Test
        void recognisesADuplicateEvenWhenItsContentDiffers() {
            DocumentAuthority doc = DocumentAuthority.empty("notes", 1_000);
            doc.receive(0, "a1", 1, op("Hi"));
            assertTrue(doc.receive(0, "a1", 1, op("something else")).isDuplicate());
            assertEquals("Hi", doc.text().toString());
        }

        @Test
        void refusesARevisionAheadOfTheDocument() {
            DocumentAuthority doc = DocumentAuthority.empty("notes", 1_000);
            doc.receive(0, "a1", 1, op("Hi"));
            assertEquals("rev 5 is not a revision of this document (current revision is 1)",
                    assertThrows(InvalidOperationException.class, () -> doc.receive(5, "a1", 2, op(2, "!"))).getMessage());
            assertThrows(InvalidOperationException.class, () -> doc.receive(-1, "a1", 2, op(2, "!")));
            assertEquals(1, doc.revision());
        }

        @Test
        void refusesASeqBelowOne() {
            DocumentAuthority doc = DocumentAuthority.empty("notes", 1_000);
            assertEquals("seq must be 1 or more, got 0",
                    assertThrows(InvalidOperationException.class, () -> doc.receive(0, "a1", 0, op("x"))).getMessage());
        }

        @Test
        void refusesTheWrongBaseLengthNamingTheRevision() {
            DocumentAuthority doc = DocumentAuthority.empty("notes", 1_000);
            doc.receive(0, "a1", 1, op("Hi"));
            doc.receive(1, "a1", 2, op(2, "!"));
            assertEquals("operation expects a document of length 3 but the document had length 2 at revision 1",
                    assertThrows(InvalidOperationException.class, () -> doc.receive(1, "b2", 1, op(3, "x"))).getMessage());
            assertEquals("operation expects a document of length 2 but the document had length 3 at revision 2",
                    assertThrows(InvalidOperationException.class, () -> doc.receive(2, "b2", 1, op(2, "x"))).getMessage());
            assertEquals("Hi!", doc.text().toString());
        }

        @Test
        void refusesAnOperationThatSplitsASurrogatePair() {
            DocumentAuthority doc = DocumentAuthority.empty("notes", 1_000);
            doc.receive(0, "a1", 1, op("😀"));
            assertThrows(InvalidOperationException.class, () -> doc.receive(1, "a1", 2, op(1, "x", 1)));
            assertEquals("😀", doc.text().toString());
            assertEquals(1, doc.revision());
        }

        @Test
        void refusesGrowingPastTheLimitAndLeavesTheDocumentUnchanged() {
            DocumentAuthority doc = DocumentAuthority.empty("notes", 5);
            doc.receive(0, "a1", 1, op("hello"));
            DocumentTooLargeException e = assertThrows(DocumentTooLargeException.class,
                    () -> doc.receive(1, "a1", 2, op(5, "!")));
            assertEquals("the document would have 6 code units; the limit is 5", e.getMessage());
            assertEquals("hello", doc.text().toString());
            assertEquals(1, doc.revision());
            // The refused seq was not recorded, and an edit that does not grow the document still fits.
            assertEquals(2, doc.receive(1, "a1", 2, op("H", -1, 4)).rev());
            assertEquals("Hello", doc.text().toString());
        }

        @Test
        void countsTheLimitAfterTransformation() {
            DocumentAuthority doc = DocumentAuthority.empty("notes", 4);
            doc.receive(0, "a1", 1, op("ab"));
            doc.receive(1, "a1", 2, op(2, "cd"));
            assertThrows(DocumentTooLargeException.class, () -> doc.receive(1, "b2", 1, op(2, "e")));
            assertEquals("abcd", doc.text().toString());
        }
    }

    @Nested
    class History {

        @Test
        void catchesUpFromAnyRevision() {
            DocumentAuthority doc = DocumentAuthority.empty("notes", 1_000);
            List<String> texts = new ArrayList<>(List.of(""));
            for (int i = 0; i < 12; i++) {
                doc.receive(doc.revision(), "c" + (i % 3), i / 3 + 1, TextOperation.splice(doc.length(), doc.length() / 2, 0, "<" + i + ">"));
                texts.add(doc.text().toString());
            }
            for (int from = 0; from <= doc.revision(); from++) {
                List<Revision> after = doc.revisionsAfter(from);
                assertEquals(doc.revision() - from, after.size());
                String text = texts.get(from);
                int expectedRev = from + 1;
                for (Revision r : after) {
                    assertEquals(expectedRev++, r.rev());
                    text = r.operation().apply(text);
                }
                assertEquals(doc.text().toString(), text, "catch-up from " + from);
                for (int to = from; to <= doc.revision(); to++) {
                    assertEquals(after.subList(0, to - from), doc.revisions(from, to), "revisions " + from + ".." + to);
                }
            }
            assertThrows(IllegalArgumentException.class, () -> doc.revisionsAfter(13));
            assertThrows(IllegalArgumentException.class, () -> doc.revisionsAfter(-1));
        }

        @Test
        void loadsRevisionsOlderThanThoseInMemoryFromTheHistorySource() {
            Log log = new Log();
            DocumentAuthority doc = new DocumentAuthority("notes", "", 0, List.of(), Map.of(), 1_000, 3, log);
            for (int i = 1; i <= 10; i++) {
                log.record(doc.receive(i - 1, "a1", i, op(i - 1, "x")));
            }
            List<Revision> after = doc.revisionsAfter(2);
            assertEquals(List.of("2..7"), log.loads);
            assertEquals(log.revisions.subList(2, 10), after);
            assertEquals(log.revisions.subList(7, 10), doc.revisionsAfter(7));
            assertEquals(log.revisions.subList(7, 9), doc.revisions(7, 9));
            assertEquals(List.of("2..7"), log.loads, "revisions 8..10 are in memory");

            Receipt late = log.record(doc.receive(2, "b2", 1, op("<", 2)));
            assertEquals(11, late.rev());
            assertEquals("<xxxxxxxxxx", doc.text().toString());
            assertEquals(List.of("2..7", "2..7"), log.loads, "one load for a late operation");
        }

        @Test
        void findsAnOldDuplicateInTheHistorySource() {
            Log log = new Log();
            DocumentAuthority doc = new DocumentAuthority("notes", "", 0, List.of(), Map.of(), 1_000, 2, log);
            for (int i = 1; i <= 6; i++) {
                log.record(doc.receive(i - 1, "a1", i, op(i - 1, "x")));
            }
            assertEquals(Receipt.duplicate(2, 2), doc.receive(1, "a1", 2, op(1, "x")));
            assertEquals(6, doc.revision());
        }

        @Test
        void refusesWhatItCannotReachWithAStaleRevisionError() {
            DocumentAuthority doc = new DocumentAuthority("notes", "", 0, List.of(), Map.of(), 1_000, 3, HistorySource.NONE);
            for (int i = 1; i <= 10; i++) {
                doc.receive(i - 1, "a1", i, op(i - 1, "x"));
            }
            assertEquals("the history of notes before revision 8 is not available",
                    assertThrows(StaleRevisionException.class, () -> doc.revisionsAfter(2)).getMessage());
            assertThrows(StaleRevisionException.class, () -> doc.receive(2, "b2", 1, op(2, "y")));
            assertEquals(3, doc.revisionsAfter(7).size());
            assertEquals(10, doc.revision());
            assertThrows(InvalidOperationException.class, () -> doc.receive(1, "a1", 2, op(1, "x")),
                    "an old seq that the history cannot place is refused, not applied");
        }

        @Test
        void resumesFromPersistedStateWithTheLastSeqsOfEachClient() {
            Revision r4 = new Revision(4, "b2", 3, op(3, "d"));
            DocumentAuthority doc = new DocumentAuthority("notes", "abcd", 4, List.of(r4),
                    Map.of("a1", new LastApplied(3, 3)), 1_000, 10, HistorySource.NONE);
            assertEquals(Receipt.duplicate(3, 3), doc.receive(3, "a1", 3, op(3, "z")));
            assertEquals(Receipt.duplicate(4, 3), doc.receive(3, "b2", 3, op(3, "d")));
            assertEquals(5, doc.receive(3, "a1", 4, op(3, "!")).rev());
            assertEquals("abcd!", doc.text().toString(), "revision 4 was ordered first, so its insert stays left");
        }

        @Test
        void refusesAHistoryWithAGap() {
            List<Revision> gap = List.of(new Revision(2, "a1", 2, op(1, "b")), new Revision(4, "a1", 3, op(2, "c")));
            assertThrows(IllegalArgumentException.class,
                    () -> new DocumentAuthority("notes", "abc", 4, gap, Map.of(), 1_000, 10, HistorySource.NONE));
        }
    }

    @Nested
    class Presence {

        @Test
        void givesUpToTwelvePeersDistinctColours() {
            DocumentAuthority doc = DocumentAuthority.empty("notes", 1_000);
            Set<String> colours = new HashSet<>();
            for (int i = 0; i < 12; i++) {
                colours.add(doc.join("client-" + i, "Peer " + i, false).color());
            }
            assertEquals(12, colours.size());
            assertTrue(DocumentAuthority.COLORS.containsAll(colours));
        }

        @Test
        void keepsAPeersColourAndSelectionWhenItJoinsAgain() {
            DocumentAuthority doc = DocumentAuthority.empty("notes", 1_000);
            doc.receive(0, "a1", 1, op("hello"));
            Peer ada = doc.join("a1", "Ada", false);
            doc.join("b2", "Bob", false);
            doc.moveCursor("a1", 1, List.of(new Range(1, 3)));
            Peer again = doc.join("a1", "Ada L.", false);
            assertEquals(new Peer("a1", "Ada L.", ada.color(), List.of(new Range(1, 3))), again);
            assertEquals(List.of("a1", "b2"), doc.peers().stream().map(Peer::client).collect(Collectors.toList()));
        }

        @Test
        void forgetsAPeerThatLeavesAndGivesItTheSameColourWhenFree() {
            DocumentAuthority doc = DocumentAuthority.empty("notes", 1_000);
            Peer ada = doc.join("a1", "Ada", false);
            Peer bob = doc.join("b2", "Bob", false);
            assertTrue(doc.leave("a1"));
            assertFalse(doc.leave("a1"));
            assertFalse(doc.isPresent("a1"));
            assertEquals(List.of(bob), List.copyOf(doc.peers()));
            assertEquals(ada.color(), doc.join("a1", "Ada", false).color());
        }

        @Test
        void aPersonWhoReloadsKeepsTheirColourUnderANewClientId() {
            DocumentAuthority doc = DocumentAuthority.empty("notes", 1_000);
            Peer before = doc.join("first-page-load", "Ada", false);
            doc.join("b2", "Bob", false);
            doc.leave("first-page-load");
            Peer after = doc.join("second-page-load", "Ada", false);
            assertEquals(before.color(), after.color());
        }

        @Test
        void aViewerIsPresentAsReadOnly() {
            DocumentAuthority doc = DocumentAuthority.empty("notes", 1_000);
            assertTrue(doc.join("v1", "Vera", true).readOnly());
            assertFalse(doc.join("a1", "Ada", false).readOnly());
        }

        @Test
        void movesASelectionGivenAtAnOldRevisionToTheCurrentOne() {
            DocumentAuthority doc = DocumentAuthority.empty("notes", 1_000);
            doc.receive(0, "a1", 1, op("hello world"));
            doc.join("b2", "Bob", false);
            doc.receive(1, "a1", 2, op(">> ", 11));
            doc.receive(2, "a1", 3, op(-3, 11));
            doc.receive(3, "a1", 4, op("# ", 11));
            List<Range> moved = doc.moveCursor("b2", 1, List.of(new Range(6, 11), new Range(0, 0)));
            assertEquals(List.of(new Range(8, 13), new Range(0, 0)), moved);
            assertEquals(moved, List.copyOf(doc.peers()).get(0).ranges());
        }

        @Test
        void letsTheAuthorsCaretFollowItsOwnInsert() {
            DocumentAuthority doc = DocumentAuthority.empty("notes", 1_000);
            doc.receive(0, "a1", 1, op("ab"));
            doc.join("a1", "Ada", false);
            doc.join("b2", "Bob", false);
            doc.moveCursor("a1", 1, List.of(new Range(1, 1)));
            doc.moveCursor("b2", 1, List.of(new Range(1, 1)));
            doc.receive(1, "a1", 2, op(1, "xyz", 1));
            Map<String, List<Range>> ranges = doc.peers().stream().collect(Collectors.toMap(Peer::client, Peer::ranges));
            assertEquals(List.of(new Range(4, 4)), ranges.get("a1"));
            assertEquals(List.of(new Range(1, 1)), ranges.get("b2"));
        }

        @Test
        void movesStoredSelectionsWithLaterOperations() {
            DocumentAuthority doc = DocumentAuthority.empty("notes", 1_000);
            doc.receive(0, "a1", 1, op("hello world"));
            doc.join("b2", "Bob", false);
            doc.moveCursor("b2", 1, List.of(new Range(11, 6)));
            doc.receive(1, "a1", 2, op("Oh, ", 11));
            doc.receive(2, "a1", 3, op(10, -5, 0, 0, 0, 0, 0));
            assertEquals(List.of(new Range(10, 10)), List.copyOf(doc.peers()).get(0).ranges());
        }

        @Test
        void refusesASelectionOutsideTheDocumentAtItsRevision() {
            DocumentAuthority doc = DocumentAuthority.empty("notes", 1_000);
            doc.receive(0, "a1", 1, op("hi"));
            doc.receive(1, "a1", 2, op(2, " there"));
            doc.join("b2", "Bob", false);
            assertEquals("range [0,3] is outside the document, which had length 2 at revision 1",
                    assertThrows(IllegalArgumentException.class,
                            () -> doc.moveCursor("b2", 1, List.of(new Range(0, 3)))).getMessage());
            assertThrows(IllegalArgumentException.class, () -> doc.moveCursor("b2", 2, List.of(new Range(-1, 0))));
            assertThrows(IllegalArgumentException.class, () -> doc.moveCursor("b2", 3, List.of(new Range(0, 0))));
            assertThrows(IllegalStateException.class, () -> doc.moveCursor("nobody", 2, List.of()));
            assertEquals(List.of(), List.copyOf(doc.peers()).get(0).ranges());
        }
    }

    /**
     * Two documents used from two threads, each call under that document's own lock as the
     * server does: each ends exactly as if its thread had run alone.
     */
    @Test
    void twoAuthoritiesUsedFromTwoThreadsDoNotInterfere() throws Exception {
        int edits = 5_000;
        DocumentAuthority left = DocumentAuthority.empty("left", 1 << 20);
        DocumentAuthority right = DocumentAuthority.empty("right", 1 << 20);
        ReentrantLock leftLock = new ReentrantLock();
        ReentrantLock rightLock = new ReentrantLock();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> a = pool.submit(() -> type(left, leftLock, "L", edits, start));
            Future<?> b = pool.submit(() -> type(right, rightLock, "R", edits, start));
            start.countDown();
            a.get(60, TimeUnit.SECONDS);
            b.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(expectedTyping("L", edits), left.text().toString());
        assertEquals(expectedTyping("R", edits), right.text().toString());
        assertEquals(edits, left.revision());
        assertEquals(edits, right.revision());
    }

    private static Void type(DocumentAuthority doc, ReentrantLock lock, String letter, int edits, CountDownLatch start)
            throws InterruptedException {
        start.await();
        for (int i = 1; i <= edits; i++) {
            lock.lock();
            try {
                doc.receive(doc.revision(), letter, i, TextOperation.splice(doc.length(), (i * 7) % (doc.length() + 1), 0, letter + (i % 10)));
            } finally {
                lock.unlock();
            }
        }
        return null;
    }

    private static String expectedTyping(String letter, int edits) {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= edits; i++) {
            text.insert((i * 7) % (text.length() + 1), letter + (i % 10));
        }
        return text.toString();
    }
}
