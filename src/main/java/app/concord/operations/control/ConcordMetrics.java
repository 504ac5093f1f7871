package app.concord.operations.control;

import app.concord.collab.CommitObserver;
import app.concord.collab.LiveDocuments;
import app.concord.protocol.ErrorCode;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * Every figure Concord exposes to operators, in Prometheus naming and base units, in a
 * registry of its own. The boundary and the collaboration core report events here; nothing
 * here holds a document id, so no label can grow with the number of documents.
 * Counting is always on and cheap; whether anyone may read the figures is {@link OpsAccess}.
 */
public class ConcordMetrics implements CommitObserver {

    private static final double[] SECONDS = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5};
    private static final double[] BATCH = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final LongAdder framesQueued = new LongAdder();
    private volatile IntSupplier connectionsOpen = () -> 0;
    private volatile IntSupplier documentsOpen = () -> 0;
    private volatile IntSupplier revisionsWaiting = () -> 0;
    private volatile IntSupplier revisionsInJournal = () -> 0;

    private final Counter connectionsOpened = Counter.builder().name("concord_connections_opened_total")
            .help("WebSocket connections opened to a document").register(registry);
    private final Counter connectionsClosed = Counter.builder().name("concord_connections_closed_total")
            .help("WebSocket connections closed, by close code (3xxx and 4xxx grouped, anything else 'other')")
            .labelNames("code").register(registry);
    private final Counter handshakesRefused = Counter.builder().name("concord_handshakes_refused_total")
            .help("WebSocket connections refused: origin (not an allowed page), address-rate (too many new connections"
                    + " from one address), document-id (not a valid id)")
            .labelNames("reason").register(registry);
    private final Counter operationsApplied = Counter.builder().name("concord_operations_applied_total")
            .help("Operations applied and committed: each made a durable revision").register(registry);
    private final Counter operationsRefused = Counter.builder().name("concord_operations_refused_total")
            .help("Operations refused, by the protocol error code sent").labelNames("code").register(registry);
    private final Counter rateLimited = Counter.builder().name("concord_rate_limited_messages_total")
            .help("Messages refused as rate-limited (the connection is closed)").register(registry);
    private final Counter serverErrors = Counter.builder().name("concord_server_errors_total")
            .help("server-error messages sent to clients").register(registry);
    private final Counter databaseErrors = Counter.builder().name("concord_database_errors_total")
            .help("Commits the store failed (every revision of the batch is lost and its documents reopen)").register(registry);
    private final Counter revisionsTaken = Counter.builder().name("concord_revisions_taken_total")
            .help("Documents whose revision another server stored first (several servers on one database): their"
                    + " revisions here were dropped unacknowledged and their clients resumed").register(registry);
    private final Histogram ackLatency = Histogram.builder().name("concord_ack_latency_seconds").unit(Unit.SECONDS)
            .help("From an op message's arrival to its ack being queued for sending (includes the commit)")
            .classicOnly().classicUpperBounds(SECONDS).withoutExemplars().register(registry);
    private final Histogram commitDuration = Histogram.builder().name("concord_commit_duration_seconds").unit(Unit.SECONDS)
            .help("Duration of one group commit: its transaction, or its append to the commit journal").classicOnly().classicUpperBounds(SECONDS)
            .withoutExemplars().register(registry);
    private final Histogram commitBatch = Histogram.builder().name("concord_commit_batch_revisions")
            .help("Revisions stored by one group commit").classicOnly().classicUpperBounds(BATCH)
            .withoutExemplars().register(registry);
    private final Info buildInfo = Info.builder().name("concord_build_info")
            .help("Version of Concord and the server it runs on").labelNames("version", "server").register(registry);

    public ConcordMetrics() {
        GaugeWithCallback.builder().name("concord_connections_open").help("WebSocket connections open now, joined or not")
                .callback(c -> c.call(connectionsOpen())).register(registry);
        GaugeWithCallback.builder().name("concord_documents_open").help("Documents held in memory now")
                .callback(c -> c.call(documentsOpen())).register(registry);
        GaugeWithCallback.builder().name("concord_revisions_waiting_for_commit")
                .help("Revisions applied in memory and waiting for their group commit")
                .callback(c -> c.call(revisionsWaiting())).register(registry);
        GaugeWithCallback.builder().name("concord_journal_revisions_waiting")
                .help("Revisions acknowledged from the commit journal and not yet written to the database")
                .callback(c -> c.call(revisionsInJournal.getAsInt())).register(registry);
        GaugeWithCallback.builder().name("concord_outbox_frames").help("Frames queued for sending to clients now")
                .callback(c -> c.call(framesQueued.sum())).register(registry);
        JvmMetrics.builder().register(registry);
    }

    /** The registry to expose. */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** Adds the gauges read from the running collaboration core. */
    public void watch(LiveDocuments documents, IntSupplier connections) {
        connectionsOpen = connections;
        documentsOpen = documents::openCount;
        revisionsWaiting = documents::revisionsWaitingForCommit;
    }

    /** Adds the gauge of revisions in the commit journal only (see the document store). */
    public void watchJournal(IntSupplier revisions) {
        revisionsInJournal = revisions;
    }

    public void buildInfo(String version, String server) {
        buildInfo.setLabelValues(version, server);
    }

    public void connectionOpened() {
        connectionsOpened.inc();
    }

    public void connectionClosed(int closeCode) {
        connectionsClosed.labelValues(closeCodeLabel(closeCode)).inc();
    }

    /** {@code reason}: one of {@code origin}, {@code address-rate}, {@code document-id}. */
    public void handshakeRefused(String reason) {
        handshakesRefused.labelValues(reason).inc();
    }

    public void operationRefused(ErrorCode code) {
        operationsRefused.labelValues(code.wire()).inc();
        if (code == ErrorCode.RATE_LIMITED) {
            rateLimited.inc();
        }
    }

    public void serverError() {
        serverErrors.inc();
    }

    /** An op was acknowledged {@code nanos} after it arrived. */
    public void acknowledged(long nanos) {
        ackLatency.observe(nanos / 1e9);
    }

    /** Frames were queued for sending (positive) or left the queue (negative). */
    public void framesQueued(int delta) {
        framesQueued.add(delta);
    }

    @Override
    public void committed(int revisions, long nanos) {
        operationsApplied.inc(revisions);
        commitBatch.observe(revisions);
        commitDuration.observe(nanos / 1e9);
    }

    @Override
    public void failed(Throwable failure) {
        databaseErrors.inc();
    }

    @Override
    public void revisionTaken() {
        revisionsTaken.inc();
    }

    /** The live figures of the status page, by name; counters are totals since the start. */
    public Map<String, Number> figures() {
        Map<String, Number> f = new LinkedHashMap<>();
        f.put("connections", connectionsOpen());
        f.put("documents", documentsOpen());
        f.put("operationsApplied", operationsApplied.getLongValue());
        f.put("operationsRefused", total(operationsRefused));
        f.put("rateLimitedMessages", rateLimited.getLongValue());
        f.put("connectionsOpened", connectionsOpened.getLongValue());
        f.put("handshakesRefused", total(handshakesRefused));
        f.put("revisionsWaitingForCommit", revisionsWaiting());
        f.put("framesQueued", framesQueued.sum());
        f.put("databaseErrors", databaseErrors.getLongValue());
        f.put("serverErrors", serverErrors.getLongValue());
        f.put("heapUsedBytes", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        f.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
        return f;
    }

    private static long total(Counter counter) {
        return (long) counter.collect().getDataPoints().stream().mapToDouble(p -> p.getValue()).sum();
    }

    /** Close codes a client may choose freely (3000 to 4999) are grouped, so they cannot grow the label set. */
    static String closeCodeLabel(int code) {
        if (code >= 1000 && code <= 1015) {
            return Integer.toString(code);
        }
        if (code >= 3000 && code <= 4999) {
            return code / 1000 + "xxx";
        }
        return "other";
    }

    Histogram ackLatency() {
        return ackLatency;
    }

    Histogram commitDuration() {
        return commitDuration;
    }

    Counter operationsApplied() {
        return operationsApplied;
    }

    int connectionsOpen() {
        return connectionsOpen.getAsInt();
    }

    int documentsOpen() {
        return documentsOpen.getAsInt();
    }

    int revisionsWaiting() {
        return revisionsWaiting.getAsInt();
    }

    long framesQueuedNow() {
        return framesQueued.sum();
    }
}
