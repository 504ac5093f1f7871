package app.concord.documents.control;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Keeps an H2 file database from growing with every commit while people type, and its file on
 * the disk. Run it a few times a second for as long as the database is in use.
 * <p>
 * H2 (its MVStore) never overwrites a page in place: each commit appends a chunk holding the
 * pages it changed, and a chunk's space is reused only once none of its pages is current and
 * H2's retention time has passed since it was written. With the write delay off, which is what
 * puts a commit in the file before Concord acknowledges it ({@link DatabaseLocator}), every
 * commit is such a chunk (every group commit where there is no {@link CommitJournal}; a few a
 * second where there is), and nearly every chunk keeps some page current for good (the
 * last form of a leaf of the op log that filled up), so the file grows with every commit
 * however little data it holds. H2 moves such pages out of old chunks only in its background
 * housekeeping, which the write delay off turns off and which, under steady writing, never finds
 * the file idle enough to do it anyway (BENCHMARKS.md, "The H2 file and the durable commit").
 * So each {@link #run()}:
 * <ul>
 * <li>writes the current pages of the emptiest chunks older than the retention time anew
 * ({@code MVStore.compact}: the rewrite H2's own housekeeping does beside commits), so that
 * those chunks empty and their space is reused; at most {@link #REWRITE_BYTES} of pages a run,
 * since H2 holds up commits while it rewrites (for milliseconds; tens at worst, measured);</li>
 * <li>once a second, forces what was written to the disk. H2 assumes that the disk holds
 * whatever is older than its retention time when it overwrites a free chunk; forcing the
 * file every second makes that true for a retention time of {@link #RETENTION_MILLIS} ms,
 * set here for as long as Concord runs, instead of H2's 45 s, which would keep 45 s of
 * commits' chunks in the file. It also bounds what a power failure can take to about a
 * second; a crash of the process takes nothing, since every commit is in the file.</li>
 * </ul>
 * H2's engine is reached by reflection, because the database may be the server's own H2
 * (Payara Micro's default datasource), whose classes are not Concord's copy. Where the engine
 * cannot be reached, the log says once that the file will grow.
 */
final class H2FileUpkeep implements Runnable {

    private static final System.Logger LOG = System.getLogger(H2FileUpkeep.class.getName());

    /** How long H2 keeps a chunk that is no longer current before reusing its space. */
    static final int RETENTION_MILLIS = 5_000;

    /** The most a run rewrites: the live pages of the emptiest old chunks up to this size. */
    static final int REWRITE_BYTES = 256 * 1024;

    /** Chunks are rewritten only while they are on the whole at most this full (percent). */
    static final int REWRITE_BELOW_FILL_PERCENT = 80;

    private static final long SYNC_EVERY_NANOS = 1_000_000_000L;

    private static final String H2_CONNECTION = "org.h2.jdbc.JdbcConnection";

    private final DataSource dataSource;
    private final String where;
    private final int retentionMillis;
    private long lastSyncNanos = System.nanoTime();
    private boolean unreachable;

    /**
     * @param where           the database, for the log
     * @param retentionMillis H2's retention time while Concord runs ({@link #RETENTION_MILLIS})
     */
    H2FileUpkeep(DataSource dataSource, String where, int retentionMillis) {
        this.dataSource = dataSource;
        this.where = where;
        this.retentionMillis = retentionMillis;
    }

    /** Rewrites a little of the file, and forces it to the disk once a second. Not thread-safe: one caller. */
    @Override
    public void run() {
        if (unreachable) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            Object store = storeOf(c);
            if (store == null) {
                unreachable = true;
                LOG.log(System.Logger.Level.WARNING, "cannot reach the H2 engine behind " + where + " (connection "
                        + c.getClass().getName() + "): its file will grow while people type and shrink only when"
                        + " the database is compacted offline (server-config/README.md)");
                return;
            }
            call(store, "setRetentionTime", retentionMillis);
            call(store, "compact", REWRITE_BELOW_FILL_PERCENT, REWRITE_BYTES);
            long now = System.nanoTime();
            if (now - lastSyncNanos >= SYNC_EVERY_NANOS) {
                lastSyncNanos = now;
                // What the rewrite changed is written with the next commit; when nobody types
                // there is none, so write it here before forcing the file.
                call(store, "commit");
                call(store, "sync");
            }
        } catch (SQLException | ReflectiveOperationException | RuntimeException e) {
            // The database being down or closing is the committer's business; try again next time.
            LOG.log(System.Logger.Level.DEBUG, "upkeep of " + where + " skipped", e);
        }
    }

    /**
     * The MVStore behind an H2 connection handed out by a pool: Concord's own, WildFly's or
     * Payara's, or null when it is none of those or not an embedded H2 database.
     */
    static Object storeOf(Connection pooled) throws ReflectiveOperationException {
        Object h2 = h2Connection(pooled);
        if (h2 == null) {
            return null;
        }
        Object session = call(h2, "getSession");
        if (!session.getClass().getName().equals("org.h2.engine.SessionLocal")) {
            return null;
        }
        return call(call(call(session, "getDatabase"), "getStore"), "getMvStore");
    }

    /** The driver's connection under a pool's wrappers, or null. */
    private static Object h2Connection(Connection pooled) throws ReflectiveOperationException {
        try {
            // Concord's own pool, and any pool whose driver is Concord's copy of H2.
            return pooled.unwrap(org.h2.jdbc.JdbcConnection.class);
        } catch (SQLException | RuntimeException notOurs) {
            // The server's H2: look under the wrappers by their own means.
        }
        Object current = pooled;
        for (int depth = 0; depth < 4 && current != null; depth++) {
            if (current.getClass().getName().equals(H2_CONNECTION)) {
                return current;
            }
            current = wrapped(current);
        }
        return null;
    }

    /**
     * What a pool's connection wraps: WildFly's {@code getUnderlyingConnection()}, Payara's
     * {@code getConnection()}; null for anything else.
     */
    private static Object wrapped(Object wrapper) throws ReflectiveOperationException {
        for (String name : new String[] {"getUnderlyingConnection", "getConnection"}) {
            Method method;
            try {
                method = wrapper.getClass().getMethod(name);
            } catch (NoSuchMethodException e) {
                continue;
            }
            if (Connection.class.isAssignableFrom(method.getReturnType())) {
                return invoke(method, wrapper);
            }
        }
        return null;
    }

    private static Object call(Object target, String name, int... arguments) throws ReflectiveOperationException {
        Class<?>[] types = new Class<?>[arguments.length];
        Object[] values = new Object[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            types[i] = int.class;
            values[i] = arguments[i];
        }
        return invoke(target.getClass().getMethod(name, types), target, values);
    }

    private static Object invoke(Method method, Object target, Object... arguments) throws ReflectiveOperationException {
        try {
            return method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }
}
