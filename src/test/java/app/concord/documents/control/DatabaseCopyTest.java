package app.concord.documents.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import app.concord.collab.StoredDocument;
import app.concord.testing.TestPostgres;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Moving a server's documents from its H2 file (here one written by the release before
 * versioned schemas) to PostgreSQL, as server-config/README.md tells an operator to: every
 * text, history, client sequence and read-only link arrives, and running it again copies
 * nothing twice.
 */
class DatabaseCopyTest {

    @TempDir
    Path folder;

    @Test
    void everyDocumentMovesFromH2ToPostgresqlOnceWithItsHistoryAndLinks() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/fixtures/before-migrations-payara-h2.mv.db")) {
            Files.copy(in, folder.resolve("concord.mv.db"));
        }
        String h2 = "jdbc:h2:file:" + folder.resolve("concord");
        try (TestPostgres postgres = TestPostgres.start()) {
            Database target = new DatabaseLocator(Map.of("dbUrl", postgres.url(), "dbUser", postgres.user())::get,
                    DatabaseCopyTest::noDataSource).locate();
            try {
                SchemaMigrations.migrate(target);
                JdbcDocumentStore moved = JdbcDocumentStore.over(target);
                String readOnly = readOnlyIdInSource(h2);

                DatabaseCopy.Result first = DatabaseCopy.copyInto(target, h2, null, null);
                assertEquals(new DatabaseCopy.Result(2, 0, 26), first);

                Database source = new DatabaseLocator(Map.of("dbUrl", h2)::get, DatabaseCopyTest::noDataSource).locate();
                try {
                    JdbcDocumentStore original = JdbcDocumentStore.over(source);
                    for (String doc : List.of("fixture-alpha", "fixture-beta")) {
                        StoredDocument was = original.load(doc);
                        StoredDocument is = moved.load(doc);
                        assertEquals(was, is, doc);
                        assertEquals(original.revisions(doc, 0, was.rev()), moved.revisions(doc, 0, is.rev()), doc);
                    }
                } finally {
                    source.onClose().close();
                }
                assertEquals(java.util.Optional.of("fixture-alpha"), moved.documentOf(readOnly));
                assertEquals(SchemaMigrationsTest.ALPHA, text(moved.load("fixture-alpha")));

                assertEquals(new DatabaseCopy.Result(0, 2, 0), DatabaseCopy.copyInto(target, h2, null, null));
            } finally {
                target.onClose().close();
            }
        }
    }

    private static String readOnlyIdInSource(String url) throws Exception {
        Database source = new DatabaseLocator(Map.of("dbUrl", url)::get, DatabaseCopyTest::noDataSource).locate();
        try {
            SchemaMigrations.migrate(source);
            return JdbcDocumentStore.over(source).readOnlyId("fixture-alpha");
        } finally {
            source.onClose().close();
        }
    }

    private static String text(StoredDocument doc) {
        String text = doc.snapshotText();
        for (var r : doc.after()) {
            text = r.operation().apply(text);
        }
        return text;
    }

    private static DataSource noDataSource(String name) {
        throw new IllegalStateException("no datasource " + name);
    }
}
