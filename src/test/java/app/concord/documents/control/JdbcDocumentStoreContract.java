package app.concord.documents.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.collab.Commit;
import app.concord.collab.RevisionTakenException;
import app.concord.collab.DocumentStore;
import app.concord.collab.DocumentStoreContract;
import app.concord.collab.RevisionSummary;
import app.concord.collab.StoreUnavailableException;
import app.concord.collab.StoredDocument;
import app.concord.ot.TextOperation;
import app.concord.protocol.Revision;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The {@link DocumentStoreContract} for {@link JdbcDocumentStore} on a real database of each
 * dialect, found by {@link DatabaseLocator} and migrated by {@link SchemaMigrations} as in the
 * server, plus what only a database shows. One database serves a test class, emptied before
 * each test.
 */
abstract class JdbcDocumentStoreContract extends DocumentStoreContract {

    private static final List<JdbcDocumentStore> OPEN = new ArrayList<>();

    /** Opens the database of this dialect (a second call opens the same data again). */
    abstract Database openDatabase() throws Exception;

    @Override
    protected DocumentStore emptyStore() {
        // One store on a database at a time, as in the server: a journal has one store.
        closeStores();
        JdbcDocumentStore opened = open();
        sql("DELETE FROM concord_revision", "DELETE FROM concord_snapshot", "DELETE FROM concord_read_only",
                "DELETE FROM concord_checkpoint", "DELETE FROM concord_author", "DELETE FROM concord_version");
        return opened;
    }

    JdbcDocumentStore open() {
        JdbcDocumentStore opened = new JdbcDocumentStore(() -> {
            Database d = openDatabase();
            SchemaMigrations.migrate(d);
            return d;
        });
        OPEN.add(opened);
        assertTrue(opened.isAvailable(), () -> "the test database does not answer: " + opened.unavailableReason());
        return opened;
    }

    @AfterAll
    static void closeStores() {
        OPEN.forEach(JdbcDocumentStore::close);
        OPEN.clear();
    }

    @Test
    void dataSurvivesClosingAndOpeningTheDatabaseAgain() {
        Doc notes = new Doc("notes");
        store.commit(List.of(notes.edit("a1", 1, 0, 0, "kept", true), notes.edit("a1", 2, 4, 0, "!", false)));
        ((JdbcDocumentStore) store).close();

        JdbcDocumentStore again = open();
        StoredDocument doc = again.load("notes");
        assertEquals("kept!", replay(doc));
        assertEquals(2, doc.rev());
        assertEquals(OptionalInt.of(2), again.revisionOf("notes", "a1", 2));
        assertTrue(again.isDurable(), again.description());
    }

    @Test
    void theAuthorKeyIsKeptInTheDatabase() {
        byte[] key = store.history().authorKey();
        ((JdbcDocumentStore) store).close();
        assertArrayEquals(key, open().history().authorKey());
    }

    /** Rows stored before authorship was kept have no author, no counts, and snapshots without runs. */
    @Test
    void revisionsStoredBeforeAuthorshipWasKeptAreTheirClientsAndCountedFromTheirOperation() {
        sql("INSERT INTO concord_revision (doc_id, revision, client_id, seq, ops_json, created_millis)"
                + " VALUES ('old', 1, 'a1', 1, '[\"Hello\"]', 1000)",
                "INSERT INTO concord_revision (doc_id, revision, client_id, seq, ops_json, created_millis)"
                + " VALUES ('old', 2, 'b2', 1, '[1,-4,\"i\"]', 2000)");
        Revision second = store.revisions("old", 1, 2).get(0);
        assertEquals("~b2", second.author());
        assertNull(second.inserted());
        assertEquals(List.of(new RevisionSummary(1, 1000, "~a1", 5, 0), new RevisionSummary(2, 2000, "~b2", 1, 4)),
                store.history().summaries("old", 0, 2));
        store.commit(List.of(new Commit("old", new Revision(3, "a1", 2, TextOperation.splice(2, 2, 0, "!")), "Hi!")));
        assertNull(store.load("old").snapshotAuthorship(), "a snapshot stored without runs");
    }

    @Test
    void theOpLogIsKeyedByDocumentFirstSoThatRangeReadsUseTheKey() throws SQLException {
        JdbcDocumentStore jdbc = (JdbcDocumentStore) store;
        try (Connection c = database(jdbc).dataSource().getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            TreeMap<Integer, String> columns = new TreeMap<>();
            for (String table : List.of("concord_revision", "CONCORD_REVISION")) {
                try (ResultSet keys = meta.getPrimaryKeys(null, c.getSchema(), table)) {
                    while (keys.next()) {
                        columns.put(keys.getInt("KEY_SEQ"), keys.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                    }
                }
            }
            assertEquals(List.of("doc_id", "revision"), List.copyOf(columns.values()));
        }
    }

    @Test
    void aBatchThatFailedIsNotTakenAsStored() {
        Doc notes = new Doc("notes");
        Doc other = new Doc("other");
        Commit otherFirst = other.edit("b1", 1, 0, 0, "x", false);
        store.commit(List.of(notes.edit("a1", 1, 0, 0, "a", false), otherFirst));
        Commit second = notes.edit("a1", 2, 1, 0, "b", false);
        Commit third = notes.edit("a1", 3, 2, 0, "c", false);

        // Revision 1 of "other" is stored already: the key refuses the whole batch.
        assertThrows(RevisionTakenException.class, () -> store.commit(List.of(second, otherFirst)));
        assertThrows(IllegalStateException.class, () -> store.commit(List.of(third)), "revision 2 was never stored");
        store.commit(List.of(second));
        store.commit(List.of(third));
        assertEquals("abc", replay(store.load("notes")));
    }

    @Test
    void aStoreWhoseDatabaseCannotBeOpenedIsUnavailableAndSaysWhy() {
        JdbcDocumentStore broken = new JdbcDocumentStore(() -> {
            throw new SQLException("Connection refused");
        });
        assertFalse(broken.isAvailable());
        assertTrue(broken.unavailableReason().contains("Connection refused"), broken.unavailableReason());
        assertThrows(StoreUnavailableException.class, () -> broken.load("notes"));
        assertFalse(broken.isDurable());
        assertTrue(broken.description().contains("not reached"), broken.description());
    }

    @Test
    void replacingSnapshotsKeepsOneRowPerDocument() throws SQLException {
        Doc notes = new Doc("notes");
        String big = "x".repeat(200_000);
        store.commit(List.of(notes.edit("a1", 1, 0, 0, big, true)));
        for (int i = 2; i <= 40; i++) {
            store.commit(List.of(notes.edit("a1", i, 0, 1, "y", true)));
        }
        assertEquals(1, count("SELECT COUNT(*) FROM concord_snapshot"));
        assertEquals(40, store.load("notes").snapshotRev());
    }

    long count(String query) throws SQLException {
        try (Connection c = database((JdbcDocumentStore) store).dataSource().getConnection();
             Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            r.next();
            return r.getLong(1);
        }
    }

    void sql(String... statements) {
        try (Connection c = database((JdbcDocumentStore) OPEN.get(OPEN.size() - 1)).dataSource().getConnection();
             Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static Database database(JdbcDocumentStore store) {
        Database d = store.openedDatabase();
        assertNotNull(d, "the store has not opened its database");
        return d;
    }
}
