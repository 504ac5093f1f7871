package app.concord.operations.control;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The last minutes of the status page's figures, one {@link Sample} per call of
 * {@link #record}: gauges as they are, counters as rates and histograms as quantiles over
 * the interval since the sample before.
 */
public final class StatusHistory {

    /**
     * Figures at {@code epochMillis}; rates and quantiles cover the interval since the sample
     * before, a quantile being NaN when nothing was observed in it.
     */
    public record Sample(long epochMillis, int connections, int documents, double opsPerSecond, double ackP50Seconds,
            double ackP99Seconds, double commitP99Seconds, int revisionsWaiting, long framesQueued) {
    }

    private final int capacity;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private long lastMillis;
    private double lastApplied;
    private long[] lastAck;
    private long[] lastCommit;

    public StatusHistory(int capacity) {
        this.capacity = capacity;
    }

    /** Takes a sample of {@code metrics} now, dropping the oldest when full. */
    public synchronized void record(ConcordMetrics metrics, long nowMillis) {
        double applied = metrics.operationsApplied().get();
        ClassicHistogramBuckets ackBuckets = buckets(metrics.ackLatency());
        ClassicHistogramBuckets commitBuckets = buckets(metrics.commitDuration());
        long[] ack = counts(ackBuckets);
        long[] commit = counts(commitBuckets);
        double seconds = (nowMillis - lastMillis) / 1000.0;
        boolean first = lastAck == null;
        Sample sample = new Sample(nowMillis, metrics.connectionsOpen(), metrics.documentsOpen(),
                first || seconds <= 0 ? Double.NaN : (applied - lastApplied) / seconds,
                first ? Double.NaN : quantile(bounds(ackBuckets), minus(ack, lastAck), 0.5),
                first ? Double.NaN : quantile(bounds(ackBuckets), minus(ack, lastAck), 0.99),
                first ? Double.NaN : quantile(bounds(commitBuckets), minus(commit, lastCommit), 0.99),
                metrics.revisionsWaiting(), metrics.framesQueuedNow());
        lastMillis = nowMillis;
        lastApplied = applied;
        lastAck = ack;
        lastCommit = commit;
        if (samples.size() == capacity) {
            samples.removeFirst();
        }
        samples.addLast(sample);
    }

    /** The samples kept, oldest first. */
    public synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    /**
     * The {@code q}-quantile of observations counted per bucket ({@code counts[i]} in
     * ({@code bounds[i-1]}, {@code bounds[i]}], the last bound being +Inf), interpolated
     * linearly within its bucket as Prometheus's {@code histogram_quantile} does; NaN when
     * there is no observation, the highest finite bound when it falls in the +Inf bucket.
     */
    static double quantile(double[] bounds, long[] counts, double q) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        if (total == 0) {
            return Double.NaN;
        }
        double rank = q * total;
        long below = 0;
        for (int i = 0; i < counts.length; i++) {
            if (below + counts[i] >= rank && counts[i] > 0) {
                if (Double.isInfinite(bounds[i])) {
                    return i == 0 ? Double.NaN : bounds[i - 1];
                }
                double lower = i == 0 ? 0 : bounds[i - 1];
                return lower + (bounds[i] - lower) * (rank - below) / counts[i];
            }
            below += counts[i];
        }
        return bounds[bounds.length - 2];
    }

    private static ClassicHistogramBuckets buckets(Histogram histogram) {
        return histogram.collect().getDataPoints().get(0).getClassicBuckets();
    }

    private static double[] bounds(ClassicHistogramBuckets b) {
        double[] bounds = new double[b.size()];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = b.getUpperBound(i);
        }
        return bounds;
    }

    /** Observations per bucket (not cumulative). */
    private static long[] counts(ClassicHistogramBuckets b) {
        long[] counts = new long[b.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = b.getCount(i);
        }
        return counts;
    }

    private static long[] minus(long[] now, long[] before) {
        long[] d = new long[now.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = now[i] - before[i];
        }
        return d;
    }
}
