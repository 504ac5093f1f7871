package app.concord.collab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.collab.LiveDocumentTest.ManualExecutor;
import app.concord.collab.LiveDocumentTest.RecordingConnection;
import app.concord.protocol.ClientMessage;
import app.concord.protocol.Revision;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * What the committer does when the store fails: an unreachable store is waited for and
 * nothing is lost or stored twice; a store that refuses a batch fails only the documents it
 * refuses.
 */
class GroupCommitterTest {

    /** An in-memory store whose commits fail as the test says. */
    static final class FlakyStore implements DocumentStore {
        final InMemoryDocumentStore stored = new InMemoryDocumentStore();
        final List<List<Commit>> attempts = new ArrayList<>();
        int unavailableFor;
        boolean storeThenLoseTheAnswer;
        Predicate<Commit> refused = c -> false;

        @Override
        public void commit(List<Commit> batch) {
            attempts.add(List.copyOf(batch));
            if (unavailableFor > 0) {
                unavailableFor--;
                if (storeThenLoseTheAnswer) {
                    stored.commit(batch);
                    storeThenLoseTheAnswer = false;
                }
                throw new StoreUnavailableException("connection reset", null);
            }
            if (batch.stream().anyMatch(refused)) {
                throw new IllegalStateException("value too long");
            }
            stored.commit(batch);
        }

        @Override
        public StoredDocument load(String docId) {
            return stored.load(docId);
        }

        @Override
        public List<Revision> revisions(String docId, int fromExclusive, int toInclusive) {
            return stored.revisions(docId, fromExclusive, toInclusive);
        }

        @Override
        public OptionalInt revisionOf(String docId, String client, long seq) {
            return stored.revisionOf(docId, client, seq);
        }

        @Override
        public java.util.Map<String, Integer> lastRevisions(java.util.Collection<String> docIds) {
            return stored.lastRevisions(docIds);
        }

        @Override
        public String readOnlyId(String docId) {
            return stored.readOnlyId(docId);
        }

        @Override
        public Optional<String> documentOf(String readOnlyId) {
            return stored.documentOf(readOnlyId);
        }

        @Override
        public HistoryStore history() {
            return stored.history();
        }

        @Override
        public boolean isAvailable() {
            return unavailableFor == 0;
        }
    }

    /** What the committer told its observer, in order. */
    static final class Told implements CommitObserver {
        final List<String> events = new ArrayList<>();

        @Override
        public void unavailable(String reason) {
            events.add("unavailable");
        }

        @Override
        public void available() {
            events.add("available");
        }

        @Override
        public void refused(Throwable cause) {
            events.add("refused");
        }

        @Override
        public void revisionTaken() {
            events.add("taken");
        }
    }

    final ManualExecutor commits = new ManualExecutor();
    final FlakyStore store = new FlakyStore();
    final Told told = new Told();
    final LiveDocuments documents = new LiveDocuments(store, commits, Limits.DEFAULTS, told);

    @Test
    void editsWaitUnacknowledgedWhileTheStoreIsUnreachableAndAreSavedOnceWhenItIsBack() {
        store.unavailableFor = 3;
        LiveDocument doc = documents.acquire("notes");
        RecordingConnection ada = new RecordingConnection();
        Member a = doc.join(ada, new ClientMessage.Join("a1", "Ada", null), doc.id(), false);
        ada.frames.clear();

        doc.submit(a, LiveDocumentTest.op(0, 1, "Hi"));
        assertEquals(1, documents.committer().waiting());
        commits.runAll();

        assertEquals(4, store.attempts.size(), "three failed tries, then the one that worked");
        assertEquals(List.of("{\"type\":\"ack\",\"rev\":1,\"seq\":1}"), ada.frames);
        assertEquals(0, ada.closeCode, "nobody was disconnected");
        assertEquals(1, store.stored.revisions("notes", 0, 5).size());
        assertEquals(List.of("unavailable", "available"), told.events);
        assertEquals(0, documents.committer().waiting());
        assertFalse(documents.committer().inOutage());
    }

    @Test
    void aCommitWhoseAnswerWasLostIsNotStoredTwice() {
        store.unavailableFor = 1;
        store.storeThenLoseTheAnswer = true;
        LiveDocument doc = documents.acquire("notes");
        RecordingConnection ada = new RecordingConnection();
        Member a = doc.join(ada, new ClientMessage.Join("a1", "Ada", null), doc.id(), false);
        ada.frames.clear();

        doc.submit(a, LiveDocumentTest.op(0, 1, "Hi"));
        doc.submit(a, LiveDocumentTest.op(1, 2, 2, "!"));
        commits.runAll();

        assertEquals(1, store.attempts.size(), "the stored batch was recognised, not written again");
        assertEquals(2, store.stored.revisions("notes", 0, 5).size());
        assertTrue(ada.frames.contains("{\"type\":\"ack\",\"rev\":2,\"seq\":2}"), ada.frames.toString());
        assertEquals(0, ada.closeCode);
    }

    @Test
    void aRefusedDocumentFailsAloneAndTheOthersInItsBatchAreSaved() {
        store.refused = c -> c.docId().equals("bad");
        LiveDocument good = documents.acquire("good");
        LiveDocument bad = documents.acquire("bad");
        RecordingConnection g = new RecordingConnection();
        RecordingConnection b = new RecordingConnection();
        Member gm = good.join(g, new ClientMessage.Join("g", "", null), good.id(), false);
        Member bm = bad.join(b, new ClientMessage.Join("b", "", null), bad.id(), false);
        g.frames.clear();

        good.submit(gm, LiveDocumentTest.op(0, 1, "fine"));
        bad.submit(bm, LiveDocumentTest.op(0, 1, "refused"));
        commits.runAll();

        assertEquals(List.of("{\"type\":\"ack\",\"rev\":1,\"seq\":1}"), g.frames);
        assertEquals(0, g.closeCode);
        assertEquals(1011, b.closeCode, "the refused document's clients resume from the store");
        assertEquals(1, store.stored.revisions("good", 0, 5).size());
        assertEquals(List.of(), store.stored.revisions("bad", 0, 5));
        assertEquals(List.of("refused"), told.events);
    }

    @Test
    void aDocumentAnotherServerWroteFirstFailsAloneWithoutBeingAFault() {
        store.stored.commit(List.of(new Commit("shared", new app.concord.protocol.Revision(1, "x", 1,
                app.concord.ot.TextOperation.fromWire(List.of("theirs"))), null)));
        LiveDocument good = documents.acquire("good");
        LiveDocument stale = documents.acquire("shared");
        RecordingConnection g = new RecordingConnection();
        RecordingConnection s = new RecordingConnection();
        Member gm = good.join(g, new ClientMessage.Join("g", "", null), good.id(), false);
        Member sm = stale.join(s, new ClientMessage.Join("s", "", 1), stale.id(), false);
        g.frames.clear();
        s.frames.clear();
        store.stored.commit(List.of(new Commit("shared", new app.concord.protocol.Revision(2, "x", 2,
                app.concord.ot.TextOperation.fromWire(List.of(6, "!"))), null))); // unseen here yet

        good.submit(gm, LiveDocumentTest.op(0, 1, "fine"));
        stale.submit(sm, LiveDocumentTest.op(1, 1, "mine ", 6));
        commits.runAll();

        assertEquals(List.of("{\"type\":\"ack\",\"rev\":1,\"seq\":1}"), g.frames);
        assertEquals(List.of(), s.frames, "a revision another server took is never acknowledged");
        assertEquals(1012, s.closeCode, "its clients resume, as after a restart, not after a fault");
        assertEquals(2, store.stored.revisions("shared", 0, 5).size());
        assertEquals(List.of("taken"), told.events);
    }
}
