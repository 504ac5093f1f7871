package app.concord.documents.control;

import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void theDatabaseIsAFileInTheDataFolder() {
        assertTrue(Files.exists(data.resolve("concord.mv.db")));
        assertTrue(store.description().contains(data.resolve("concord.mv.db").toString()), store.description());
    }
}
