package app.concord.documents.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which database keeps documents, for the datasources a server may offer. */
class DatabaseLocatorTest {

    @TempDir
    Path folder;

    @Test
    void theDataFolderIsResolvedAgainstTheWorkingDirectoryAndExpandsSystemProperties() {
        assertEquals(Path.of("").toAbsolutePath().resolve("data"), DatabaseLocator.dataFolder(Map.of("data", "./data")::get));
        System.setProperty("concord.test.root", folder.toString());
        try {
            assertEquals(folder.resolve("lib/databases"),
                    DatabaseLocator.dataFolder(Map.of("data", "${concord.test.root}/lib/databases")::get));
        } finally {
            System.clearProperty("concord.test.root");
        }
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> DatabaseLocator.dataFolder(Map.of("data", "${no.such.property}/x")::get));
        assertTrue(unknown.getMessage().contains("no.such.property"), unknown.getMessage());
    }

    @Test
    void aDefaultDatasourceInMemoryGivesWayToConcordsOwnFile() throws Exception {
        JdbcDataSource memory = new JdbcDataSource();
        memory.setURL("jdbc:h2:mem:locator-test;DB_CLOSE_DELAY=-1");
        Database database = locate(Map.of("data", folder.toString()), memory);
        try {
            assertTrue(database.durable());
            assertTrue(database.description().contains(folder.resolve("concord.mv.db").toString()), database.description());
            assertTrue(database.description().contains("in memory"), database.description());
        } finally {
            database.onClose().close();
        }
    }

    /** Outside the temporary folder, as a server's own data folder is. */
    @Test
    void aDefaultDatasourceThatIsAFileIsUsedAndMadeDurable() throws Exception {
        Path kept = Files.createDirectories(Path.of("target", "locator-test")).toAbsolutePath();
        JdbcDataSource file = new JdbcDataSource();
        file.setURL("jdbc:h2:file:" + kept.resolve("server-default-" + System.nanoTime()));
        Database database = locate(Map.of("data", folder.toString()), file);
        assertTrue(database.durable());
        assertTrue(database.description().contains("java:comp/DefaultDataSource"), database.description());
        try (var c = file.getConnection(); var s = c.createStatement();
             var r = s.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
            r.next();
            assertEquals("0", r.getString(1), "H2's write delay is off");
        }
    }

    @Test
    void aNamedDatasourceWinsEvenWhenItIsNotDurableAndSaysSo() throws Exception {
        JdbcDataSource memory = new JdbcDataSource();
        memory.setURL("jdbc:h2:mem:named-test;DB_CLOSE_DELAY=-1");
        Database database = new DatabaseLocator(Map.of("datasource", "jdbc/mine", "data", folder.toString())::get,
                name -> {
                    assertEquals("jdbc/mine", name);
                    return memory;
                }).locate();
        assertFalse(database.durable());
        assertTrue(database.description().contains("not durable"), database.description());
    }

    @Test
    void urlsAreShownWithoutTheirPassword() {
        assertEquals("jdbc:postgresql://db/concord?user=c&password=***&ssl=true",
                DatabaseLocator.withoutSecrets("jdbc:postgresql://db/concord?user=c&password=s3cret&ssl=true"));
        assertEquals("jdbc:h2:file:/x;PASSWORD=***", DatabaseLocator.withoutSecrets("jdbc:h2:file:/x;PASSWORD=abc"));
    }

    private static Database locate(Map<String, String> settings, DataSource defaultDataSource) throws Exception {
        return new DatabaseLocator(settings::get, name -> {
            if (name.equals(DatabaseLocator.DEFAULT_DATASOURCE)) {
                return defaultDataSource;
            }
            throw new IllegalStateException("no " + name);
        }).locate();
    }
}
