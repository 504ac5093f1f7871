package app.concord.operations.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What operators get from this server: its {@link ConcordMetrics}, who may read them
 * ({@link OpsAccess}), and, when they are enabled, the {@link StatusHistory} of the status
 * page, sampled every {@link #SAMPLE_SECONDS} seconds.
 */
@ApplicationScoped
public class Operations {

    static final int SAMPLE_SECONDS = 5;
    /** Samples kept: the last 15 minutes. */
    static final int SAMPLES = 180;

    private static final System.Logger LOG = System.getLogger(Operations.class.getName());

    @Resource
    ManagedScheduledExecutorService scheduler;

    private ConcordMetrics metrics;
    private OpsAccess access;
    private StatusHistory history;
    private ScheduledFuture<?> sampling;

    @PostConstruct
    void start() {
        metrics = new ConcordMetrics();
        access = OpsAccess.fromEnvironment();
        history = new StatusHistory(SAMPLES);
        if (access.enabled()) {
            sampling = scheduler.scheduleAtFixedRate(this::sample, 0, SAMPLE_SECONDS, TimeUnit.SECONDS);
        }
    }

    private void sample() {
        try {
            history.record(metrics, System.currentTimeMillis());
        } catch (RuntimeException e) {
            // A failed sample must not end the schedule: the next one is taken as usual.
            LOG.log(System.Logger.Level.WARNING, "event=status-sample-failed", e);
        }
    }

    @PreDestroy
    void stop() {
        if (sampling != null) {
            sampling.cancel(false);
        }
    }

    public ConcordMetrics metrics() {
        return metrics;
    }

    public OpsAccess access() {
        return access;
    }

    public StatusHistory history() {
        return history;
    }

    /** Concord's version, as the build wrote it into build.properties. */
    public static String version() {
        try (InputStream in = Operations.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
