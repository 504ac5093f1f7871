package app.concord.operations.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.collab.Limits;
import app.concord.collab.LiveDocuments;
import app.concord.collab.InMemoryDocumentStore;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusHistoryTest {

    private static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void aQuantileIsInterpolatedWithinItsBucket() {
        double[] bounds = {1, 2, 4, INF};
        assertEquals(1.5, StatusHistory.quantile(bounds, new long[] {0, 10, 0, 0}, 0.5), 1e-9);
        assertEquals(2.0, StatusHistory.quantile(bounds, new long[] {5, 5, 0, 0}, 1.0), 1e-9);
        assertEquals(0.5, StatusHistory.quantile(bounds, new long[] {10, 0, 0, 0}, 0.5), 1e-9);
        assertEquals(4.0, StatusHistory.quantile(bounds, new long[] {1, 0, 0, 99}, 0.99), 1e-9,
                "beyond the last finite bound: that bound");
        assertTrue(Double.isNaN(StatusHistory.quantile(bounds, new long[] {0, 0, 0, 0}, 0.5)));
    }

    @Test
    void eachSampleMeasuresTheIntervalSinceTheOneBefore() {
        ConcordMetrics metrics = new ConcordMetrics();
        metrics.watch(new LiveDocuments(new InMemoryDocumentStore(), Runnable::run, Limits.DEFAULTS), () -> 3);
        StatusHistory history = new StatusHistory(2);
        history.record(metrics, 10_000);
        for (int i = 0; i < 100; i++) {
            metrics.acknowledged(1_500_000); // 1.5 ms: in the (1 ms, 2 ms] bucket
        }
        metrics.committed(40, 3_000_000);
        history.record(metrics, 12_000);
        history.record(metrics, 14_000);

        List<StatusHistory.Sample> samples = history.samples();
        assertEquals(2, samples.size(), "the oldest sample made room");
        StatusHistory.Sample busy = samples.get(0);
        assertEquals(12_000, busy.epochMillis());
        assertEquals(3, busy.connections());
        assertEquals(20.0, busy.opsPerSecond(), 1e-9, "40 operations in 2 s");
        assertTrue(busy.ackP50Seconds() > 0.001 && busy.ackP50Seconds() <= 0.002, () -> "p50 " + busy.ackP50Seconds());
        assertTrue(busy.commitP99Seconds() > 0.002 && busy.commitP99Seconds() <= 0.005);
        StatusHistory.Sample quiet = samples.get(1);
        assertEquals(0.0, quiet.opsPerSecond(), 1e-9);
        assertTrue(Double.isNaN(quiet.ackP99Seconds()), "nothing acknowledged in the interval");
    }
}
