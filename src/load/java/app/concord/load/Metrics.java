package app.concord.load;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the connections of one run measure. All clients live in this JVM, so the send time of
 * operation {@code (client, seq)}, a {@link System#nanoTime} the client library takes as it
 * writes the operation, is kept here and read by every connection that receives it (delivery
 * latency) and by its author's ack (ack latency). Receipts are stamped when the library's
 * listener hears of them, as a program using the library would.
 * Samples count only while {@link #recording} is on (after the warm-up).
 */
final class Metrics {

    private static final int RING = 1 << 16;

    final Histogram delivery = new Histogram();
    /** The deliveries to listeners alone (connections that only read), perhaps on another node than the writers'. */
    final Histogram listenerDelivery = new Histogram();
    final Histogram ack = new Histogram();
    final LongAdder deliveries = new LongAdder();
    final LongAdder acks = new LongAdder();
    /** Keystrokes typed while recording. */
    final LongAdder keystrokes = new LongAdder();
    final LongAdder opsSent = new LongAdder();
    final Queue<String> errors = new ConcurrentLinkedQueue<>();
    volatile boolean recording;
    private final ConcurrentHashMap<String, AtomicLongArray> sendTimes = new ConcurrentHashMap<>();

    void typed() {
        if (recording) {
            keystrokes.increment();
        }
    }

    void sent(String client, long seq, long sentNanos) {
        if (recording) {
            opsSent.increment();
        }
        sendTimes.computeIfAbsent(client, c -> new AtomicLongArray(RING)).set((int) (seq & (RING - 1)), sentNanos);
    }

    void delivered(String author, long seq) {
        delivered(author, seq, false);
    }

    /** Operation {@code (author, seq)} reached a connection, a listener's if {@code toListener}. */
    void delivered(String author, long seq, boolean toListener) {
        long now = System.nanoTime();
        if (!recording) {
            return;
        }
        deliveries.increment();
        long sent = sendTime(author, seq);
        if (sent != 0) {
            delivery.recordNanos(now - sent);
            if (toListener) {
                listenerDelivery.recordNanos(now - sent);
            }
        }
    }

    void acknowledged(String client, long seq) {
        long now = System.nanoTime();
        if (!recording) {
            return;
        }
        acks.increment();
        long sent = sendTime(client, seq);
        if (sent != 0) {
            ack.recordNanos(now - sent);
        }
    }

    void error(String what) {
        errors.add(what);
    }

    List<String> firstErrors(int n) {
        return errors.stream().limit(n).toList();
    }

    private long sendTime(String client, long seq) {
        AtomicLongArray times = sendTimes.get(client);
        return times == null ? 0 : times.get((int) (seq & (RING - 1)));
    }
}
