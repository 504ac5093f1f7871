package app.concord.documents.control;

import app.concord.collab.DocumentStore;
import app.concord.collab.LiveDocuments;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import app.concord.collab.Limits;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Wires the collaboration core into the container: the durable store, the container's
 * managed executors for group commits and closes, the limits from the environment, and
 * the periodic eviction of idle documents.
 */
@ApplicationScoped
public class Collaboration {

    @Inject
    DocumentStore store;

    @Resource
    ManagedExecutorService executor;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private LiveDocuments documents;
    private ScheduledFuture<?> eviction;

    @PostConstruct
    void start() {
        documents = new LiveDocuments(store, executor, Limits.fromEnvironment());
        long period = Math.max(1, Math.min(30, documents.limits().idleSeconds() / 2));
        eviction = scheduler.scheduleWithFixedDelay(documents::evictIdle, period, period, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (eviction != null) {
            eviction.cancel(false);
        }
    }

    public LiveDocuments documents() {
        return documents;
    }

    /** For work that must not run on the caller's thread, such as closing a stuck connection. */
    public Executor executor() {
        return executor;
    }
}
