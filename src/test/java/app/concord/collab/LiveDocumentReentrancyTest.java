package app.concord.collab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.protocol.ClientMessage;
import app.concord.protocol.ServerMessage;
import org.junit.jupiter.api.Test;

/**
 * A container may report a connection closed from inside a send to it (Tyrus does when a
 * write fails), so {@link LiveDocument#leave} can run in the middle of a broadcast.
 */
class LiveDocumentReentrancyTest {

    final LiveDocumentTest.ManualExecutor commits = new LiveDocumentTest.ManualExecutor();
    final LiveDocuments documents = new LiveDocuments(new InMemoryDocumentStore(), commits, Limits.DEFAULTS);
    final LiveDocument doc = documents.acquire("notes");

    /** A connection whose next send finds it dead: the container closes it on the sender's thread. */
    final class DyingConnection implements Connection {
        Member member;
        boolean dead;

        @Override
        public void send(ServerMessage message) {
            if (dead && member != null) {
                Member leaving = member;
                member = null;
                doc.leave(leaving);
            }
        }

        @Override
        public void close(int code, String reason) {
        }
    }

    @Test
    void aConnectionThatClosesWhileBeingSentToLeavesTheBroadcastToEveryoneElse() {
        LiveDocumentTest.RecordingConnection ada = new LiveDocumentTest.RecordingConnection();
        DyingConnection bob = new DyingConnection();
        LiveDocumentTest.RecordingConnection carl = new LiveDocumentTest.RecordingConnection();
        Member a = doc.join(ada, new ClientMessage.Join("a1", "Ada", null), doc.id(), false);
        bob.member = doc.join(bob, new ClientMessage.Join("b2", "Bob", null), doc.id(), false);
        doc.join(carl, new ClientMessage.Join("c3", "Carl", null), doc.id(), false);
        ada.frames.clear();
        carl.frames.clear();
        bob.dead = true;

        LiveDocumentTest.RecordingConnection dan = new LiveDocumentTest.RecordingConnection();
        doc.join(dan, new ClientMessage.Join("d4", "Dan", null), doc.id(), false);

        assertTrue(dan.frames.get(0).startsWith("{\"type\":\"welcome\""), dan.frames::toString);
        for (LiveDocumentTest.RecordingConnection other : new LiveDocumentTest.RecordingConnection[] {ada, carl}) {
            assertTrue(other.frames.stream().anyMatch(f -> f.contains("\"peer-joined\"") && f.contains("\"d4\"")), other.frames::toString);
            assertTrue(other.frames.stream().anyMatch(f -> f.contains("\"peer-left\"") && f.contains("\"b2\"")), other.frames::toString);
        }

        doc.submit(a, LiveDocumentTest.op(0, 1, "Hi"));
        commits.runAll();
        assertEquals("{\"type\":\"ack\",\"rev\":1,\"seq\":1}", ada.last());
        assertTrue(carl.last().startsWith("{\"type\":\"op\",\"rev\":1"), carl.frames::toString);
        assertTrue(dan.last().startsWith("{\"type\":\"op\",\"rev\":1"), dan.frames::toString);
    }
}
