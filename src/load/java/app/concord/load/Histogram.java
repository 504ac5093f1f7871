package app.concord.load;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free latency histogram in microseconds: exact below 1,024 µs, then 64 buckets per
 * power of two (under 1.6 % error), up to about 10^12 µs. Recording is one atomic increment,
 * so every receiving thread records into the same instance.
 */
final class Histogram {

    private static final int LINEAR = 1024;
    private static final int SUB = 64;
    private final AtomicLongArray counts = new AtomicLongArray(LINEAR + 40 * SUB);
    private final AtomicLong max = new AtomicLong();
    private final AtomicLong count = new AtomicLong();

    void recordNanos(long nanos) {
        long micros = Math.max(0, nanos / 1_000);
        counts.incrementAndGet(index(micros));
        count.incrementAndGet();
        max.accumulateAndGet(micros, Math::max);
    }

    long count() {
        return count.get();
    }

    /** The latency in milliseconds below which {@code p} percent of the samples lie; NaN when empty. */
    double percentileMillis(double p) {
        long total = count.get();
        if (total == 0) {
            return Double.NaN;
        }
        long rank = Math.max(1, (long) Math.ceil(total * p / 100.0));
        long seen = 0;
        for (int i = 0; i < counts.length(); i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return Math.min(upperMicros(i), max.get()) / 1_000.0;
            }
        }
        return max.get() / 1_000.0;
    }

    double maxMillis() {
        return count.get() == 0 ? Double.NaN : max.get() / 1_000.0;
    }

    private static int index(long micros) {
        if (micros < LINEAR) {
            return (int) micros;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(micros); // 10 or more
        int sub = (int) ((micros >>> (exponent - 6)) & (SUB - 1));
        return Math.min(LINEAR + (exponent - 10) * SUB + sub, LINEAR + 40 * SUB - 1);
    }

    private static long upperMicros(int index) {
        if (index < LINEAR) {
            return index;
        }
        int exponent = (index - LINEAR) / SUB + 10;
        int sub = (index - LINEAR) % SUB;
        return ((long) (SUB + sub + 1) << (exponent - 6)) - 1;
    }
}
