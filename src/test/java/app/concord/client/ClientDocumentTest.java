package app.concord.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.client.ClientDocument.Outgoing;
import app.concord.collab.DocumentAuthority;
import app.concord.collab.Receipt;
import app.concord.protocol.Revision;
import app.concord.ot.InvalidOperationException;
import app.concord.ot.Range;
import app.concord.ot.TextOperation;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClientDocumentTest {

    private static TextOperation op(Object... components) {
        return TextOperation.fromWire(List.of(components));
    }

    @Test
    void aLocalEditWhileSynchronizedIsSentAtOnce() {
        ClientDocument doc = new ClientDocument("a1", 0, "");
        Optional<Outgoing> out = doc.applyLocal(op("Hi"));
        assertEquals(Optional.of(new Outgoing(0, 1, op("Hi"))), out);
        assertEquals("Hi", doc.text());
        assertEquals(new ClientDocument.AwaitingConfirm(1, op("Hi")), doc.state());
        assertEquals(2, doc.nextSeq());
    }

    @Test
    void editsWhileAwaitingAreComposedAndSentOnTheAck() {
        ClientDocument doc = new ClientDocument("a1", 0, "");
        doc.applyLocal(op("Hi"));
        assertEquals(Optional.empty(), doc.applyLocal(op(2, "!")));
        assertEquals(Optional.empty(), doc.applyLocal(op("<", 3)));
        assertEquals(new ClientDocument.AwaitingWithBuffer(1, op("Hi"), op("<", 2, "!")), doc.state());

        assertEquals(Optional.of(new Outgoing(1, 2, op("<", 2, "!"))), doc.ack(1, 1));
        assertEquals(Optional.empty(), doc.ack(2, 2));
        assertTrue(doc.isSynchronized());
        assertEquals(2, doc.revision());
        assertEquals("<Hi!", doc.text());
    }

    @Test
    void aRemoteOperationWhileSynchronizedIsAppliedAsIs() {
        ClientDocument doc = new ClientDocument("b2", 1, "Hi");
        ClientDocument.Remote remote = doc.applyRemote(2, "a1", 2, op(2, "!"));
        assertEquals(op(2, "!"), remote.operation());
        assertEquals(Optional.empty(), remote.send());
        assertEquals("Hi!", doc.text());
        assertEquals(2, doc.revision());
    }

    @Test
    void followsTheProtocolExampleAsTheSecondClient() {
        ClientDocument bob = new ClientDocument("b2", 1, "Hi");
        assertEquals(Optional.of(new Outgoing(1, 1, op("Oh, ", 2))), bob.applyLocal(op("Oh, ", 2)));
        ClientDocument.Remote remote = bob.applyRemote(2, "a1", 2, op(2, "!"));
        assertEquals(op(6, "!"), remote.operation());
        assertEquals("Oh, Hi!", bob.text());
        assertEquals(new ClientDocument.AwaitingConfirm(1, op("Oh, ", 3)), bob.state());
        assertEquals(Optional.empty(), bob.ack(3, 1));
        assertEquals(3, bob.revision());
        assertTrue(bob.isSynchronized());
    }

    @Test
    void theServersInsertStaysLeftOfAPendingInsertAtTheSamePosition() {
        ClientDocument doc = new ClientDocument("b2", 0, "xy");
        doc.applyLocal(op(1, "B", 1));
        doc.applyRemote(1, "a1", 1, op(1, "A", 1));
        assertEquals("xABy", doc.text());
    }

    @Test
    void aRemoteOperationIsTransformedPastOutstandingAndBuffer() {
        DocumentAuthority server = DocumentAuthority.empty("doc", 1_000);
        server.receive(0, "seed", 1, op("hello world"));
        ClientDocument a = new ClientDocument("a", 1, "hello world");
        ClientDocument b = new ClientDocument("b", 1, "hello world");

        Outgoing fromA = a.applyLocal(op(-5, "HELLO", 6)).orElseThrow();
        assertEquals(Optional.empty(), a.applyLocal(op(11, "!")));
        Outgoing fromB = b.applyLocal(op(6, -5, "there")).orElseThrow();

        Receipt first = server.receive(fromB.rev(), "b", fromB.seq(), fromB.op());
        Receipt second = server.receive(fromA.rev(), "a", fromA.seq(), fromA.op());
        b.ack(first.rev(), fromB.seq());
        a.applyRemote(first.rev(), "b", fromB.seq(), first.applied().operation());
        Outgoing buffered = a.ack(second.rev(), fromA.seq()).orElseThrow();
        b.applyRemote(second.rev(), "a", fromA.seq(), second.applied().operation());
        Receipt third = server.receive(buffered.rev(), "a", buffered.seq(), buffered.op());
        a.ack(third.rev(), buffered.seq());
        b.applyRemote(third.rev(), "a", buffered.seq(), third.applied().operation());

        assertEquals("HELLO there!", server.text().toString());
        assertEquals(server.text().toString(), a.text());
        assertEquals(server.text().toString(), b.text());
        assertEquals(4, a.revision());
        assertEquals(4, b.revision());
    }

    @Test
    void itsOwnEntryInACatchUpIsTheAcknowledgement() {
        ClientDocument doc = new ClientDocument("a1", 0, "");
        doc.applyLocal(op("Hi"));
        ClientDocument.CatchUp catchUp = doc.catchUp(List.of(
                new Revision(1, "a1", 1, op("Hi")),
                new Revision(2, "b2", 1, op("Oh, ", 2))));
        assertEquals(List.of(op("Oh, ", 2)), catchUp.operations());
        assertEquals(Optional.empty(), catchUp.send());
        assertEquals("Oh, Hi", doc.text());
        assertEquals(2, doc.revision());
        assertTrue(doc.isSynchronized());
    }

    @Test
    void aCatchUpThatAcknowledgesSendsTheBufferOnceRebasedOnTheNewRevision() {
        ClientDocument doc = new ClientDocument("a1", 0, "");
        doc.applyLocal(op("Hi"));
        doc.applyLocal(op(2, "!"));
        ClientDocument.CatchUp catchUp = doc.catchUp(List.of(
                new Revision(1, "a1", 1, op("Hi")),
                new Revision(2, "b2", 1, op("Oh, ", 2))));
        assertEquals(Optional.of(new Outgoing(2, 2, op(6, "!"))), catchUp.send());
        assertEquals("Oh, Hi!", doc.text());
    }

    @Test
    void aResendKeepsTheSeqAndIsRebasedOnTheCatchUp() {
        ClientDocument doc = new ClientDocument("a1", 1, "Hi");
        Outgoing first = doc.applyLocal(op(2, "!")).orElseThrow();
        ClientDocument.CatchUp catchUp = doc.catchUp(List.of(new Revision(2, "b2", 1, op("Oh, ", 2))));
        assertEquals(Optional.of(new Outgoing(2, first.seq(), op(6, "!"))), catchUp.send());
        assertEquals(catchUp.send(), doc.resend());
    }

    @Test
    void aResendOfAnAlreadyAppliedOperationIsAnsweredWithoutApplyingTwice() {
        DocumentAuthority server = DocumentAuthority.empty("doc", 1_000);
        ClientDocument doc = new ClientDocument("a1", 0, "");
        Outgoing sent = doc.applyLocal(op("Hi")).orElseThrow();
        Receipt applied = server.receive(sent.rev(), "a1", sent.seq(), sent.op());
        // The ack is lost; the client resends after a reconnect that carried no catch-up.
        Outgoing again = doc.resend().orElseThrow();
        Receipt duplicate = server.receive(again.rev(), "a1", again.seq(), again.op());
        assertTrue(duplicate.isDuplicate());
        assertEquals(applied.rev(), duplicate.rev());
        doc.ack(applied.rev(), sent.seq());
        assertEquals(Optional.empty(), doc.ack(duplicate.rev(), sent.seq()), "the second ack is ignored");
        assertEquals("Hi", server.text().toString());
        assertEquals("Hi", doc.text());
    }

    @Test
    void nothingToResendWhenSynchronized() {
        assertEquals(Optional.empty(), new ClientDocument("a1", 3, "abc").resend());
    }

    @Test
    void anAckForAnOperationNotInFlightIsAnError() {
        ClientDocument doc = new ClientDocument("a1", 0, "");
        assertThrows(IllegalStateException.class, () -> doc.ack(1, 1));
        doc.applyLocal(op("x"));
        assertThrows(IllegalStateException.class, () -> doc.ack(1, 2));
        assertThrows(IllegalStateException.class, () -> doc.ack(3, 1), "an ack must be the next revision");
        assertEquals(new ClientDocument.AwaitingConfirm(1, op("x")), doc.state());
    }

    @Test
    void aRevisionOutOfOrderIsRefusedAndChangesNothing() {
        ClientDocument doc = new ClientDocument("b2", 1, "Hi");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> doc.applyRemote(3, "a1", 2, op(2, "!")));
        assertEquals("operation for revision 3 but this replica is at revision 1; the server sends every revision in order",
                e.getMessage());
        assertEquals("Hi", doc.text());
        assertEquals(1, doc.revision());
    }

    @Test
    void aRemoteOperationOfTheWrongLengthIsRefusedAndChangesNothing() {
        ClientDocument doc = new ClientDocument("b2", 1, "Hi");
        doc.applyLocal(op("x", 2));
        assertThrows(InvalidOperationException.class, () -> doc.applyRemote(2, "a1", 2, op(3, "!")));
        assertEquals("xHi", doc.text());
        assertEquals(1, doc.revision());
        assertEquals(new ClientDocument.AwaitingConfirm(1, op("x", 2)), doc.state());
    }

    @Test
    void anInvalidLocalEditIsRefusedAndChangesNothing() {
        ClientDocument doc = new ClientDocument("a1", 0, "😀");
        assertThrows(InvalidOperationException.class, () -> doc.applyLocal(op(1, "x", 1)));
        assertThrows(InvalidOperationException.class, () -> doc.applyLocal(op(3)));
        assertEquals("😀", doc.text());
        assertInstanceOf(ClientDocument.Synchronized.class, doc.state());
        assertEquals(1, doc.nextSeq());
    }

    @Test
    void aLocalEditThatChangesNothingIsNotSent() {
        ClientDocument doc = new ClientDocument("a1", 0, "abc");
        assertEquals(Optional.empty(), doc.applyLocal(TextOperation.identity(3)));
        assertTrue(doc.isSynchronized());
    }

    @Test
    void theSeqCountContinuesInARebuiltReplica() {
        ClientDocument doc = new ClientDocument("a1", 7, "abc", 12);
        assertEquals(12, doc.applyLocal(op(3, "d")).orElseThrow().seq());
        assertThrows(IllegalArgumentException.class, () -> new ClientDocument("a1", 0, "", 0));
    }

    @Test
    void aPeersCursorIsMovedPastPendingLocalEdits() {
        ClientDocument doc = new ClientDocument("a1", 0, "hello");
        doc.applyLocal(op(">> ", 5));
        doc.applyLocal(op(8, "!"));
        assertEquals(List.of(new Range(0, 0), new Range(4, 4), new Range(8, 8), new Range(5, 3)),
                doc.transformCursor(List.of(new Range(0, 0), new Range(1, 1), new Range(5, 5), new Range(2, 0))));
        assertEquals(List.of(new Range(1, 2)), new ClientDocument("a1", 0, "hello").transformCursor(List.of(new Range(1, 2))));
    }
}
