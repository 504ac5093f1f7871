package app.concord.operations.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.protocol.ErrorCode;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConcordMetricsTest {

    @Test
    void closeCodesAClientMayChooseAreGrouped() {
        assertEquals("1000", ConcordMetrics.closeCodeLabel(1000));
        assertEquals("1013", ConcordMetrics.closeCodeLabel(1013));
        assertEquals("3xxx", ConcordMetrics.closeCodeLabel(3123));
        assertEquals("4xxx", ConcordMetrics.closeCodeLabel(4999));
        assertEquals("other", ConcordMetrics.closeCodeLabel(2000));
        assertEquals("other", ConcordMetrics.closeCodeLabel(-1));
    }

    @Test
    void eventsAppearInTheExposition() throws IOException {
        ConcordMetrics metrics = new ConcordMetrics();
        metrics.buildInfo("1.2.3", "Test Server 1");
        metrics.connectionOpened();
        metrics.connectionClosed(1008);
        metrics.operationRefused(ErrorCode.RATE_LIMITED);
        metrics.operationRefused(ErrorCode.BAD_OP);
        metrics.framesQueued(3);
        metrics.framesQueued(-1);
        metrics.failed(new IllegalStateException("disk full"));

        String text = exposition(metrics);

        assertTrue(text.contains("concord_connections_opened_total 1.0"), text);
        assertTrue(text.contains("concord_connections_closed_total{code=\"1008\"} 1.0"), text);
        assertTrue(text.contains("concord_operations_refused_total{code=\"rate-limited\"} 1.0"), text);
        assertTrue(text.contains("concord_operations_refused_total{code=\"bad-op\"} 1.0"), text);
        assertTrue(text.contains("concord_rate_limited_messages_total 1.0"), text);
        assertTrue(text.contains("concord_outbox_frames 2.0"), text);
        assertTrue(text.contains("concord_database_errors_total 1.0"), text);
        assertTrue(text.contains("concord_build_info{server=\"Test Server 1\",version=\"1.2.3\"} 1"), text);
        assertTrue(text.contains("jvm_memory_used_bytes"), text);
        assertTrue(text.contains("jvm_threads_current"), text);
        assertEquals(2L, metrics.figures().get("operationsRefused"));
    }

    static String exposition(ConcordMetrics metrics) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
        return out.toString(StandardCharsets.UTF_8);
    }
}
