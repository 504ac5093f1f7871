package app.concord.documents.control;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies every document of another Concord database into this one, for moving a server to a
 * new database (from the default H2 file to PostgreSQL, say): the op log row for row (with
 * its times and authors), the snapshot, checkpoints, authors, named versions and the read-only
 * link, so that texts, histories, authorship and shared links are the same afterwards; and the
 * key author ids are derived with, unless the target has one already (then authors who come
 * back are new authors there). Each document is copied in one transaction of the target; a
 * document the target has already (an earlier run, or edits made since) is left alone, so
 * the copy can be run again after an interruption. The source's schema must be this
 * release's: {@link #copyInto} brings it up to date first, as opening it would.
 */
final class DatabaseCopy {

    private static final System.Logger LOG = System.getLogger(DatabaseCopy.class.getName());

    /** Rows per JDBC batch. */
    static final int BATCH = 1_000;

    /** What a copy did. */
    record Result(int copied, int skipped, long revisions) {
    }

    private DatabaseCopy() {
    }

    /**
     * Copies every document of the database at {@code url} into {@code target} and says so in
     * the log; the source is closed afterwards.
     */
    static Result copyInto(Database target, String url, String user, String password) throws SQLException {
        Database source = new DatabaseLocator(setting -> switch (setting) {
            case "dbUrl" -> url;
            case "dbUser" -> user;
            case "dbPassword" -> password;
            default -> null;
        }, name -> {
            throw new IllegalStateException("no datasource is looked up for a copy");
        }).locate();
        try {
            SchemaMigrations.migrate(source);
            if (source.journal() != null) {
                // A server that died left revisions in its journal: they are part of what moves.
                JdbcDocumentStore.over(source).writeJournal();
            }
            LOG.log(System.Logger.Level.INFO, "event=copy-start: copying every document of " + source.description()
                    + " into " + target.description());
            Result result = copy(source, target);
            LOG.log(System.Logger.Level.INFO, "event=copy-done documents=" + result.copied() + " revisions="
                    + result.revisions() + " already-there=" + result.skipped());
            return result;
        } finally {
            try {
                source.onClose().close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "closing " + source.description() + " failed", e);
            }
        }
    }

    static Result copy(Database from, Database to) throws SQLException {
        int copied = 0;
        int skipped = 0;
        long revisions = 0;
        try (Connection source = from.dataSource().getConnection(); Connection target = to.dataSource().getConnection()) {
            if (!hasAuthorKey(target)) {
                copyRows(source, from.dialect(), target, to.dialect(), "concord_setting", "name = ?", JdbcHistoryStore.AUTHOR_KEY,
                        "name", "setting_value");
            }
            for (String doc : documents(source)) {
                if (exists(target, doc)) {
                    skipped++;
                    continue;
                }
                target.setAutoCommit(false);
                try {
                    revisions += copyDocument(source, from.dialect(), target, to.dialect(), doc);
                    target.commit();
                    copied++;
                } catch (SQLException | RuntimeException e) {
                    target.rollback();
                    throw e;
                } finally {
                    target.setAutoCommit(true);
                }
                if (copied % 100 == 0) {
                    LOG.log(System.Logger.Level.INFO, "event=copy-progress documents=" + copied + " revisions=" + revisions);
                }
            }
        }
        return new Result(copied, skipped, revisions);
    }

    private static List<String> documents(Connection source) throws SQLException {
        List<String> documents = new ArrayList<>();
        try (Statement s = source.createStatement(); ResultSet r = s.executeQuery(
                "SELECT doc_id FROM concord_revision GROUP BY doc_id UNION SELECT doc_id FROM concord_read_only ORDER BY 1")) {
            while (r.next()) {
                documents.add(r.getString(1));
            }
        }
        return documents;
    }

    /** True when the target has anything of {@code doc}. */
    private static boolean exists(Connection target, String doc) throws SQLException {
        try (PreparedStatement s = target.prepareStatement("SELECT 1 FROM concord_revision WHERE doc_id = ?"
                + " UNION ALL SELECT 1 FROM concord_read_only WHERE doc_id = ?")) {
            s.setString(1, doc);
            s.setString(2, doc);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    private static long copyDocument(Connection source, Database.Dialect sourceDialect, Connection target,
            Database.Dialect targetDialect, String doc) throws SQLException {
        long rows = copyRows(source, sourceDialect, target, targetDialect, "concord_revision", "doc_id = ? ORDER BY revision",
                doc, "doc_id", "revision", "client_id", "seq", "ops_json", "created_millis", "author_id", "inserted_json", "added",
                "removed");
        copyRows(source, sourceDialect, target, targetDialect, "concord_snapshot", "doc_id = ?", doc,
                "doc_id", "revision", "body", "authorship_json");
        copyRows(source, sourceDialect, target, targetDialect, "concord_checkpoint", "doc_id = ?", doc,
                "doc_id", "revision", "body", "authorship_json");
        copyRows(source, sourceDialect, target, targetDialect, "concord_author", "doc_id = ?", doc,
                "doc_id", "author_id", "name", "color", "first_millis", "last_millis");
        copyRows(source, sourceDialect, target, targetDialect, "concord_version", "doc_id = ?", doc,
                "doc_id", "version_id", "revision", "name", "author_id", "created_millis");
        copyRows(source, sourceDialect, target, targetDialect, "concord_read_only", "doc_id = ?", doc, "read_only_id", "doc_id");
        return rows;
    }

    private static boolean hasAuthorKey(Connection target) throws SQLException {
        try (PreparedStatement s = target.prepareStatement("SELECT 1 FROM concord_setting WHERE name = ?")) {
            s.setString(1, JdbcHistoryStore.AUTHOR_KEY);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    /**
     * Copies the rows of {@code table} that {@code where} selects (its one {@code ?} bound to
     * {@code key}) in batches; {@code body} columns are document text,
     * read and written by each side's dialect, every other column as it is.
     *
     * @return the rows copied
     */
    private static long copyRows(Connection source, Database.Dialect sourceDialect, Connection target,
            Database.Dialect targetDialect, String table, String where, String key, String... columns) throws SQLException {
        String list = String.join(", ", columns);
        long rows = 0;
        try (PreparedStatement read = source.prepareStatement("SELECT " + list + " FROM " + table + " WHERE " + where);
             PreparedStatement write = target.prepareStatement("INSERT INTO " + table + " (" + list + ") VALUES ("
                     + "?, ".repeat(columns.length - 1) + "?)")) {
            read.setString(1, key);
            read.setFetchSize(BATCH);
            try (ResultSet r = read.executeQuery()) {
                while (r.next()) {
                    for (int i = 1; i <= columns.length; i++) {
                        if (columns[i - 1].equals("body")) {
                            targetDialect.setDocumentText(write, i, sourceDialect.documentText(r, i));
                        } else {
                            Object value = r.getObject(i);
                            if (value == null) {
                                write.setNull(i, r.getMetaData().getColumnType(i));
                            } else {
                                write.setObject(i, value);
                            }
                        }
                    }
                    write.addBatch();
                    if (++rows % BATCH == 0) {
                        write.executeBatch();
                    }
                }
            }
            write.executeBatch();
        }
        return rows;
    }
}
