package app.concord.collab;

import app.concord.protocol.Revision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.ot.TextOperation;
import app.concord.protocol.ClientMessage;
import app.concord.protocol.ErrorCode;
import app.concord.protocol.JsonCodec;
import app.concord.protocol.ServerMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** The live-document pipeline with an in-memory store and commits run by hand. */
class LiveDocumentTest {

    /** Runs queued commit drains only when the test says so. */
    static final class ManualExecutor implements Executor {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
        }
    }

    /** Records what the server would have sent, as frames. */
    static final class RecordingConnection implements Connection {
        final List<String> frames = new ArrayList<>();
        int closeCode;

        @Override
        public void send(ServerMessage message) {
            if (closeCode == 0) {
                frames.add(JsonCodec.encode(message));
            }
        }

        @Override
        public void close(int code, String reason) {
            closeCode = code;
        }

        String last() {
            return frames.get(frames.size() - 1);
        }
    }

    final ManualExecutor commits = new ManualExecutor();
    final InMemoryDocumentStore store = new InMemoryDocumentStore();
    final LiveDocuments documents = new LiveDocuments(store, commits, Limits.DEFAULTS);

    static ClientMessage.Op op(int rev, long seq, Object... components) {
        return new ClientMessage.Op(rev, seq, TextOperation.fromWire(List.of(components)));
    }

    @Test
    void theAckAndTheBroadcastWaitForTheCommit() {
        LiveDocument doc = documents.acquire("notes");
        RecordingConnection ada = new RecordingConnection();
        RecordingConnection bob = new RecordingConnection();
        Member a = doc.join(ada, new ClientMessage.Join("a1", "Ada", null), doc.id(), false);
        doc.join(bob, new ClientMessage.Join("b2", "Bob", null), doc.id(), false);
        ada.frames.clear();
        bob.frames.clear();

        doc.submit(a, op(0, 1, "Hi"));
        assertTrue(ada.frames.isEmpty(), "no ack before the commit");
        assertTrue(bob.frames.isEmpty(), "no broadcast before the commit");
        assertEquals(List.of(), store.revisions("notes", 0, 1));

        commits.runAll();
        assertEquals(List.of("{\"type\":\"ack\",\"rev\":1,\"seq\":1}"), ada.frames);
        assertEquals(List.of("{\"type\":\"op\",\"rev\":1,\"client\":\"a1\",\"seq\":1,\"ops\":[\"Hi\"],\"author\":\"~a1\"}"), bob.frames);
        assertEquals(1, store.revisions("notes", 0, 1).size());
    }

    @Test
    void theProtocolExampleConverges() {
        LiveDocument doc = documents.acquire("notes");
        RecordingConnection ada = new RecordingConnection();
        RecordingConnection bob = new RecordingConnection();
        Member a = doc.join(ada, new ClientMessage.Join("a1", "Ada", null), doc.id(), false);
        doc.submit(a, op(0, 1, "Hi"));
        commits.runAll();
        Member b = doc.join(bob, new ClientMessage.Join("b2", "Bob", 0), doc.id(), false);
        assertEquals("{\"type\":\"welcome\",\"doc\":\"notes\",\"client\":\"b2\",\"rev\":1,"
                + "\"ops\":[{\"rev\":1,\"client\":\"a1\",\"seq\":1,\"ops\":[\"Hi\"],\"author\":\"~a1\"}],"
                + "\"peers\":[{\"client\":\"a1\",\"name\":\"Ada\",\"color\":\"" + colorOf(ada, doc) + "\",\"author\":\"~a1\"}],"
                + "\"readOnly\":false}",
                bob.frames.get(0));
        assertTrue(ada.last().startsWith("{\"type\":\"peer-joined\",\"peer\":{\"client\":\"b2\",\"name\":\"Bob\""));

        doc.submit(a, op(1, 2, 2, "!"));
        doc.submit(b, op(1, 1, "Oh, ", 2));
        commits.runAll();
        assertEquals("{\"type\":\"ack\",\"rev\":2,\"seq\":2}", ada.frames.get(ada.frames.size() - 2));
        assertEquals("{\"type\":\"op\",\"rev\":3,\"client\":\"b2\",\"seq\":1,\"ops\":[\"Oh, \",3],\"author\":\"~b2\"}", ada.last());
        assertEquals("{\"type\":\"op\",\"rev\":2,\"client\":\"a1\",\"seq\":2,\"ops\":[2,\"!\"],\"author\":\"~a1\"}", bob.frames.get(1));
        assertEquals("{\"type\":\"ack\",\"rev\":3,\"seq\":1}", bob.last());
        assertEquals(new LiveDocument.Snapshot(3, "Oh, Hi!"), doc.snapshot().join());
    }

    private static String colorOf(RecordingConnection ignored, LiveDocument doc) {
        return DocumentAuthority.COLORS.get(Math.floorMod("Ada".hashCode(), DocumentAuthority.COLORS.size()));
    }

    @Test
    void aResentOperationIsAcknowledgedWithItsFirstRevisionAndNotApplied() {
        LiveDocument doc = documents.acquire("d");
        RecordingConnection first = new RecordingConnection();
        Member m = doc.join(first, new ClientMessage.Join("c", "", null), doc.id(), false);
        doc.submit(m, op(0, 1, "x"));
        commits.runAll();

        RecordingConnection again = new RecordingConnection();
        Member resumed = doc.join(again, new ClientMessage.Join("c", "", 0), doc.id(), false);
        assertEquals(1000, first.closeCode, "the older connection is replaced");
        assertTrue(again.frames.get(0).contains("\"ops\":[{\"rev\":1,\"client\":\"c\",\"seq\":1,\"ops\":[\"x\"],\"author\":\"~c\"}]"));
        doc.submit(resumed, op(0, 1, "x"));
        commits.runAll();
        assertEquals("{\"type\":\"ack\",\"rev\":1,\"seq\":1}", again.last());
        assertEquals("x", doc.snapshot().join().text());
        doc.leave(m);
        assertTrue(doc.snapshot().join().rev() == 1);
    }

    @Test
    void aRejoinUnderANewNameIsAnnouncedAndOneUnderTheSameNameIsNot() {
        LiveDocument doc = documents.acquire("d");
        RecordingConnection watcher = new RecordingConnection();
        doc.join(watcher, new ClientMessage.Join("w", "Watcher", null), doc.id(), false);
        doc.join(new RecordingConnection(), new ClientMessage.Join("c", "Ada", null), doc.id(), false);
        doc.join(new RecordingConnection(), new ClientMessage.Join("c", "Ada", 0), doc.id(), false);
        doc.join(new RecordingConnection(), new ClientMessage.Join("c", "Ada L.", 0), doc.id(), false);
        List<String> joined = watcher.frames.stream().filter(f -> f.contains("peer-joined")).toList();
        assertEquals(2, joined.size(), joined.toString());
        assertTrue(joined.get(1).contains("\"name\":\"Ada L.\""));
    }

    @Test
    void aLateJoinerHearsOnlyRevisionsAfterItsWelcome() {
        LiveDocument doc = documents.acquire("d");
        RecordingConnection early = new RecordingConnection();
        Member e = doc.join(early, new ClientMessage.Join("e", "", null), doc.id(), false);
        doc.submit(e, op(0, 1, "a"));
        RecordingConnection late = new RecordingConnection();
        Member l = doc.join(late, new ClientMessage.Join("l", "", null), doc.id(), false);
        doc.submit(e, op(1, 2, 1, "b"));
        assertTrue(late.frames.isEmpty(), "the welcome waits for revision 1 to be durable");
        commits.runAll();
        assertEquals(2, late.frames.size());
        assertTrue(late.frames.get(0).startsWith("{\"type\":\"welcome\",\"doc\":\"d\",\"client\":\"l\",\"rev\":1,\"text\":\"a\""));
        assertEquals("{\"type\":\"op\",\"rev\":2,\"client\":\"e\",\"seq\":2,\"ops\":[1,\"b\"],\"author\":\"~e\"}", late.frames.get(1));
        doc.leave(l);
        assertTrue(early.last().equals("{\"type\":\"peer-left\",\"client\":\"l\"}"));
    }

    @Test
    void refusalsCarryTheProtocolCodeAndLeaveTheDocumentAlone() {
        LiveDocument doc = documents.acquire("d");
        Member m = doc.join(new RecordingConnection(), new ClientMessage.Join("c", "", null), doc.id(), false);
        Member viewer = doc.join(new RecordingConnection(), new ClientMessage.Join("v", "", null), doc.id(), true);
        assertEquals(ErrorCode.BAD_OP, assertThrows(ProtocolException.class, () -> doc.submit(m, op(0, 1, 3))).code());
        assertEquals(ErrorCode.BAD_OP, assertThrows(ProtocolException.class, () -> doc.submit(m, op(5, 1, "x"))).code());
        assertEquals(ErrorCode.READ_ONLY, assertThrows(ProtocolException.class, () -> doc.submit(viewer, op(0, 1, "x"))).code());
        assertEquals(ErrorCode.BAD_MESSAGE, assertThrows(ProtocolException.class,
                () -> doc.cursor(m, new ClientMessage.Cursor(0, List.of(new app.concord.ot.Range(0, 9))))).code());
        commits.runAll();
        assertEquals(new LiveDocument.Snapshot(0, ""), doc.snapshot().join());
    }

    @Test
    void aFailedCommitClosesEveryoneAndTheDocumentReopensFromTheStore() {
        DocumentStore failing = new InMemoryDocumentStore();
        List<List<Commit>> batches = new ArrayList<>();
        DocumentStore broken = new DocumentStore() {
            @Override
            public StoredDocument load(String docId) {
                return failing.load(docId);
            }

            @Override
            public void commit(List<Commit> batch) {
                batches.add(List.copyOf(batch));
                throw new IllegalStateException("disk full");
            }

            @Override
            public List<Revision> revisions(String docId, int fromExclusive, int toInclusive) {
                return failing.revisions(docId, fromExclusive, toInclusive);
            }

            @Override
            public java.util.OptionalInt revisionOf(String docId, String client, long seq) {
                return failing.revisionOf(docId, client, seq);
            }

            @Override
            public java.util.Map<String, Integer> lastRevisions(java.util.Collection<String> docIds) {
                return failing.lastRevisions(docIds);
            }

            @Override
            public String readOnlyId(String docId) {
                return failing.readOnlyId(docId);
            }

            @Override
            public HistoryStore history() {
                return failing.history();
            }

            @Override
            public java.util.Optional<String> documentOf(String readOnlyId) {
                return failing.documentOf(readOnlyId);
            }

            @Override
            public boolean isAvailable() {
                return false;
            }
        };
        List<Throwable> failures = new ArrayList<>();
        LiveDocuments live = new LiveDocuments(broken, commits, Limits.DEFAULTS, new CommitObserver() {
            @Override
            public void failed(Throwable failure) {
                failures.add(failure);
            }
        });
        LiveDocument doc = live.acquire("d");
        RecordingConnection c = new RecordingConnection();
        Member m = doc.join(c, new ClientMessage.Join("c", "", null), doc.id(), false);
        doc.submit(m, op(0, 1, "lost"));
        doc.submit(m, op(1, 2, 4, "!"));
        assertEquals(2, live.revisionsWaitingForCommit());
        commits.runAll();
        assertEquals(2, batches.size(), "both revisions waited for one commit, then the document was tried alone");
        assertEquals(2, batches.get(0).size());
        assertEquals(batches.get(0), batches.get(1));
        assertEquals(2, failures.size(), "the observer heard of both failed transactions");
        Throwable last = failures.get(1);
        String incident = Incidents.idOf(last);
        assertTrue(c.frames.stream().anyMatch(f -> f.contains("\"code\":\"server-error\"") && f.contains("\"id\":\"" + incident + "\"")),
                () -> "the server-error names the logged failure " + incident + ": " + c.frames);
        assertEquals(1011, c.closeCode);
        assertFalse(c.frames.stream().anyMatch(f -> f.contains("\"type\":\"ack\"")));
        ProtocolException later = assertThrows(ProtocolException.class, () -> doc.submit(m, op(2, 3, 5, "?")));
        assertEquals(ErrorCode.SERVER_ERROR, later.code());
        assertEquals(last, later.getCause(), "a later refusal reports the same failure");
        live.release(doc);
        LiveDocument reopened = live.acquire("d");
        assertEquals(new LiveDocument.Snapshot(0, ""), reopened.snapshot().join());
    }

    @Test
    void theObserverHearsEachCommitWithItsSize() {
        List<Integer> sizes = new ArrayList<>();
        LiveDocuments observed = new LiveDocuments(store, commits, Limits.DEFAULTS, new CommitObserver() {
            @Override
            public void committed(int revisions, long nanos) {
                assertTrue(nanos >= 0);
                sizes.add(revisions);
            }
        });
        LiveDocument doc = observed.acquire("observed");
        Member m = doc.join(new RecordingConnection(), new ClientMessage.Join("c", "", null), doc.id(), false);
        doc.submit(m, op(0, 1, "a"));
        doc.submit(m, op(1, 2, 1, "b"));
        commits.runAll();
        doc.submit(m, op(2, 3, 2, "c"));
        assertEquals(1, observed.revisionsWaitingForCommit());
        commits.runAll();
        assertEquals(List.of(2, 1), sizes);
        assertEquals(0, observed.revisionsWaitingForCommit());
    }

    @Test
    void anIdleDocumentIsEvictedAndReloadedWithItsHistory() {
        Limits quick = new Limits(1000, 1000, 10, 10, 10, 10, 2, 3, 100, 1, 600, 4);
        LiveDocuments live = new LiveDocuments(store, commits, quick);
        LiveDocument doc = live.acquire("d");
        RecordingConnection c = new RecordingConnection();
        Member m = doc.join(c, new ClientMessage.Join("c", "", null), doc.id(), false);
        for (int i = 0; i < 5; i++) {
            doc.submit(m, op(i, i + 1, i, "x"));
        }
        commits.runAll();
        doc.leave(m);
        live.release(doc);
        assertTrue(doc.closeIfIdle(System.nanoTime() + 2_000_000_000L, 1_000_000_000L));
        live.evictIdle();
        LiveDocument again = live.acquire("d");
        assertFalse(again == doc, "a closed document is opened anew");
        assertEquals(new LiveDocument.Snapshot(5, "xxxxx"), again.snapshot().join());
        assertEquals(5, again.history(0, 5).size(), "history older than memory comes from the store");
        RecordingConnection back = new RecordingConnection();
        Member resumed = again.join(back, new ClientMessage.Join("c", "", 5), again.id(), false);
        again.submit(resumed, op(5, 5, 5, "y"));
        commits.runAll();
        assertEquals("{\"type\":\"ack\",\"rev\":5,\"seq\":5}", back.last(), "dedup survives eviction");
    }

    @Test
    void anImportGivesAnEmptyDocumentItsHistoryAndMovesEveryoneToIt() {
        LiveDocument doc = documents.acquire("moved");
        RecordingConnection early = new RecordingConnection();
        doc.join(early, new ClientMessage.Join("e", "", null), doc.id(), false);
        List<Revision> history = List.of(
                new Revision(1, "a1", 1, TextOperation.fromWire(List.of("Hello"))),
                new Revision(2, "b2", 4, TextOperation.fromWire(List.of(5, " world"))));

        assertEquals("Hello world", doc.importHistory(history));

        assertEquals(1012, early.closeCode, "whoever had the empty document resumes on the imported one");
        assertEquals(history, store.revisions("moved", 0, 2));
        assertEquals(new LiveDocument.Snapshot(2, "Hello world"), doc.snapshot().join());
        assertEquals("Hello world", store.load("moved").snapshotText(), "the final text is a snapshot");
        RecordingConnection later = new RecordingConnection();
        Member b = doc.join(later, new ClientMessage.Join("b2", "", 2), doc.id(), false);
        doc.submit(b, op(2, 4, 11, "!"));
        commits.runAll();
        assertEquals("{\"type\":\"ack\",\"rev\":2,\"seq\":4}", later.last(), "imported sequences are remembered");
    }

    @Test
    void anImportIsRefusedWholeWhenTheDocumentHasRevisionsOrTheHistoryDoesNotReplay() {
        LiveDocument doc = documents.acquire("taken");
        Member m = doc.join(new RecordingConnection(), new ClientMessage.Join("c", "", null), doc.id(), false);
        doc.submit(m, op(0, 1, "mine"));
        commits.runAll();
        List<Revision> other = List.of(new Revision(1, "a1", 1, TextOperation.fromWire(List.of("theirs"))));
        assertThrows(IllegalStateException.class, () -> doc.importHistory(other));

        LiveDocument empty = documents.acquire("empty");
        assertThrows(IllegalArgumentException.class, () -> empty.importHistory(List.of(
                new Revision(1, "a1", 1, TextOperation.fromWire(List.of("ab"))),
                new Revision(2, "a1", 2, TextOperation.fromWire(List.of(5, "c"))))), "revision 2 expects 5 characters");
        assertThrows(IllegalArgumentException.class, () -> empty.importHistory(List.of(
                new Revision(2, "a1", 1, TextOperation.fromWire(List.of("ab"))))), "histories start at revision 1");
        assertEquals(List.of(), store.revisions("empty", 0, 5), "nothing of a refused import is stored");
    }

    /** A second server's documents over the same store, with commits of their own. */
    final ManualExecutor otherCommits = new ManualExecutor();
    final LiveDocuments otherServer = new LiveDocuments(store, otherCommits, Limits.DEFAULTS);

    @Test
    void aFollowerPassesOnWhatAnotherServerStoredInOrder() {
        LiveDocument here = documents.acquire("shared");
        LiveDocument there = otherServer.acquire("shared");
        RecordingConnection ada = new RecordingConnection();
        RecordingConnection bob = new RecordingConnection();
        Member a = here.join(ada, new ClientMessage.Join("a1", "Ada", null), "shared", false);
        Member b = there.join(bob, new ClientMessage.Join("b2", "Bob", null), "shared", false);
        bob.frames.clear();

        here.submit(a, op(0, 1, "Hi"));
        here.submit(a, op(0, 2, " there"));
        commits.runAll();
        otherServer.stored("shared", 1);
        assertEquals(List.of("{\"type\":\"op\",\"rev\":1,\"client\":\"a1\",\"seq\":1,\"ops\":[\"Hi\"],\"author\":\"~a1\"}"), bob.frames);
        otherServer.recheck(); // a missed notice: the re-check finds revision 2
        assertEquals("{\"type\":\"op\",\"rev\":2,\"client\":\"a1\",\"seq\":2,\"ops\":[2,\" there\"],\"author\":\"~a1\"}", bob.last());
        otherServer.stored("shared", 2);
        assertEquals(2, bob.frames.size(), "a notice of what it has already changes nothing");

        there.submit(b, op(2, 1, 8, "!"));
        otherCommits.runAll();
        assertEquals("{\"type\":\"ack\",\"rev\":3,\"seq\":1}", bob.last(), "the follower sequences on the stored history");
        documents.stored("shared", 3);
        assertEquals("{\"type\":\"op\",\"rev\":3,\"client\":\"b2\",\"seq\":1,\"ops\":[8,\"!\"],\"author\":\"~b2\"}", ada.last());
        assertEquals(new LiveDocument.Snapshot(3, "Hi there!"), here.snapshot().join());
    }

    @Test
    void theServerThatLosesTheRaceForARevisionAcknowledgesNothingAndItsClientsResumeOnTheWinnersHistory() {
        LiveDocument here = documents.acquire("raced");
        LiveDocument there = otherServer.acquire("raced");
        RecordingConnection ada = new RecordingConnection();
        RecordingConnection bob = new RecordingConnection();
        Member a = here.join(ada, new ClientMessage.Join("a1", "Ada", null), "raced", false);
        Member b = there.join(bob, new ClientMessage.Join("b2", "Bob", null), "raced", false);
        ada.frames.clear();
        bob.frames.clear();

        here.submit(a, op(0, 1, "left"));
        there.submit(b, op(0, 1, "right"));
        RecordingConnection cy = new RecordingConnection();
        Member c = there.join(cy, new ClientMessage.Join("c3", "Cy", null), "raced", false);
        there.submit(c, op(0, 1, "?")); // queued behind the lost revision: never stored either
        commits.runAll();
        otherCommits.runAll();

        assertEquals(List.of("{\"type\":\"ack\",\"rev\":1,\"seq\":1}"), ada.frames);
        assertEquals(List.of(), bob.frames, "nothing of the losing server's is acknowledged");
        assertEquals(1012, bob.closeCode, "its clients resume elsewhere or here, on the stored history");
        assertEquals(1012, cy.closeCode);
        assertEquals(1, store.revisions("raced", 0, 5).size());

        RecordingConnection back = new RecordingConnection();
        Membership resumed = otherServer.open("raced", back, new ClientMessage.Join("b2", "Bob", 0));
        resumed.submit(op(0, 1, "right"));
        otherCommits.runAll();
        assertEquals("{\"type\":\"ack\",\"rev\":2,\"seq\":1}", back.last());
        resumed.submit(op(2, 2, 9, "!"));
        otherCommits.runAll();
        documents.stored("raced", 3);
        assertEquals(new LiveDocument.Snapshot(3, "leftright!"), here.snapshot().join());
        assertEquals("{\"type\":\"ack\",\"rev\":3,\"seq\":2}", back.last());
        resumed.close();
    }

    @Test
    void aServerWithItsOwnRevisionsInFlightLeavesTheDecisionToTheStore() {
        LiveDocument here = documents.acquire("busy");
        LiveDocument there = otherServer.acquire("busy");
        Member a = here.join(new RecordingConnection(), new ClientMessage.Join("a1", "", null), "busy", false);
        RecordingConnection bob = new RecordingConnection();
        Member b = there.join(bob, new ClientMessage.Join("b2", "", null), "busy", false);
        here.submit(a, op(0, 1, "x"));
        commits.runAll();
        there.submit(b, op(0, 1, "y")); // applied on the stale text, not yet committed
        otherServer.stored("busy", 1);
        assertEquals(0, bob.closeCode, "a notice does not undo what waits for the store");
        otherCommits.runAll();
        assertEquals(1012, bob.closeCode, "the store refused it: revision 1 is taken");
    }

    @Test
    void aStoppingServerClosesItsConnectionsAndAdmitsNoMore() {
        RecordingConnection ada = new RecordingConnection();
        documents.open("notes", ada, new ClientMessage.Join("a1", "", null));
        documents.closeConnections();
        assertEquals(1012, ada.closeCode);
        assertThrows(ServerStoppingException.class,
                () -> documents.open("notes", new RecordingConnection(), new ClientMessage.Join("b2", "", null)));
    }

    @Test
    void anAuthorWhoMovedToAFollowerBeforeItsAckHearsItsRevisionAsTheAck() {
        LiveDocument here = documents.acquire("moved-on");
        LiveDocument there = otherServer.acquire("moved-on");
        Member a = here.join(new RecordingConnection(), new ClientMessage.Join("a1", "", null), "moved-on", false);
        RecordingConnection bob = new RecordingConnection();
        Member b = there.join(bob, new ClientMessage.Join("b2", "", null), "moved-on", false);
        RecordingConnection moved = new RecordingConnection();
        Member again = there.join(moved, new ClientMessage.Join("a1", "", 0), "moved-on", false);
        here.submit(a, op(0, 1, "typed"));
        commits.runAll(); // stored, but the author had moved on before its ack arrived
        moved.frames.clear();
        bob.frames.clear();

        otherServer.stored("moved-on", 1);
        there.submit(again, op(0, 1, "typed")); // its resend, which the ack above has answered

        assertEquals(List.of("{\"type\":\"ack\",\"rev\":1,\"seq\":1}"), moved.frames, "acknowledged once, in order");
        assertEquals(List.of("{\"type\":\"op\",\"rev\":1,\"client\":\"a1\",\"seq\":1,\"ops\":[\"typed\"],\"author\":\"~a1\"}"), bob.frames);
        assertTrue(otherCommits.tasks.isEmpty(), "nothing stored twice");
        assertEquals(0, b.acknowledgedElsewhere);
    }

    @Test
    void aClientAheadOfAFollowerIsWelcomedOnceItHasCaughtUp() {
        LiveDocument here = documents.acquire("ahead");
        LiveDocument there = otherServer.acquire("ahead");
        Member a = here.join(new RecordingConnection(), new ClientMessage.Join("a1", "", null), "ahead", false);
        there.join(new RecordingConnection(), new ClientMessage.Join("v", "", null), "ahead", false);
        here.submit(a, op(0, 1, "seen"));
        commits.runAll();
        RecordingConnection moved = new RecordingConnection();
        there.join(moved, new ClientMessage.Join("a1", "", 1), "ahead", false);
        assertTrue(moved.frames.get(0).contains("\"rev\":1,\"ops\":[]"), moved.frames.get(0));
    }
}
