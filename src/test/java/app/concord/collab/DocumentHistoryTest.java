package app.concord.collab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import app.concord.ot.Authorship;
import app.concord.ot.RandomOps;
import app.concord.ot.TextOperation;
import app.concord.protocol.Revision;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Sessions and changes read from a stored history. */
class DocumentHistoryTest {

    static final long MINUTE = 60_000;

    /** Summaries of revisions 1..n at the given times, by author "a" + (rev % 2), each adding rev code units. */
    static HistorySessions.Summaries at(long... times) {
        List<RevisionSummary> all = new ArrayList<>();
        for (int i = 0; i < times.length; i++) {
            all.add(new RevisionSummary(i + 1, times[i], "a" + ((i + 1) % 2), i + 1, 1));
        }
        return (from, to) -> all.subList(from, to);
    }

    @Test
    void sessionsAreRunsOfRevisionsLessThanTenMinutesApartNewestFirst() {
        HistorySessions.Summaries history = at(0, MINUTE, 12 * MINUTE, 21 * MINUTE, 31 * MINUTE, 40 * MINUTE);
        HistorySessions.Page all = HistorySessions.page(history, 7, 10);
        assertEquals(List.of(new HistorySessions.Session(5, 6, 31 * MINUTE, 40 * MINUTE, List.of("a1", "a0"), 11, 2),
                new HistorySessions.Session(3, 4, 12 * MINUTE, 21 * MINUTE, List.of("a1", "a0"), 7, 2),
                new HistorySessions.Session(1, 2, 0, MINUTE, List.of("a1", "a0"), 3, 2)), all.sessions());
        assertNull(all.next());

        HistorySessions.Page first = HistorySessions.page(history, 7, 2);
        assertEquals(all.sessions().subList(0, 2), first.sessions());
        assertEquals(3, first.next());
        HistorySessions.Page rest = HistorySessions.page(history, first.next(), 2);
        assertEquals(all.sessions().subList(2, 3), rest.sessions());
        assertNull(rest.next());
        assertEquals(List.of(new HistorySessions.Session(3, 3, 12 * MINUTE, 12 * MINUTE, List.of("a1"), 3, 1)),
                HistorySessions.page(history, 4, 1).sessions(), "a page may start inside a session");
        assertEquals(List.of(), HistorySessions.page(history, 1, 5).sessions());
    }

    @Test
    void aSessionLongerThanOneReadIsOneSession() {
        long[] times = new long[HistorySessions.CHUNK * 2 + 10];
        for (int i = 0; i < times.length; i++) {
            times[i] = i * 1_000L + (i >= 5 ? 20 * MINUTE : 0);
        }
        HistorySessions.Page page = HistorySessions.page(at(times), times.length + 1, 1);
        assertEquals(6, page.sessions().get(0).from());
        assertEquals(times.length, page.sessions().get(0).to());
        assertEquals(6, page.next());
    }

    @Test
    void theChangesBetweenTwoRevisionsTakeOneToTheOtherEitherWay() {
        InMemoryDocumentStore store = new InMemoryDocumentStore();
        Random random = new Random(18);
        List<String> texts = new ArrayList<>(List.of(""));
        List<Commit> commits = new ArrayList<>();
        for (int rev = 1; rev <= 300; rev++) {
            String before = texts.get(rev - 1);
            TextOperation op = RandomOps.operation(random, before);
            texts.add(op.apply(before));
            commits.add(new Commit("d", new Revision(rev, "c", rev, op, "a" + rev % 3, null), null));
        }
        store.commit(commits);
        DocumentHistory history = new DocumentHistory(store, 64);
        for (int i = 0; i < 40; i++) {
            int from = random.nextInt(301);
            int to = random.nextInt(301);
            DocumentHistory.Changes changes = history.changes("d", from, to);
            assertEquals(texts.get(to), changes.operation().apply(texts.get(from)), from + " to " + to);
            Authorship atTo = history.stateAt("d", to).authorship();
            assertEquals(Authorship.insertedBy(changes.operation(), atTo), changes.inserted());
        }
        assertEquals(TextOperation.identity(texts.get(7).length()), history.changes("d", 7, 7).operation());
    }
}
