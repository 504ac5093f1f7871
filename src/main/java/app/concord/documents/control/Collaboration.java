package app.concord.documents.control;

import app.concord.admission.AddressLimiter;
import app.concord.collab.DocumentStore;
import app.concord.collab.InMemoryDocumentStore;
import app.concord.collab.Limits;
import app.concord.collab.LiveDocuments;
import app.concord.admission.OriginPolicy;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import app.concord.operations.control.Operations;
import java.io.IOException;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * Wires the collaboration core into the container: the durable store (on the database that
 * {@link DatabaseLocator} finds, its schema brought up to date), a commit thread from
 * the container's thread factory, the managed executors for closes and eviction, the
 * limits from the environment, the periodic eviction of idle documents, and the database's
 * upkeep on a thread of its own.
 */
@ApplicationScoped
public class Collaboration {

    private static final System.Logger LOG = System.getLogger(Collaboration.class.getName());

    /** How often the database's upkeep runs ({@link JdbcDocumentStore#upkeep()}). */
    private static final long UPKEEP_MILLIS = 250;

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
    private ThreadPoolExecutor frameWriter;
    private ScheduledThreadPoolExecutor timers;
    private ScheduledThreadPoolExecutor upkeep;
    private ClassLoader sendingLoader;
    private DocumentStore store;
    private RevisionNotices notices;
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
        // The writer of WebSocket frames for clients that take batches, made the same way.
        frameWriter = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
        frameWriter.allowCoreThreadTimeOut(true);
        // Per-connection timers (the join timeout) on a plain scheduler, for the same reason;
        // a cancelled timer leaves its queue at once.
        timers = new ScheduledThreadPoolExecutor(1, threads);
        timers.setRemoveOnCancelPolicy(true);
        sendingLoader = lookupCachingLoader();
        store = chosenStore();
        documents = new LiveDocuments(store, commits, limits, operations.metrics());
        operations.metrics().watch(documents, connections::get);
        origins = new OriginPolicy(Limits.setting("allowedOrigins"));
        addresses = new AddressLimiter(limits.connectionsPerMinutePerAddress());
        if (store instanceof JdbcDocumentStore database) {
            operations.metrics().watchJournal(database::revisionsInJournalOnly);
            notices = new RevisionNotices(database::listening, documents, followerRecheckMillis());
            threads.newThread(notices).start();
            // Its own thread: the upkeep of an H2 file holds up H2's commits for a moment, and
            // a managed executor would capture the context for every run.
            upkeep = new ScheduledThreadPoolExecutor(1, threads);
            upkeep.scheduleWithFixedDelay(database::upkeep, UPKEEP_MILLIS, UPKEEP_MILLIS, TimeUnit.MILLISECONDS);
        }
        long period = Math.max(1, Math.min(30, documents.limits().idleSeconds() / 2));
        eviction = scheduler.scheduleWithFixedDelay(documents::evictIdle, period, period, TimeUnit.SECONDS);
    }

    /**
     * {@code concord.followerRecheckSeconds} (default 5): how often documents open here are
     * compared with the database that other servers write too; the most a missed notice
     * leaves one stale.
     */
    private static long followerRecheckMillis() {
        String value = Limits.setting("followerRecheckSeconds");
        if (value == null || value.isBlank()) {
            return 5_000;
        }
        try {
            double seconds = Double.parseDouble(value.trim());
            if (seconds > 0 && seconds <= 3600) {
                return Math.max(100, (long) (seconds * 1000));
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException("setting concord.followerRecheckSeconds must be a number of seconds"
                + " above 0 and at most 3600, not \"" + value + "\"");
    }

    /**
     * The database, unless {@code concord.store} (or {@code CONCORD_STORE}) is {@code memory}:
     * documents then live in this process only and are lost when it ends. That is for
     * benchmarks, to measure what durable acknowledgements cost (BENCHMARKS.md). The database
     * is opened now, so that the log says at once where documents are kept; if it cannot be
     * reached, the application starts all the same and the store tries again on use.
     */
    private DocumentStore chosenStore() {
        String choice = Limits.setting("store");
        if (choice == null || choice.isBlank() || choice.trim().equals("database")) {
            JdbcDocumentStore database = new JdbcDocumentStore(Collaboration::openDatabase);
            if (!database.isAvailable()) {
                LOG.log(System.Logger.Level.ERROR, "event=store-unavailable: documents cannot be opened or saved until"
                        + " the database answers: " + database.unavailableReason());
            }
            return database;
        }
        if (choice.trim().equals("memory")) {
            LOG.log(System.Logger.Level.WARNING, "concord.store=memory: documents are kept in memory only and lost at"
                    + " every restart; for benchmarks, never for real documents");
            return new InMemoryDocumentStore();
        }
        throw new IllegalArgumentException("setting concord.store must be \"database\" or \"memory\", not \"" + choice + "\"");
    }

    /**
     * Finds the database, brings its schema up to date, copies the documents of
     * {@code concord.copyFrom} into it when that is set, and says so in the log.
     */
    private static Database openDatabase() throws SQLException {
        Database database = new DatabaseLocator(Limits::setting, Collaboration::lookup).locate();
        try {
            String version = SchemaMigrations.migrate(database);
            String copyFrom = Limits.setting("copyFrom");
            if (copyFrom != null && !copyFrom.isBlank()) {
                DatabaseCopy.copyInto(database, copyFrom.trim(), Limits.setting("copyFromUser"),
                        Limits.setting("copyFromPassword"));
            }
            LOG.log(database.durable() ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                    "event=store-open: documents are kept in " + database.description() + ", schema version " + version
                            + (database.durable() ? ", durable" : "; NOT DURABLE: a crash can lose acknowledged edits"));
            return database;
        } catch (SQLException | RuntimeException e) {
            try {
                database.onClose().close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static DataSource lookup(String jndiName) {
        try {
            return (DataSource) new InitialContext().lookup(jndiName);
        } catch (NamingException | ClassCastException e) {
            throw new IllegalStateException("no datasource is bound to " + jndiName + ": " + e.getMessage(), e);
        }
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

    /** One thread that writes WebSocket frames; what it runs must not block. */
    public Executor frameWriter() {
        return frameWriter;
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
        if (frameWriter != null) {
            frameWriter.shutdown();
        }
        if (commits != null) {
            // Commits already queued still run: their edits were applied in memory and are owed
            // an ack. A store that cannot be reached is not waited for: those clients resend.
            documents.stop();
            commits.shutdown();
            try {
                commits.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            documents.closeConnections();
        }
        if (notices != null) {
            notices.stop();
        }
        if (upkeep != null) {
            upkeep.shutdown();
            try {
                upkeep.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (store instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "closing the document store failed", e);
            }
        }
        forgetDriversOfThisApplication();
    }

    /**
     * The JDBC drivers in the WAR register themselves with {@link DriverManager} when loaded;
     * they must not outlive the application (its class loader would leak across redeploys).
     */
    private static void forgetDriversOfThisApplication() {
        ClassLoader application = Collaboration.class.getClassLoader();
        for (Driver driver : java.util.Collections.list(DriverManager.getDrivers())) {
            if (driver.getClass().getClassLoader() == application) {
                try {
                    DriverManager.deregisterDriver(driver);
                } catch (SQLException e) {
                    LOG.log(System.Logger.Level.DEBUG, "cannot deregister " + driver, e);
                }
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
