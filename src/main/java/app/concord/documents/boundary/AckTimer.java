package app.concord.documents.boundary;

import java.util.ArrayDeque;

/**
 * Times one connection's operations from arrival to acknowledgement. The server acknowledges
 * a connection's operations in the order they arrived, so arrivals wait in a queue and an
 * ack settles every earlier arrival.
 */
final class AckTimer {

    /** Arrivals remembered at most; a client that floods is closed long before. */
    static final int MAX_PENDING = 10_000;

    private final ArrayDeque<long[]> pending = new ArrayDeque<>();

    /** Operation {@code seq} arrived at {@code nanos}. */
    synchronized void arrived(long seq, long nanos) {
        if (pending.size() == MAX_PENDING) {
            pending.removeFirst();
        }
        pending.addLast(new long[] {seq, nanos});
    }

    /** Operation {@code seq}, the latest to arrive, was refused: no ack follows for it. */
    synchronized void refused(long seq) {
        long[] last = pending.peekLast();
        if (last != null && last[0] == seq) {
            pending.removeLast();
        }
    }

    /**
     * Nanoseconds from the arrival of {@code seq} to {@code nanos}, or -1 when its arrival is
     * unknown. A client numbers its operations upwards, so arrivals of lower numbers still
     * waiting were refused or will never be acknowledged, and are dropped.
     */
    synchronized long acknowledged(long seq, long nanos) {
        long[] next;
        while ((next = pending.peekFirst()) != null && next[0] < seq) {
            pending.removeFirst();
        }
        if (next == null || next[0] != seq) {
            return -1;
        }
        pending.removeFirst();
        return nanos - next[1];
    }
}
