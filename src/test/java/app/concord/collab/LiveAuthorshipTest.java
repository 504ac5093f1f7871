package app.concord.collab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.collab.LiveDocumentTest.ManualExecutor;
import app.concord.collab.LiveDocumentTest.RecordingConnection;
import app.concord.ot.Authorship;
import app.concord.ot.TextOperation;
import app.concord.protocol.ClientMessage;
import app.concord.protocol.JsonCodec;
import app.concord.protocol.ServerMessage;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Authors and authorship in an open document, and restores, with an in-memory store and commits run by hand. */
class LiveAuthorshipTest {

    static final String ADA_SECRET = "ada-secret-0123456789";
    static final String BOB_SECRET = "bob-secret-0123456789";

    final ManualExecutor commits = new ManualExecutor();
    final InMemoryDocumentStore store = new InMemoryDocumentStore();
    final Limits limits = new Limits(1 << 20, 1 << 20, 1000, 1000, 100, 1000, 3, 100, 1000, 60, 600, 5);
    final LiveDocuments documents = new LiveDocuments(store, commits, limits);
    final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimers() {
        timers.shutdownNow();
    }

    static ServerMessage.Welcome welcome(RecordingConnection c) {
        return (ServerMessage.Welcome) JsonCodec.decodeServerMessage(c.frames.get(0)).orElseThrow();
    }

    /** A connection speaking the protocol through a session, as a WebSocket's does. */
    final class Client {
        final RecordingConnection connection = new RecordingConnection();
        final ProtocolSession session = new ProtocolSession(documents, "notes", connection, timers);
        long seq;

        Client(String client, String name, String secret) {
            session.receive(new ClientMessage.Join(client, name, null, secret, false));
            commits.runAll();
        }

        void send(int rev, TextOperation op, Integer restore) {
            session.receive(new ClientMessage.Op(rev, ++seq, op, restore));
            commits.runAll();
        }
    }

    @Test
    void anAuthorIsKnownByAPublicIdThatIsTheSameAtEveryVisitAndNeverTheSecret() {
        Client ada = new Client("a1", "Ada", ADA_SECRET);
        ServerMessage.Welcome first = welcome(ada.connection);
        String id = first.author();
        assertTrue(id.matches("[A-Za-z0-9_-]{16}"), id);
        assertFalse(ada.connection.frames.stream().anyMatch(f -> f.contains(ADA_SECRET)));
        assertEquals(Authorship.empty(), first.authorship());
        assertEquals("Ada", first.authors().get(id).name());

        ada.send(0, TextOperation.fromWire(List.of("Hello")), null);
        Client again = new Client("a2", "Ada L.", ADA_SECRET);
        ServerMessage.Welcome second = welcome(again.connection);
        assertEquals(id, second.author(), "a new tab, the same secret: the same author");
        assertEquals(Authorship.of(5, id), second.authorship());
        assertEquals(id, second.peers().get(0).author());
        assertEquals("Ada L.", second.authors().get(id).name());
        assertEquals(first.authors().get(id).color(), second.authors().get(id).color(), "an author keeps their colour");
        assertEquals(second.authors().get(id).color(), second.peers().stream()
                .filter(p -> p.client().equals("a1")).findFirst().orElseThrow().color());

        String elsewhere = AuthorIds.fromSecret(store.authorKey(), "other", ADA_SECRET);
        assertNotEquals(id, elsewhere, "ids do not link one person's documents");
    }

    @Test
    void aClientWithoutASecretIsTheAuthorOfItsClientAndItsWelcomeHasNothingNew() {
        Client old = new Client("o1", "Old", null);
        String frame = old.connection.frames.get(0);
        assertFalse(frame.contains("authorship"), frame);
        Client ada = new Client("a1", "Ada", ADA_SECRET);
        old.send(0, TextOperation.fromWire(List.of("Hi")), null);
        assertTrue(ada.connection.last().contains("\"author\":\"~o1\""), ada.connection.last());
        assertEquals("~o1", welcome(new Client("a3", "Ada", ADA_SECRET).connection).authorship().runAuthor(0));
    }

    @Test
    void theLiveAuthorshipIsWhatTheOpLogRebuildsAndSurvivesReopening() {
        Client ada = new Client("a1", "Ada", ADA_SECRET);
        Client bob = new Client("b1", "Bob", BOB_SECRET);
        String a = welcome(ada.connection).author();
        String b = welcome(bob.connection).author();
        ada.send(0, TextOperation.fromWire(List.of("Hello world")), null);
        bob.send(1, TextOperation.fromWire(List.of(5, ",", 6)), null);
        ada.send(1, TextOperation.fromWire(List.of(11, "!")), null);
        bob.send(3, TextOperation.fromWire(List.of(-5, "Howdy", 8)), null);
        for (int i = 0; i < 7; i++) {
            ada.send(4 + i, TextOperation.fromWire(List.of(13 + i, "?")), null);
        }
        Authorship expected = Authorship.builder().add(5, b).add(1, b).add(6, a).add(1, a).add(7, a).build();
        Authorship live = welcome(new Client("v1", "Vera", "vera-secret-012345678").connection).authorship();
        assertEquals(expected, live);
        assertEquals(expected, new DocumentHistory(store, 5).stateAt("notes", 11).authorship());

        LiveDocuments reopened = new LiveDocuments(store, commits, limits);
        RecordingConnection c = new RecordingConnection();
        reopened.acquire("notes").join(c, new ClientMessage.Join("z", "Zed", null, "zed-secret-0123456789", false), "notes", false);
        commits.runAll();
        assertEquals(expected, welcome(c).authorship());
    }

    /** A document stored before authorship was kept: its snapshot has no runs, and the op log makes them. */
    @Test
    void aSnapshotWithoutAuthorshipIsRebuiltFromTheOpLog() {
        store.commit(List.of(new Commit("notes", new app.concord.protocol.Revision(1, "o1", 1, TextOperation.fromWire(List.of("ab"))), null),
                new Commit("notes", new app.concord.protocol.Revision(2, "o2", 1, TextOperation.fromWire(List.of(1, "X", 1))), "aXb"),
                new Commit("notes", new app.concord.protocol.Revision(3, "o1", 2, TextOperation.fromWire(List.of(3, "c"))), null)));
        assertNull(store.load("notes").snapshotAuthorship());
        Client ada = new Client("a1", "Ada", ADA_SECRET);
        assertEquals(Authorship.builder().add(1, "~o1").add(1, "~o2").add(2, "~o1").build(), welcome(ada.connection).authorship());
    }

    @Test
    void aRestoreMakesTheRevisionsTextInOneRevisionAndTheRestoredTextKeepsItsAuthors() {
        Client ada = new Client("a1", "Ada", ADA_SECRET);
        Client bob = new Client("b1", "Bob", BOB_SECRET);
        String a = welcome(ada.connection).author();
        String b = welcome(bob.connection).author();
        ada.send(0, TextOperation.fromWire(List.of("The cat sat.")), null);
        bob.send(1, TextOperation.fromWire(List.of(4, -3, "dog", 5)), null);
        bob.send(2, TextOperation.fromWire(List.of(-12, "Gone")), null);

        DocumentHistory history = documents.history();
        DocumentHistory.Changes back = history.changes("notes", 3, 1);
        bob.send(3, back.operation(), 1);
        assertEquals("{\"type\":\"ack\",\"rev\":4,\"seq\":3}", bob.connection.last());
        Checkpoint restored = history.stateAt("notes", 4);
        assertEquals("The cat sat.", restored.text());
        assertEquals(Authorship.of(12, a), restored.authorship(), "restored by Bob, still written by Ada");
        assertTrue(ada.connection.last().contains("\"author\":\"" + b + "\",\"inserted\":[[12,\"" + a + "\"]]"),
                ada.connection.last());
        assertEquals(List.of(b, a), List.of(store.revisions("notes", 3, 4).get(0).author(), restored.authorship().runAuthor(0)));
    }

    @Test
    void aRestoreMadeBeforeOthersEditedIsTransformedPastTheirEdits() {
        Client ada = new Client("a1", "Ada", ADA_SECRET);
        Client bob = new Client("b1", "Bob", BOB_SECRET);
        String a = welcome(ada.connection).author();
        String b = welcome(bob.connection).author();
        ada.send(0, TextOperation.fromWire(List.of("one two")), null);
        ada.send(1, TextOperation.fromWire(List.of(3, -4)), null);
        TextOperation restore = documents.history().changes("notes", 2, 1).operation();
        bob.send(2, TextOperation.fromWire(List.of("zero ", 3)), null);
        ada.send(2, restore, 1);
        Checkpoint now = documents.history().stateAt("notes", 4);
        assertEquals("zero one two", now.text());
        assertEquals(Authorship.builder().add(5, b).add(7, a).build(), now.authorship());
    }

    /**
     * As after a lost ack: the same seq again on a new connection, once others have edited,
     * rebased as a client unaware of restores would send it (which no longer makes revision 1):
     * acknowledged again, not checked.
     */
    @Test
    void aRestoreSentAgainAfterItWasAppliedIsAcknowledgedAgain() {
        Client ada = new Client("a1", "Ada", ADA_SECRET);
        ada.send(0, TextOperation.fromWire(List.of("abc")), null);
        ada.send(1, TextOperation.fromWire(List.of(-3)), null);
        TextOperation back = documents.history().changes("notes", 2, 1).operation();
        ada.send(2, back, 1);
        new Client("b1", "Bob", BOB_SECRET).send(3, TextOperation.fromWire(List.of(3, "!")), null);

        Client again = new Client("a1", "Ada", ADA_SECRET);
        again.seq = 2;
        again.send(4, TextOperation.identity(4), 1);
        assertEquals("{\"type\":\"ack\",\"rev\":3,\"seq\":3}", again.connection.last());
        assertEquals("abc!", documents.history().stateAt("notes", 4).text());
        assertEquals(4, store.load("notes").rev());
    }

    @Test
    void aRestoreThatDoesNotMakeTheRevisionIsRefusedAndChangesNothing() {
        Client ada = new Client("a1", "Ada", ADA_SECRET);
        ada.send(0, TextOperation.fromWire(List.of("abc")), null);
        ada.send(1, TextOperation.fromWire(List.of(3, "d")), null);
        ada.send(2, TextOperation.fromWire(List.of(4, "X")), 1);
        assertTrue(ada.connection.last().contains("\"code\":\"bad-op\""), ada.connection.last());
        assertTrue(ada.connection.last().contains("does not restore revision 1"), ada.connection.last());
        assertEquals(1008, ada.connection.closeCode);

        Client again = new Client("a2", "Ada", ADA_SECRET);
        again.send(2, TextOperation.fromWire(List.of(4)), 3);
        assertTrue(again.connection.last().contains("a restore brings back a revision up to"), again.connection.last());
        assertEquals(2, store.load("notes").rev());
    }

    @Test
    void aViewerGetsTheAuthorshipButIsNotRecordedAsAnAuthor() {
        new Client("a1", "Ada", ADA_SECRET).send(0, TextOperation.fromWire(List.of("x")), null);
        String readOnly = store.readOnlyId("notes");
        RecordingConnection viewer = new RecordingConnection();
        new ProtocolSession(documents, readOnly, viewer, timers)
                .receive(new ClientMessage.Join("v1", "Vera", null, "vera-secret-012345678", false));
        commits.runAll();
        ServerMessage.Welcome w = welcome(viewer);
        assertEquals(1, w.authorship().length());
        assertNull(w.authors().get(w.author()));
        assertEquals(1, store.authors("notes").size());
    }
}
