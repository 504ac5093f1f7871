package app.concord.client;

import app.concord.protocol.Revision;
import app.concord.ot.InvalidOperationException;
import app.concord.ot.Range;
import app.concord.ot.TextBuffer;
import app.concord.ot.TextOperation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One client's replica of a document and its side of the protocol (PROTOCOL.md), as the
 * ot.js client state machine: {@link Synchronized}, {@link AwaitingConfirm} one operation
 * in flight, or {@link AwaitingWithBuffer} one in flight and later local edits composed
 * into a buffer. It does no I/O: every method returns what the caller must send or apply.
 *
 * <p>Server operations were ordered before anything this client still has pending, so an
 * incoming operation is always the {@code prior} of a transform against pending ones: its
 * insert stays left of ours at the same position, as on the server.
 *
 * <p>Laws (checked by ClientDocumentTest and ConvergenceSimulationTest): after every
 * pending operation is acknowledged, {@link #text()} equals the server's text at
 * {@link #revision()}; each local edit reaches the server exactly once.
 *
 * <p>Not thread-safe: the connection that owns it serialises calls.
 */
public final class ClientDocument {

    /** An {@code op} message to send: this client's operation {@code seq}, made against revision {@code rev}. */
    public record Outgoing(int rev, long seq, TextOperation op) {
    }

    /** What a remote operation asks of the caller: apply {@code operation} to the editor, send {@code send} if present. */
    public record Remote(TextOperation operation, Optional<Outgoing> send) {
    }

    /** What a catch-up list asks of the caller: apply {@code operations} in order, then send {@code send} if present. */
    public record CatchUp(List<TextOperation> operations, Optional<Outgoing> send) {
    }

    /** Where the client stands with the server. */
    public sealed interface State permits Synchronized, AwaitingConfirm, AwaitingWithBuffer {
    }

    /** Nothing in flight: the local text is the server's text at {@link #revision()}. */
    public record Synchronized() implements State {
    }

    /** Operation {@code seq} is in flight; {@code outstanding} is it rebased on {@link #revision()}. */
    public record AwaitingConfirm(long seq, TextOperation outstanding) implements State {
    }

    /** As {@link AwaitingConfirm}, with local edits made since composed into {@code buffer}, not yet sent. */
    public record AwaitingWithBuffer(long seq, TextOperation outstanding, TextOperation buffer) implements State {
    }

    private final String client;
    private final TextBuffer text;
    private int rev;
    private long nextSeq;
    private State state = new Synchronized();

    /** A replica of the text at {@code rev}, as a {@code welcome} snapshot gives it, for a client whose next seq is 1. */
    public ClientDocument(String client, int rev, String text) {
        this(client, rev, text, 1);
    }

    /**
     * @param nextSeq the seq of this client's next operation: seq is kept across reconnects,
     *                so a replica rebuilt from a snapshot continues the old count
     */
    public ClientDocument(String client, int rev, String text, long nextSeq) {
        if (rev < 0 || nextSeq < 1) {
            throw new IllegalArgumentException("rev must be 0 or more and nextSeq 1 or more, got " + rev + " and " + nextSeq);
        }
        this.client = Objects.requireNonNull(client);
        this.text = new TextBuffer(text);
        this.rev = rev;
        this.nextSeq = nextSeq;
    }

    public String client() {
        return client;
    }

    /** The last server revision this replica has seen (acknowledged or applied). */
    public int revision() {
        return rev;
    }

    /** The local text: the server's text at {@link #revision()} plus every pending local edit. */
    public String text() {
        return text.toString();
    }

    /** The length of {@link #text()}, without copying it. */
    public int length() {
        return text.length();
    }

    /** The seq the next sent operation will carry. */
    public long nextSeq() {
        return nextSeq;
    }

    public State state() {
        return state;
    }

    /** True when nothing is in flight, which is when PROTOCOL.md lets the client send its cursor. */
    public boolean isSynchronized() {
        return state instanceof Synchronized;
    }

    /**
     * Applies a local edit. When nothing is in flight the edit is sent at once; otherwise it
     * is composed into the buffer, sent when the in-flight operation is acknowledged.
     *
     * @return the message to send, if any
     * @throws InvalidOperationException when {@code op} does not apply to {@link #text()}; nothing changes
     */
    public Optional<Outgoing> applyLocal(TextOperation op) {
        op.applyTo(text);
        if (op.isIdentity()) {
            return Optional.empty();
        }
        if (state instanceof AwaitingWithBuffer w) {
            state = new AwaitingWithBuffer(w.seq(), w.outstanding(), w.buffer().compose(op));
            return Optional.empty();
        } else if (state instanceof AwaitingConfirm a) {
            state = new AwaitingWithBuffer(a.seq(), a.outstanding(), op);
            return Optional.empty();
        }
        return Optional.of(send(op));
    }

    /**
     * Takes in revision {@code rev}, made by {@code author}'s operation {@code seq}. When
     * that is this client's own in-flight operation (a catch-up after a reconnect), it is
     * the acknowledgement: nothing is applied, and a waiting buffer is to be sent.
     * Otherwise the operation is transformed past the pending local edits.
     *
     * @throws IllegalStateException     when {@code rev} is not the next revision
     * @throws InvalidOperationException when {@code op} does not fit the server text; nothing changes
     */
    public Remote applyRemote(int rev, String author, long seq, TextOperation op) {
        expectNext(rev, "operation");
        if (client.equals(author) && seq == inFlightSeq()) {
            return new Remote(TextOperation.identity(text.length()), ack(rev, seq));
        }
        TextOperation toApply = op;
        State next = state;
        if (state instanceof AwaitingConfirm a) {
            TextOperation.Transformed t = TextOperation.transform(op, a.outstanding());
            toApply = t.prior();
            next = new AwaitingConfirm(a.seq(), t.later());
        } else if (state instanceof AwaitingWithBuffer w) {
            TextOperation.Transformed past = TextOperation.transform(op, w.outstanding());
            TextOperation.Transformed pastBuffer = TextOperation.transform(past.prior(), w.buffer());
            toApply = pastBuffer.prior();
            next = new AwaitingWithBuffer(w.seq(), past.later(), pastBuffer.later());
        }
        toApply.applyTo(text);
        state = next;
        this.rev = rev;
        return new Remote(toApply, Optional.empty());
    }

    /**
     * The server made this client's operation {@code seq} revision {@code rev}. A repeated
     * acknowledgement of an operation acknowledged before (the server's answer to a resend
     * it had already applied) is ignored.
     *
     * @return the buffered edits to send now, if any
     * @throws IllegalStateException when {@code seq} is not in flight and was not acknowledged before
     */
    public Optional<Outgoing> ack(int rev, long seq) {
        long inFlight = inFlightSeq();
        if (seq != inFlight) {
            boolean acknowledgedBefore = seq < nextSeq && (inFlight == 0 || seq < inFlight) && rev <= this.rev;
            if (acknowledgedBefore) {
                return Optional.empty();
            }
            throw new IllegalStateException("ack of operation " + seq + " at revision " + rev + ", but "
                    + (inFlight == 0 ? "nothing is in flight" : "operation " + inFlight + " is in flight")
                    + " at revision " + this.rev);
        }
        expectNext(rev, "ack");
        this.rev = rev;
        if (state instanceof AwaitingWithBuffer w) {
            return Optional.of(send(w.buffer()));
        }
        state = new Synchronized();
        return Optional.empty();
    }

    /**
     * The in-flight operation again, with its same seq, rebased on {@link #revision()}: what
     * to send on a new connection once the catch-up has been applied.
     */
    public Optional<Outgoing> resend() {
        if (state instanceof AwaitingConfirm a) {
            return Optional.of(new Outgoing(rev, a.seq(), a.outstanding()));
        } else if (state instanceof AwaitingWithBuffer w) {
            return Optional.of(new Outgoing(rev, w.seq(), w.outstanding()));
        }
        return Optional.empty();
    }

    /**
     * Resumes after a reconnect (PROTOCOL.md "Resuming"): applies the {@code welcome}'s
     * catch-up list, which starts right after {@link #revision()}, as remote operations
     * (an entry with this client's in-flight seq acknowledges it), then gives the in-flight
     * operation to resend.
     */
    public CatchUp catchUp(List<Revision> revisions) {
        List<TextOperation> toApply = new ArrayList<>(revisions.size());
        for (Revision r : revisions) {
            Remote remote = applyRemote(r.rev(), r.client(), r.seq(), r.operation());
            if (!remote.operation().isIdentity()) {
                toApply.add(remote.operation());
            }
        }
        return new CatchUp(toApply, resend());
    }

    /**
     * A peer's selection, given at the server's revision {@link #revision()}, moved onto the
     * local text past the pending local edits. A peer's caret stays before text this client
     * inserted at it.
     */
    public List<Range> transformCursor(List<Range> ranges) {
        List<Range> local = new ArrayList<>(ranges.size());
        for (Range range : ranges) {
            Range moved = range;
            if (state instanceof AwaitingConfirm a) {
                moved = moved.transform(a.outstanding(), false);
            } else if (state instanceof AwaitingWithBuffer w) {
                moved = moved.transform(w.outstanding(), false).transform(w.buffer(), false);
            }
            local.add(moved);
        }
        return local;
    }

    private Outgoing send(TextOperation op) {
        long seq = nextSeq++;
        state = new AwaitingConfirm(seq, op);
        return new Outgoing(rev, seq, op);
    }

    /** The seq of the operation in flight, or 0 when there is none. */
    public long inFlightSeq() {
        if (state instanceof AwaitingConfirm a) {
            return a.seq();
        } else if (state instanceof AwaitingWithBuffer w) {
            return w.seq();
        }
        return 0;
    }

    private void expectNext(int next, String what) {
        if (next != rev + 1) {
            throw new IllegalStateException(what + " for revision " + next + " but this replica is at revision " + rev
                    + "; the server sends every revision in order");
        }
    }
}
