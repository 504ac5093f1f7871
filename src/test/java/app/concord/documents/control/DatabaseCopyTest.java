package app.concord.documents.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.collab.Checkpoint;
import app.concord.collab.HistoryStore;
import app.concord.collab.NamedVersion;
import app.concord.collab.StoredDocument;
import app.concord.ot.Authorship;
import app.concord.protocol.AuthorProfile;
import app.concord.testing.TestPostgres;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
                byte[] key = historyInSource(h2);

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
                assertArrayEquals(key, moved.history().authorKey(), "the same secrets make the same authors");
                assertEquals(Map.of("a", new AuthorProfile("Ada", "#c2185b", 1, 2)), moved.history().authors("fixture-alpha"));
                assertEquals(List.of(new NamedVersion(1, 3, "Draft", "a", 4)), moved.history().versions("fixture-alpha"));
                assertEquals(Optional.of(new Checkpoint(1, "\u0000x", Authorship.of(2, "a"))),
                        moved.history().checkpoint("fixture-beta", 2));
                assertEquals(SchemaMigrationsTest.ALPHA, text(moved.load("fixture-alpha")));

                assertEquals(new DatabaseCopy.Result(0, 2, 0), DatabaseCopy.copyInto(target, h2, null, null));
            } finally {
                target.onClose().close();
            }
        }
    }

    /** Revisions that a server which died left in the journal of its own H2 file move with the rest. */
    @Test
    void revisionsInTheJournalOfTheSourceMoveToo() throws Exception {
        Path crashed = folder.resolve("crashed");
        JournalCrash.leaveRevisionsInTheJournal(crashed);
        Database target = new DatabaseLocator(Map.of("data", folder.resolve("new").toString())::get,
                DatabaseCopyTest::noDataSource).locate();
        try {
            SchemaMigrations.migrate(target);
            assertEquals(new DatabaseCopy.Result(3, 0, JournalCrash.REVISIONS),
                    DatabaseCopy.copyInto(target, "jdbc:h2:file:" + crashed.resolve("concord"), null, null));
            StoredDocument moved = JdbcDocumentStore.over(target.withJournal(null)).load("doc2");
            assertEquals(JournalCrash.REVISIONS / 3, moved.rev());
            assertTrue(text(moved).startsWith("1234567890"), text(moved));
        } finally {
            target.onClose().close();
        }
        try (var segments = Files.list(crashed.resolve("concord-journal"))) {
            assertEquals(0, segments.filter(p -> p.toString().endsWith(".journal")).count(), "written into the source first");
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

    /** Authors, versions, a checkpoint and the author key in the source, as a release that keeps them writes them. */
    private static byte[] historyInSource(String url) throws Exception {
        Database source = new DatabaseLocator(Map.of("dbUrl", url)::get, DatabaseCopyTest::noDataSource).locate();
        try {
            HistoryStore history = JdbcDocumentStore.over(source).history();
            history.saveAuthor("fixture-alpha", "a", new AuthorProfile("Ada", "#c2185b", 1, 2));
            history.addVersion("fixture-alpha", 3, "Draft", "a", 4);
            history.saveCheckpoint("fixture-beta", new Checkpoint(1, "\u0000x", Authorship.of(2, "a")));
            return history.authorKey();
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
