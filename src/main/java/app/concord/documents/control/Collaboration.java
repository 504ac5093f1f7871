package app.concord.documents.control;

import app.concord.collab.AddressLimiter;
import app.concord.collab.DocumentStore;
import app.concord.collab.InMemoryDocumentStore;
import app.concord.collab.LiveDocuments;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import app.concord.collab.Limits;
import app.concord.collab.OriginPolicy;
import app.concord.operations.control.Operations;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wires the collaboration core into the container: the durable store, a commit thread from
 * the container's thread factory, the managed executors for closes and eviction, the
 * limits from the environment, and the periodic eviction of idle documents.
 */
@ApplicationScoped
public class Collaboration {

    private static final System.Logger LOG = System.getLogger(Collaboration.class.getName());

    @Inject
    DocumentStore store;

    @Resource
    ManagedExecutorService executor;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource
    ManagedThreadFactory threads;

    @Inject
    Operations operations;

    private final AtomicInteger connections = new AtomicInteger();
    private LiveDocuments documents;
    private OriginPolicy origins;
    private AddressLimiter addresses;
    private ScheduledFuture<?> eviction;
    private ExecutorService commits;
    private ScheduledThreadPoolExecutor timers;
    private ClassLoader sendingLoader;
    /** Set when the application begins to stop: readiness then turns DOWN. */
    private volatile boolean draining;

    @PostConstruct
    void start() {
        Limits limits = Limits.fromEnvironment();
        // Group commits run on one thread made by the container's factory, so it carries the
        // application's context from birth. Submitting each commit to the ManagedExecutorService
        // instead captures that context per task, which on Payara scans the class path's jars
        // for resources: measured at more than half of the server's CPU under typing load.
        commits = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), threads);
        // Per-connection timers (the join timeout) on a plain scheduler, for the same reason;
        // a cancelled timer leaves its queue at once.
        timers = new ScheduledThreadPoolExecutor(1, threads);
        timers.setRemoveOnCancelPolicy(true);
        sendingLoader = lookupCachingLoader();
        documents = new LiveDocuments(chosenStore(), commits, limits, operations.metrics());
        operations.metrics().watch(documents, connections::get);
        origins = OriginPolicy.fromEnvironment();
        addresses = new AddressLimiter(limits.connectionsPerMinutePerAddress());
        long period = Math.max(1, Math.min(30, documents.limits().idleSeconds() / 2));
        eviction = scheduler.scheduleWithFixedDelay(documents::evictIdle, period, period, TimeUnit.SECONDS);
    }

    /**
     * The database, unless {@code concord.store} (or {@code CONCORD_STORE}) is {@code memory}:
     * documents then live in this process only and are lost when it ends. That is for
     * benchmarks, to measure what durable acknowledgements cost (BENCHMARKS.md).
     */
    private DocumentStore chosenStore() {
        String choice = Limits.setting("store");
        if (choice == null || choice.isBlank() || choice.trim().equals("database")) {
            return store;
        }
        if (choice.trim().equals("memory")) {
            LOG.log(System.Logger.Level.WARNING, "concord.store=memory: documents are kept in memory only and lost at"
                    + " every restart; for benchmarks, never for real documents");
            return new InMemoryDocumentStore();
        }
        throw new IllegalArgumentException("setting concord.store must be \"database\" or \"memory\", not \"" + choice + "\"");
    }

    /** The application's class loader behind a {@link ContextProviderLookupCache}. */
    private static ClassLoader lookupCachingLoader() {
        ClassLoader application = Thread.currentThread().getContextClassLoader();
        try {
            return new ContextProviderLookupCache(application);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "sending without the context provider look-up cache", e);
            return application;
        }
    }

    /** For short timers of connections; what they run must be quick and must not block. */
    public ScheduledExecutorService timers() {
        return timers;
    }

    /**
     * The context class loader for sending to WebSocket clients: the application's, with the
     * look-up that Payara repeats for every message sent answered from a cache.
     */
    public ClassLoader sendingLoader() {
        return sendingLoader;
    }

    @PreDestroy
    void stop() {
        draining = true;
        if (eviction != null) {
            eviction.cancel(false);
        }
        if (timers != null) {
            timers.shutdownNow();
        }
        if (commits != null) {
            // Commits already queued still run: their edits were applied in memory and are owed an ack.
            commits.shutdown();
            try {
                commits.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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

    /** True once the application has begun to stop. */
    public boolean isDraining() {
        return draining;
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
