package app.concord.documents.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.collab.LastApplied;
import app.concord.collab.StoredDocument;
import app.concord.protocol.Revision;
import app.concord.testing.TestPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema's versions: the listed migrations are the files, a database made by the JPA
 * releases upgrades in place with every document and revision intact (from fixtures those
 * releases wrote, under {@code src/test/resources/fixtures}), a newer schema is refused and
 * left alone, and other tables of a shared database do not get in the way.
 */
class SchemaMigrationsTest {

    /** What the fixture release wrote (its writer is described in fixtures/README.md). */
    static final String ALPHA = "# Title\nJello world!\n\u00e9t\u00e9 \ud83d\ude00abcdefghijklmnopq";

    /** Flyway's history table, as it names it (quoted, in lower case, on every database). */
    static final String HISTORY = "\"" + SchemaMigrations.HISTORY_TABLE + "\"";

    @TempDir
    Path folder;

    @Test
    void theListedMigrationsAreTheFilesOfEachDialect() throws IOException {
        for (Database.Dialect dialect : Database.Dialect.values()) {
            try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration", dialect.folder()))) {
                assertEquals(files.map(p -> p.getFileName().toString()).sorted().toList(),
                        SchemaMigrations.migrations(dialect), dialect.toString());
            }
        }
    }

    @Test
    void aDatabaseOfTheJpaReleaseOnPayaraUpgradesInPlace() throws Exception {
        assertFixtureUpgrades("before-migrations-payara-h2.mv.db");
    }

    @Test
    void aDatabaseOfTheJpaReleaseOnWildFlyUpgradesInPlace() throws Exception {
        assertFixtureUpgrades("before-migrations-wildfly-h2.mv.db");
    }

    private void assertFixtureUpgrades(String fixture) throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/fixtures/" + fixture)) {
            Files.copy(in, folder.resolve("concord.mv.db"));
        }
        Database database = h2(folder);
        try {
            assertEquals("5", SchemaMigrations.migrate(database));
            JdbcDocumentStore store = JdbcDocumentStore.over(database);

            StoredDocument alpha = store.load("fixture-alpha");
            assertEquals(23, alpha.rev());
            assertEquals(ALPHA, text(alpha));
            assertEquals(new LastApplied(17, 23), alpha.lastApplied().get("carol"));
            assertEquals(new LastApplied(1, 6), alpha.lastApplied().get("bob"));
            List<Revision> history = store.revisions("fixture-alpha", 0, 23);
            assertEquals(23, history.size());
            String replayed = "";
            for (Revision r : history) {
                replayed = r.operation().apply(replayed);
            }
            assertEquals(ALPHA, replayed);
            assertEquals("line 2\n", text(store.load("fixture-beta")));
            assertEquals(3, store.load("fixture-beta").rev());

            String readOnly = store.readOnlyId("fixture-alpha");
            assertEquals(Optional.of("fixture-alpha"), store.documentOf(readOnly));
            assertEquals(List.of("1", "4", "5"), applied(database));
            assertEquals(List.of(0L), query(database, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEXES"
                    + " WHERE TABLE_NAME = 'CONCORD_REVISION' AND INDEX_TYPE_NAME <> 'PRIMARY KEY'"),
                    "the op log is indexed by its key only");

            // The upgraded database takes new revisions, and migrating again changes nothing.
            assertEquals("5", SchemaMigrations.migrate(database));
            assertEquals(List.of("1", "4", "5"), applied(database));
        } finally {
            database.onClose().close();
        }
    }

    @Test
    void aNewerSchemaIsRefusedAndLeftUntouched() throws Exception {
        Database database = h2(folder);
        try {
            SchemaMigrations.migrate(database);
            execute(database, "INSERT INTO " + HISTORY + " (\"installed_rank\", \"version\", \"description\", \"type\","
                    + " \"script\", \"installed_by\", \"execution_time\", \"success\") VALUES (99, '99', 'from the future', 'SQL', 'V99__x.sql',"
                    + " 'test', 0, TRUE)",
                    "INSERT INTO concord_snapshot (doc_id, revision, body) VALUES ('kept', 1, 'as it was')");

            SchemaTooNewException refused = assertThrows(SchemaTooNewException.class,
                    () -> SchemaMigrations.migrate(database));
            assertTrue(refused.getMessage().contains("version 99"), refused.getMessage());
            assertEquals(List.of("1", "4", "5", "99"), applied(database));
            assertEquals("as it was", JdbcDocumentStore.over(database).load("kept").snapshotText());
        } finally {
            database.onClose().close();
        }
    }

    @Test
    void tablesOfOthersInTheSameDatabaseDoNotStopTheMigration() throws Exception {
        Database database = h2(folder);
        try {
            execute(database, "CREATE TABLE ejb__timer__tbl (id INT PRIMARY KEY)");
            SchemaMigrations.migrate(database);
            assertEquals(List.of("0", "1", "4", "5"), applied(database));
            assertEquals(0, JdbcDocumentStore.over(database).load("new").rev());
        } finally {
            database.onClose().close();
        }
    }

    /**
     * Hibernate on PostgreSQL made the text columns large objects: the migration brings
     * their contents into the rows and frees the large objects.
     */
    @Test
    void largeObjectsOfTheJpaReleaseOnPostgresqlMoveIntoTheRows() throws Exception {
        try (TestPostgres postgres = TestPostgres.start()) {
            Database database = new DatabaseLocator(Map.of("dbUrl", postgres.url(), "dbUser", postgres.user())::get,
                    SchemaMigrationsTest::noDataSource).locate();
            try {
                execute(database,
                        "CREATE TABLE concord_revision (doc_id VARCHAR(64) NOT NULL, revision INTEGER NOT NULL,"
                                + " client_id VARCHAR(64) NOT NULL, seq BIGINT NOT NULL, ops_json OID NOT NULL,"
                                + " created_millis BIGINT NOT NULL, PRIMARY KEY (doc_id, revision))",
                        "CREATE TABLE concord_snapshot (doc_id VARCHAR(64) PRIMARY KEY, revision INTEGER NOT NULL,"
                                + " body OID NOT NULL)",
                        "CREATE TABLE concord_read_only (read_only_id VARCHAR(64) PRIMARY KEY,"
                                + " doc_id VARCHAR(64) NOT NULL UNIQUE)",
                        "INSERT INTO concord_revision VALUES ('d', 1, 'a', 1,"
                                + " lo_from_bytea(0, convert_to('[\"caf\u00e9 \\u0000\"]', 'UTF8')), 0)",
                        "INSERT INTO concord_revision VALUES ('d', 2, 'a', 2,"
                                + " lo_from_bytea(0, convert_to('[6,\"!\"]', 'UTF8')), 0)",
                        // "café " and U+0000, in UTF-8
                        "INSERT INTO concord_snapshot VALUES ('d', 1, lo_from_bytea(0, decode('636166c3a92000', 'hex')))");

                assertEquals("5", SchemaMigrations.migrate(database));

                JdbcDocumentStore store = JdbcDocumentStore.over(database);
                StoredDocument d = store.load("d");
                assertEquals("caf\u00e9 \u0000", d.snapshotText());
                assertEquals("caf\u00e9 \u0000!", text(d));
                assertEquals("caf\u00e9 \u0000", store.revisions("d", 0, 1).get(0).operation().apply(""));
                assertEquals(List.of(0L), query(database, "SELECT COUNT(*) FROM pg_largeobject_metadata"));
                assertEquals(List.of("1", "2", "4", "5"), applied(database));
            } finally {
                database.onClose().close();
            }
        }
    }

    private static Database h2(Path folder) throws SQLException {
        return new DatabaseLocator(Map.of("data", folder.toString())::get, SchemaMigrationsTest::noDataSource).locate();
    }

    private static DataSource noDataSource(String name) {
        throw new IllegalStateException("no datasource " + name);
    }

    private static String text(StoredDocument doc) {
        String text = doc.snapshotText();
        for (Revision r : doc.after()) {
            text = r.operation().apply(text);
        }
        return text;
    }

    private static List<String> applied(Database database) throws SQLException {
        return query(database, "SELECT \"version\" FROM " + HISTORY + " WHERE \"success\" AND \"version\" IS NOT NULL ORDER BY \"installed_rank\"")
                .stream().map(String::valueOf).toList();
    }

    private static List<Object> query(Database database, String sql) throws SQLException {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            List<Object> values = new java.util.ArrayList<>();
            while (r.next()) {
                values.add(r.getObject(1));
            }
            return values;
        }
    }

    private static void execute(Database database, String... statements) throws SQLException {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
