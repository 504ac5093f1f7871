package app.concord.documents.control;

import app.concord.collab.AddressLimiter;
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
import app.concord.collab.OriginPolicy;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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

    private final AtomicInteger connections = new AtomicInteger();
    private LiveDocuments documents;
    private OriginPolicy origins;
    private AddressLimiter addresses;
    private ScheduledFuture<?> eviction;

    @PostConstruct
    void start() {
        Limits limits = Limits.fromEnvironment();
        documents = new LiveDocuments(store, executor, limits);
        origins = OriginPolicy.fromEnvironment();
        addresses = new AddressLimiter(limits.connectionsPerMinutePerAddress());
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

    /** A WebSocket connection opened; paired with {@link #connectionClosed}, however the connection ends. */
    public void connectionOpened() {
        connections.incrementAndGet();
    }

    public void connectionClosed() {
        connections.decrementAndGet();
    }

    /** WebSocket connections open now, joined or not. */
    public int connections() {
        return connections.get();
    }

    /** Which pages may open WebSockets here. */
    public OriginPolicy origins() {
        return origins;
    }

    /** New connections per client address. */
    public AddressLimiter addresses() {
        return addresses;
    }

    /** For work that must not run on the caller's thread, such as closing a stuck connection. */
    public Executor executor() {
        return executor;
    }
}
