package app.concord.documents.control;

import app.concord.collab.Commit;
import app.concord.collab.DocumentIds;
import app.concord.collab.DocumentStore;
import app.concord.collab.HistoryStore;
import app.concord.collab.LastApplied;
import app.concord.collab.RevisionTakenException;
import app.concord.collab.StoreUnavailableException;
import app.concord.collab.StoredDocument;
import app.concord.ot.Authorship;
import app.concord.protocol.JsonCodec;
import app.concord.protocol.Revision;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The durable {@link DocumentStore} in plain JDBC: an op log with one row per revision, one
 * snapshot row per document and the read-only links, in the tables of
 * {@code db/migration}. A batch is one local transaction written with JDBC batch inserts, so
 * a failed batch leaves nothing behind and a stored one is durable when {@link #commit}
 * returns (on a database that {@link Database#durable() is durable}). On a database with a
 * {@link Database#journal() journal} (Concord's own H2 file), a batch is durable once in the
 * journal, and reaches the database with others a few times a second ({@link WriteBehind}):
 * every read first writes what the journal holds.
 *
 * <p>The database is opened, and its schema migrated, on first use rather than at startup,
 * and again after a failed attempt (at most every {@link #RETRY_OPEN_MILLIS} ms): a database
 * that is down when the application starts delays documents, not the deployment. Every
 * failure to reach the database is a {@link StoreUnavailableException}; anything else the
 * database refuses is an {@link IllegalStateException}.
 */
public final class JdbcDocumentStore implements DocumentStore, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(JdbcDocumentStore.class.getName());

    /** How long the readiness probe waits for the database, in seconds. */
    static final int PROBE_TIMEOUT_SECONDS = 2;

    /** The least time between two attempts to open the database. */
    static final long RETRY_OPEN_MILLIS = 2_000;

    /** How many documents one query of {@link #lastRevisions} asks about. */
    static final int LAST_REVISIONS_PER_QUERY = 500;

    private final Callable<Database> opener;
    private final JdbcHistoryStore history = new JdbcHistoryStore(this);
    private final OpLogWriter opLog = new OpLogWriter();
    /** Set before {@link #database}, for a database with a journal: whoever sees the one sees the other. */
    private volatile WriteBehind writeBehind;
    private volatile Database database;
    private volatile String problem = "not opened yet";
    private final ReentrantLock opening = new ReentrantLock();
    /** Guarded by {@link #opening}. */
    private long nextAttemptNanos;

    /** @param opener finds the database and brings its schema up to date (see {@link DatabaseLocator}) */
    public JdbcDocumentStore(Callable<Database> opener) {
        this.opener = opener;
    }

    /** A store over {@code database}, already migrated. */
    static JdbcDocumentStore over(Database database) {
        return new JdbcDocumentStore(() -> database);
    }

    @Override
    public StoredDocument load(String docId) {
        return inTransaction((c, dialect) -> {
            String text = "";
            int base = 0;
            Authorship authorship = Authorship.empty();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT revision, body, authorship_json FROM concord_snapshot WHERE doc_id = ?")) {
                s.setString(1, docId);
                try (ResultSet r = s.executeQuery()) {
                    if (r.next()) {
                        base = r.getInt(1);
                        text = dialect.documentText(r, 2);
                        authorship = JdbcHistoryStore.authorship(r.getString(3));
                    }
                }
            }
            List<Revision> after = read(c, docId, base, Integer.MAX_VALUE);
            for (int i = 0; i < after.size(); i++) {
                if (after.get(i).rev() != base + i + 1) {
                    throw new IllegalStateException("the op log of " + docId + " has a gap after revision " + (base + i));
                }
            }
            // Bounded by what was read, so a commit landing meanwhile cannot show up here only.
            Map<String, LastApplied> lastApplied = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT client_id, MAX(seq), MAX(revision) FROM concord_revision"
                    + " WHERE doc_id = ? AND revision <= ? GROUP BY client_id")) {
                s.setString(1, docId);
                s.setInt(2, base + after.size());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        lastApplied.put(r.getString(1), new LastApplied(r.getLong(2), r.getInt(3)));
                    }
                }
            }
            return new StoredDocument(text, base, after, lastApplied, authorship);
        });
    }

    /**
     * Writes the whole batch in one transaction, or, on a database with a journal, appends it
     * to the journal ({@link WriteBehind}). Only the newest snapshot of each document is
     * written. A revision that does not follow the stored ones, or that another writer stored
     * first (the key catches that), fails the batch as a whole.
     */
    @Override
    public void commit(List<Commit> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Database d = database();
        WriteBehind journaled = writeBehind;
        long now = System.currentTimeMillis();
        if (journaled != null) {
            journaled.accept(batch, now);
        } else {
            store(d, List.of(new CommitJournal.Batch(batch, now)));
        }
    }

    /** Writes {@code batches} in one transaction, each revision with its batch's commit time. */
    private void store(Database d, List<CommitJournal.Batch> batches) {
        Map<String, Integer> last;
        try {
            last = transaction(d, (c, dialect) -> opLog.write(c, dialect, batches));
        } catch (IllegalStateException e) {
            opLog.failed(batches);
            if (isKeyViolation(e.getCause())) {
                throw new RevisionTakenException("another writer stored a revision of this batch first: " + e.getMessage(), e);
            }
            throw e;
        } catch (RuntimeException e) {
            opLog.failed(batches);
            throw e;
        }
        opLog.committed(last);
    }

    @Override
    public List<Revision> revisions(String docId, int fromExclusive, int toInclusive) {
        if (toInclusive <= fromExclusive) {
            return List.of();
        }
        return withConnection(c -> read(c, docId, fromExclusive, toInclusive));
    }

    @Override
    public Map<String, Integer> lastRevisions(Collection<String> docIds) {
        List<String> ids = List.copyOf(docIds);
        Map<String, Integer> last = new HashMap<>();
        for (int from = 0; from < ids.size(); from += LAST_REVISIONS_PER_QUERY) {
            List<String> part = ids.subList(from, Math.min(ids.size(), from + LAST_REVISIONS_PER_QUERY));
            withConnection(c -> {
                try (PreparedStatement s = c.prepareStatement("SELECT doc_id, MAX(revision) FROM concord_revision WHERE doc_id IN ("
                        + String.join(", ", Collections.nCopies(part.size(), "?")) + ") GROUP BY doc_id")) {
                    for (int i = 0; i < part.size(); i++) {
                        s.setString(i + 1, part.get(i));
                    }
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            last.put(r.getString(1), r.getInt(2));
                        }
                    }
                }
                return null;
            });
        }
        return last;
    }

    /**
     * Reads the document's revisions by the key, newest first: the op log has no index on
     * clients, since every commit would write it for a look-up this rare (a resent operation
     * older than those a live document keeps in memory).
     */
    @Override
    public OptionalInt revisionOf(String docId, String client, long seq) {
        return withConnection(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT revision FROM concord_revision"
                    + " WHERE doc_id = ? AND client_id = ? AND seq = ? ORDER BY revision DESC FETCH FIRST 1 ROWS ONLY")) {
                s.setString(1, docId);
                s.setString(2, client);
                s.setLong(3, seq);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? OptionalInt.of(r.getInt(1)) : OptionalInt.empty();
                }
            }
        });
    }

    /**
     * When two requests race to make the first one, the unique key on the document refuses
     * the second, which then reads the winner's.
     */
    @Override
    public String readOnlyId(String docId) {
        Optional<String> known = withConnection(c -> readOnlyIdOf(c, docId));
        if (known.isPresent()) {
            return known.get();
        }
        String fresh = DocumentIds.fresh();
        try {
            withConnection(c -> {
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO concord_read_only (read_only_id, doc_id) VALUES (?, ?)")) {
                    s.setString(1, fresh);
                    s.setString(2, docId);
                    return s.executeUpdate();
                }
            });
            return fresh;
        } catch (IllegalStateException raced) {
            return withConnection(c -> readOnlyIdOf(c, docId)).orElseThrow(() -> raced);
        }
    }

    @Override
    public Optional<String> documentOf(String readOnlyId) {
        return withConnection(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT doc_id FROM concord_read_only WHERE read_only_id = ?")) {
                s.setString(1, readOnlyId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public HistoryStore history() {
        return history;
    }

    /** Opens the database if need be, then asks it one trivial question with a timeout. */
    @Override
    public boolean isAvailable() {
        try {
            connected(database(), c -> {
                try (Statement s = c.createStatement()) {
                    s.setQueryTimeout(PROBE_TIMEOUT_SECONDS);
                    try (ResultSet r = s.executeQuery("SELECT 1")) {
                        return r.next();
                    }
                }
            });
            WriteBehind journaled = writeBehind;
            return journaled == null || journaled.problem() == null;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "document store unavailable", e);
            return false;
        }
    }

    @Override
    public String unavailableReason() {
        if (isAvailable()) {
            return null;
        }
        WriteBehind journaled = writeBehind;
        String reason = journaled != null && journaled.problem() != null ? journaled.problem() : problem;
        return reason != null ? reason : "the database does not answer";
    }

    @Override
    public String description() {
        Database d = database;
        return d != null ? d.description() : "database not reached yet (" + problem + ")";
    }

    @Override
    public boolean isDurable() {
        Database d = database;
        return d != null && d.durable();
    }

    /**
     * Does what the database needs done a few times a second while it is in use: writes what
     * the journal took ({@link WriteBehind#upkeep()}), and {@link Database#upkeep()}; nothing
     * until it is open. Call from one thread.
     */
    public void upkeep() {
        Database d = database;
        if (d != null) {
            WriteBehind journaled = writeBehind;
            if (journaled != null) {
                journaled.upkeep();
            }
            d.upkeep().run();
        }
    }

    /**
     * Opens the database, writes into it what its journal holds, and lets the journal go,
     * leaving the database open: for reading it past a store ({@link DatabaseCopy}).
     *
     * @throws StoreUnavailableException when the database does not take what the journal holds; it stays in the journal
     */
    void writeJournal() {
        database();
        WriteBehind journaled = writeBehind;
        if (journaled != null) {
            writeBehind = null;
            try {
                journaled.drain();
            } finally {
                journaled.close();
            }
        }
    }

    /** Revisions that the journal holds and the database does not yet; 0 without a journal. */
    public int revisionsInJournalOnly() {
        WriteBehind journaled = writeBehind;
        return journaled == null ? 0 : journaled.waitingRevisions();
    }

    /** The database once it is open, else null; it holds every commit taken so far. */
    Database openedDatabase() {
        Database d = database;
        if (d != null) {
            caughtUp();
        }
        return d;
    }

    /** Closes what Concord opened itself (its own H2 database, its pool); a container's datasource is left to it. */
    @Override
    public void close() {
        Database d = database;
        database = null;
        WriteBehind journaled = writeBehind;
        writeBehind = null;
        if (journaled != null) {
            journaled.close();
        }
        if (d != null) {
            try {
                d.onClose().close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "closing " + d.description() + " failed", e);
            }
        }
    }

    private static Optional<String> readOnlyIdOf(Connection c, String docId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT read_only_id FROM concord_read_only WHERE doc_id = ?")) {
            s.setString(1, docId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        }
    }

    private static List<Revision> read(Connection c, String docId, int fromExclusive, int toInclusive) throws SQLException {
        List<Revision> revisions = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT revision, client_id, seq, ops_json, author_id, inserted_json"
                + " FROM concord_revision WHERE doc_id = ? AND revision > ? AND revision <= ? ORDER BY revision")) {
            s.setString(1, docId);
            s.setInt(2, fromExclusive);
            s.setInt(3, toInclusive);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String client = r.getString(2);
                    String inserted = r.getString(6);
                    revisions.add(new Revision(r.getInt(1), client, r.getLong(3), JsonCodec.decodeOperation(r.getString(4)),
                            JdbcHistoryStore.authorOf(r.getString(5), client),
                            inserted == null ? null : JsonCodec.decodeAuthorship(inserted)));
                }
            }
        }
        return revisions;
    }

    /** Work on one connection. */
    interface Work<T> {
        T on(Connection c) throws SQLException;
    }

    /** Work on one connection that depends on the database's dialect. */
    interface DialectWork<T> {
        T on(Connection c, Database.Dialect dialect) throws SQLException;
    }

    /** {@code work} on one connection, which sees every commit that {@link #commit} took. */
    <T> T withConnection(Work<T> work) {
        Database d = database();
        caughtUp();
        return connected(d, work);
    }

    /** {@code work} in one transaction, committed when it returns and rolled back when it throws; it sees every commit taken. */
    <T> T inTransaction(DialectWork<T> work) {
        Database d = database();
        caughtUp();
        return transaction(d, work);
    }

    /** Writes what the journal holds and the database does not, if there is a journal. */
    private void caughtUp() {
        WriteBehind journaled = writeBehind;
        if (journaled != null) {
            journaled.drain();
        }
    }

    private <T> T connected(Database d, Work<T> work) {
        try (Connection c = d.dataSource().getConnection()) {
            return work.on(c);
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    private <T> T transaction(Database d, DialectWork<T> work) {
        Database.Dialect dialect = d.dialect();
        return connected(d, c -> {
            c.setAutoCommit(false);
            try {
                T result = work.on(c, dialect);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            } finally {
                try {
                    c.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // the connection is on its way back to its pool, which checks it
                }
            }
        });
    }

    /**
     * The database, opening it (and migrating its schema, copying documents into it) when that
     * has not happened yet. One thread opens; the others are told the store is unavailable
     * meanwhile rather than wait, so a readiness probe answers at once during a long copy.
     */
    private Database database() {
        Database d = database;
        if (d != null) {
            return d;
        }
        if (!opening.tryLock()) {
            throw new StoreUnavailableException("the database is being opened", null);
        }
        try {
            if (database != null) {
                return database;
            }
            long now = System.nanoTime();
            if (now - nextAttemptNanos < 0) {
                throw new StoreUnavailableException(problem, null);
            }
            try {
                Database opened = opener.call();
                if (opened.journal() != null) {
                    writeBehind = journaled(opened);
                }
                database = opened;
                problem = null;
                return opened;
            } catch (Exception e) {
                nextAttemptNanos = now + TimeUnit.MILLISECONDS.toNanos(RETRY_OPEN_MILLIS);
                String reason = "cannot open the database: " + e.getMessage();
                if (!reason.equals(problem)) {
                    LOG.log(System.Logger.Level.ERROR, reason + " (retrying every " + RETRY_OPEN_MILLIS + " ms)", e);
                }
                problem = reason;
                throw new StoreUnavailableException(reason, e);
            }
        } finally {
            opening.unlock();
        }
    }

    /**
     * The commit journal of {@code opened}, with what an earlier run left in it and the
     * database lacks waiting to be written; closes {@code opened} when the journal cannot be
     * had, since writing past it would put later revisions before those it holds.
     */
    private WriteBehind journaled(Database opened) throws Exception {
        try {
            return WriteBehind.open(opened.journal(), new WriteBehind.Target() {
                @Override
                public int lastStored(String docId) {
                    return connected(opened, c -> lastRevisionOf(c, docId));
                }

                @Override
                public void store(List<CommitJournal.Batch> batches) {
                    JdbcDocumentStore.this.store(opened, batches);
                }
            });
        } catch (java.io.IOException | RuntimeException e) {
            try {
                opened.onClose().close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static int lastRevisionOf(Connection c, String docId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT revision FROM concord_revision WHERE doc_id = ? ORDER BY revision DESC FETCH FIRST 1 ROWS ONLY")) {
            s.setString(1, docId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getInt(1) : 0;
            }
        }
    }

    /**
     * A failure to reach the database (connection refused or lost, server shutting down,
     * pool exhausted) may pass; anything else is the database refusing what was asked.
     */
    private RuntimeException translate(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        boolean unreachable = e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException
                || e instanceof SQLRecoverableException || state.startsWith("08") || state.startsWith("57P")
                || state.startsWith("53") || (database != null && !stillAnswers());
        if (unreachable) {
            problem = "the database does not answer: " + e.getMessage();
            return new StoreUnavailableException(problem, e);
        }
        return new IllegalStateException("the database refused: " + e.getMessage(), e);
    }

    /**
     * How to open the connection that listens to other servers' notices: null when the
     * database is not PostgreSQL, which only this server uses.
     *
     * @throws StoreUnavailableException when the database cannot be opened now
     */
    Callable<Connection> listening() {
        Database d = database();
        return d.dialect() == Database.Dialect.POSTGRESQL ? d.listening() : null;
    }

    /** A unique key refused a row (SQL state 23505), anywhere in the chain of {@code e}'s causes and batch failures. */
    static boolean isKeyViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (SQLException s = t instanceof SQLException q ? q : null; s != null; s = s.getNextException()) {
                if ("23505".equals(s.getSQLState())) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean stillAnswers() {
        Database d = database;
        try (Connection c = d.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(PROBE_TIMEOUT_SECONDS);
            s.executeQuery("SELECT 1").close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }
}
