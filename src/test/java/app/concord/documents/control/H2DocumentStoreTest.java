package app.concord.documents.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.collab.StoredDocument;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store on Concord's own H2 file database, as a stock server whose default datasource is
 * in memory gets it: found by {@link DatabaseLocator} in the data folder.
 */
class H2DocumentStoreTest extends JdbcDocumentStoreContract {

    @TempDir
    static Path data;

    @Override
    Database openDatabase() throws Exception {
        return new DatabaseLocator(Map.of("data", data.toString())::get, H2DocumentStoreTest::noDataSource).locate();
    }

    private static DataSource noDataSource(String name) {
        throw new IllegalStateException("no datasource " + name);
    }

    /**
     * Revisions are acknowledged once in the journal; a process that dies before writing them
     * to the database leaves them there, and the next store to open the data folder writes them.
     */
    @Test
    void revisionsInTheJournalOfAProcessThatDiedReachTheDatabaseAtTheNextOpen(@TempDir Path crashed) throws Exception {
        JournalCrash.leaveRevisionsInTheJournal(crashed);
        Path journal = crashed.resolve("concord-journal");
        List<Path> segments;
        try (Stream<Path> files = Files.list(journal)) {
            segments = files.filter(p -> p.toString().endsWith(".journal")).toList();
        }
        assertFalse(segments.isEmpty(), "the revisions wait in the journal");
        // The process died in the middle of appending one more batch, never acknowledged.
        Files.write(segments.get(0), new byte[] {0, 0, 0, 42, 1, 2}, StandardOpenOption.APPEND);

        JdbcDocumentStore reopened = new JdbcDocumentStore(() -> {
            Database d = new DatabaseLocator(Map.of("data", crashed.toString())::get, H2DocumentStoreTest::noDataSource).locate();
            SchemaMigrations.migrate(d);
            return d;
        });
        try {
            for (int d = 0; d < 3; d++) {
                StoredDocument doc = reopened.load("doc" + d);
                assertEquals(JournalCrash.REVISIONS / 3, doc.rev());
                String text = replay(doc);
                assertEquals(JournalCrash.REVISIONS / 3, text.length());
                assertTrue(text.startsWith("1234567890123"), text);
            }
            try (Stream<Path> files = Files.list(journal)) {
                assertEquals(0, files.filter(p -> p.toString().endsWith(".journal")).count(), "written, so deleted");
            }
        } finally {
            reopened.close();
        }
    }

    @Test
    void theDatabaseIsAFileInTheDataFolder() {
        assertTrue(Files.exists(data.resolve("concord.mv.db")));
        assertTrue(store.description().contains(data.resolve("concord.mv.db").toString()), store.description());
    }
}
