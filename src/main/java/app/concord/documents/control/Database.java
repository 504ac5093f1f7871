package app.concord.documents.control;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.sql.DataSource;

/**
 * The database that holds Concord's tables: how to reach it, which SQL it speaks, where it
 * is (for people: the log, diagnostics, the readiness check) and whether a committed
 * transaction survives a crash of this process.
 *
 * @param onClose   what to do when the application stops: shut down a database that Concord
 *                  opened itself; nothing for one the container manages
 * @param listening opens a connection to hold for listening to other servers' notices (see
 *                  {@link RevisionNotices}), outside Concord's pool where it can; null for a
 *                  database that no other server shares (H2)
 * @param upkeep    what the database needs done a few times a second while Concord uses it: for
 *                  an H2 file, {@link H2FileUpkeep}; nothing for the others
 * @param journal   the folder of the {@link CommitJournal} that takes commits before the database
 *                  does ({@link WriteBehind}), for a database that only this store writes and that
 *                  lives beside that folder (Concord's own H2 file); null for the others
 */
record Database(DataSource dataSource, Dialect dialect, String description, boolean durable, AutoCloseable onClose,
        Callable<Connection> listening, Runnable upkeep, Path journal) {

    /** A database that needs no upkeep. */
    static final Runnable NO_UPKEEP = () -> { };

    Database(DataSource dataSource, Dialect dialect, String description, boolean durable, AutoCloseable onClose) {
        this(dataSource, dialect, description, durable, onClose, null, NO_UPKEEP, null);
    }

    Database(DataSource dataSource, Dialect dialect, String description, boolean durable, AutoCloseable onClose,
            Callable<Connection> listening) {
        this(dataSource, dialect, description, durable, onClose, listening, NO_UPKEEP, null);
    }

    Database(DataSource dataSource, Dialect dialect, String description, boolean durable, AutoCloseable onClose,
            Callable<Connection> listening, Runnable upkeep) {
        this(dataSource, dialect, description, durable, onClose, listening, upkeep, null);
    }

    /** This database with commits journaled in {@code folder} first. */
    Database withJournal(Path folder) {
        return new Database(dataSource, dialect, description, durable, onClose, listening, upkeep, folder);
    }

    /** The SQL dialects Concord's migrations are written for. */
    enum Dialect {
        H2("h2"), POSTGRESQL("postgresql");

        private final String folder;

        Dialect(String folder) {
            this.folder = folder;
        }

        /** The folder of this dialect's migrations under {@code db/migration}. */
        String folder() {
            return folder;
        }

        /**
         * Binds a document's text: as UTF-8 bytes on PostgreSQL, whose text values cannot hold
         * U+0000 (the OT core refuses unpaired surrogates, so every text has a UTF-8 form).
         */
        void setDocumentText(PreparedStatement statement, int index, String text) throws SQLException {
            if (this == POSTGRESQL) {
                statement.setBytes(index, text.getBytes(StandardCharsets.UTF_8));
            } else {
                statement.setString(index, text);
            }
        }

        /** Reads a text bound by {@link #setDocumentText}. */
        String documentText(ResultSet row, int index) throws SQLException {
            return this == POSTGRESQL ? new String(row.getBytes(index), StandardCharsets.UTF_8) : row.getString(index);
        }

        /**
         * Tells the servers that follow documents (see {@link RevisionNotices}) that the
         * transaction on {@code c} stores revisions up to each document's number in
         * {@code lastRevisions}; they hear it once it commits. Only PostgreSQL has the means
         * (NOTIFY), and only PostgreSQL is shared by several servers.
         */
        void announce(Connection c, java.util.Map<String, Integer> lastRevisions) throws SQLException {
            if (this != POSTGRESQL || lastRevisions.isEmpty()) {
                return;
            }
            try (PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                for (java.util.Map.Entry<String, Integer> e : lastRevisions.entrySet()) {
                    notify.setString(1, RevisionNotices.CHANNEL);
                    notify.setString(2, RevisionNotices.payload(e.getKey(), e.getValue()));
                    notify.executeQuery().close();
                }
            }
        }

        /** The dialect of a JDBC {@code DatabaseMetaData.getDatabaseProductName()}, or null. */
        static Dialect ofProduct(String productName) {
            String name = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
            if (name.equals("h2")) {
                return H2;
            }
            if (name.equals("postgresql")) {
                return POSTGRESQL;
            }
            return null;
        }
    }
}
