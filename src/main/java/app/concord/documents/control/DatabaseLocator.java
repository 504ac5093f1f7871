package app.concord.documents.control;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Decides which database keeps Concord's documents, so that an acknowledged edit survives a
 * crash on every deployment, configured or stock. In order:
 * <ol>
 * <li>{@code concord.dbUrl} (with {@code concord.dbUser}, {@code concord.dbPassword}): a
 * PostgreSQL or H2 database that Concord connects to itself;</li>
 * <li>{@code concord.datasource}: the JNDI name of a datasource the operator configured;</li>
 * <li>the server's default datasource ({@code java:comp/DefaultDataSource}) when it keeps data:
 * PostgreSQL, or an H2 file outside the temporary folder, which is made durable with
 * {@code SET WRITE_DELAY 0} (H2 otherwise writes a commit up to half a second later) and kept
 * from growing with every commit by {@link H2FileUpkeep};</li>
 * <li>else Concord's own H2 file database in the data folder ({@code concord.data}), with a
 * {@link CommitJournal} beside it: for a default datasource that is in memory (stock WildFly),
 * in the temporary folder (Payara Micro without {@code --rootdir}), or of a kind Concord has no
 * schema for.</li>
 * </ol>
 * A datasource the operator names explicitly is used even when it is not durable; the store
 * then says so (log, readiness).
 */
final class DatabaseLocator {

    private static final System.Logger LOG = System.getLogger(DatabaseLocator.class.getName());

    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

    /** JNDI name of the Jakarta EE default datasource. */
    static final String DEFAULT_DATASOURCE = "java:comp/DefaultDataSource";

    private final Function<String, String> settings;
    private final Function<String, DataSource> jndi;

    /**
     * @param settings a Concord setting by name ({@code data}, {@code dbUrl}, …), or null
     * @param jndi     the datasource bound to a JNDI name; throws when there is none
     */
    DatabaseLocator(Function<String, String> settings, Function<String, DataSource> jndi) {
        this.settings = settings;
        this.jndi = jndi;
    }

    /** Finds and opens the database; throws when it cannot be reached now. */
    Database locate() throws SQLException {
        String url = setting("dbUrl");
        if (url != null) {
            return direct(url, setting("dbUser"), setting("dbPassword"));
        }
        String name = setting("datasource");
        if (name != null) {
            return container(name, jndi.apply(name), true);
        }
        DataSource fallback;
        try {
            fallback = jndi.apply(DEFAULT_DATASOURCE);
        } catch (RuntimeException e) {
            return own("the server has no default datasource");
        }
        return container(DEFAULT_DATASOURCE, fallback, false);
    }

    /**
     * The folder of Concord's own database: {@code concord.data}, resolved against the working
     * directory when relative; by default WildFly's data folder plus {@code concord}, else
     * {@code data} in the working directory. References to system properties in it are
     * expanded, as the servers do in their own configuration
     * ({@code ${com.sun.aas.instanceRoot}/concord}, {@code ${jboss.server.data.dir}/concord}).
     *
     * @throws IllegalArgumentException naming a referenced property that is not set
     */
    static Path dataFolder(Function<String, String> settings) {
        String configured = settings.apply("data");
        if (configured != null && !configured.isBlank()) {
            return Path.of(expandProperties(configured.trim())).toAbsolutePath().normalize();
        }
        String wildfly = System.getProperty("jboss.server.data.dir");
        if (wildfly != null) {
            return Path.of(wildfly, "concord").toAbsolutePath().normalize();
        }
        return Path.of("data").toAbsolutePath().normalize();
    }

    /** {@code text} with each {@code ${name}} replaced by the system property {@code name}. */
    static String expandProperties(String text) {
        Matcher reference = PROPERTY.matcher(text);
        StringBuilder out = new StringBuilder();
        while (reference.find()) {
            String value = System.getProperty(reference.group(1));
            if (value == null) {
                throw new IllegalArgumentException("setting concord.data refers to the system property "
                        + reference.group(1) + ", which is not set: \"" + text + "\"");
            }
            reference.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return reference.appendTail(out).toString();
    }

    private Database container(String name, DataSource dataSource, boolean chosen) throws SQLException {
        String product;
        String url;
        try (Connection c = dataSource.getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            product = meta.getDatabaseProductName();
            url = meta.getURL();
        }
        Database.Dialect dialect = Database.Dialect.ofProduct(product);
        if (dialect == null) {
            if (chosen) {
                throw new SQLException("the datasource " + name + " is " + product
                        + "; Concord keeps documents in PostgreSQL or H2 only");
            }
            return own("the server's default datasource is " + product + ", for which Concord has no schema");
        }
        String where = product + " " + withoutSecrets(url) + " (datasource " + name + ")";
        if (dialect == Database.Dialect.POSTGRESQL) {
            // The server's pool lends the listening connection too, and never gets it back.
            return postgres(dataSource, where, () -> { }, dataSource::getConnection);
        }
        H2Kind kind = H2Kind.of(url);
        if (!chosen && kind == H2Kind.MEMORY) {
            return own("the server's default datasource is an H2 database in memory, lost at every restart");
        }
        if (!chosen && kind == H2Kind.TEMPORARY_FILE) {
            return own("the server's default datasource is an H2 file in the temporary folder ("
                    + H2Kind.filePath(url) + "), which the server does not keep");
        }
        return h2(dataSource, where, kind, () -> { });
    }

    private Database own(String reason) throws SQLException {
        Path folder = dataFolder(settings);
        try {
            Files.createDirectories(folder);
        } catch (java.io.IOException e) {
            throw new SQLException("cannot make the data folder " + folder + " (setting concord.data): " + e.getMessage(), e);
        }
        String url = "jdbc:h2:file:" + folder.resolve("concord") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
        Driver driver = new org.h2.Driver();
        Properties credentials = new Properties();
        credentials.setProperty("user", "");
        credentials.setProperty("password", "");
        ConnectionPool pool = new ConnectionPool(() -> driver.connect(url, credentials), 4);
        AutoCloseable shutdown = () -> {
            pool.close();
            try (Connection c = driver.connect(url, credentials); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            }
        };
        String where = "H2 file " + folder.resolve("concord.mv.db") + " (Concord's own: " + reason + ")";
        try {
            // Only this server opens the file (H2 locks it), so commits may reach it through a journal.
            return h2(pool, where, H2Kind.FILE, shutdown).withJournal(journalOf(folder.resolve("concord")));
        } catch (SQLException | RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    private Database direct(String url, String user, String password) throws SQLException {
        Properties properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        Driver driver;
        if (url.startsWith("jdbc:postgresql:")) {
            driver = new org.postgresql.Driver();
            // A server that vanishes must fail a statement, not hang it (defaults: no timeout).
            properties.putIfAbsent("connectTimeout", "5");
            properties.putIfAbsent("socketTimeout", "60");
            properties.putIfAbsent("tcpKeepAlive", "true");
            properties.putIfAbsent("reWriteBatchedInserts", "true");
            properties.putIfAbsent("ApplicationName", "Concord");
        } else if (url.startsWith("jdbc:h2:")) {
            driver = new org.h2.Driver();
        } else {
            throw new SQLException("setting concord.dbUrl must be a jdbc:postgresql: or jdbc:h2: URL, not " + withoutSecrets(url));
        }
        ConnectionPool pool = new ConnectionPool(() -> driver.connect(url, properties), 8);
        Properties listener = new Properties();
        listener.putAll(properties);
        listener.setProperty("ApplicationName", RevisionNotices.APPLICATION_NAME);
        // No socket timeout: the listening connection waits for notices for as long as it takes.
        listener.remove("socketTimeout");
        String where = (driver instanceof org.h2.Driver ? "H2 " : "PostgreSQL ") + withoutSecrets(url) + " (setting concord.dbUrl)";
        try {
            if (driver instanceof org.h2.Driver) {
                H2Kind kind = H2Kind.of(url);
                Database h2 = h2(pool, where, kind, pool);
                // Concord's own H2 file named directly (a copy from it, say): what its journal holds is part of it.
                Path journal = kind == H2Kind.FILE || kind == H2Kind.TEMPORARY_FILE ? journalOf(Path.of(H2Kind.filePath(url))) : null;
                return journal != null && Files.isDirectory(journal) ? h2.withJournal(journal) : h2;
            }
            return postgres(pool, where, pool, () -> driver.connect(url, listener));
        } catch (SQLException | RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** PostgreSQL keeps a commit unless the operator turned off what makes it durable. */
    private static Database postgres(DataSource dataSource, String where, AutoCloseable onClose,
            Callable<Connection> listening) throws SQLException {
        String fsync;
        String synchronousCommit;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            fsync = show(s, "fsync");
            synchronousCommit = show(s, "synchronous_commit");
        }
        boolean durable = !"off".equals(fsync) && !"off".equals(synchronousCommit);
        String caveat = durable ? "" : " [not durable: fsync=" + fsync + ", synchronous_commit=" + synchronousCommit + "]";
        return new Database(dataSource, Database.Dialect.POSTGRESQL, where + caveat, durable, onClose, listening);
    }

    private static String show(Statement s, String setting) throws SQLException {
        try (ResultSet r = s.executeQuery("SHOW " + setting)) {
            return r.next() ? r.getString(1) : null;
        }
    }

    /** An H2 file database is made durable; an H2 database in memory never is. */
    private static Database h2(DataSource dataSource, String where, H2Kind kind, AutoCloseable onClose)
            throws SQLException {
        if (kind == H2Kind.MEMORY) {
            return new Database(dataSource, Database.Dialect.H2, where + " [not durable: in memory]", false, onClose);
        }
        if (kind == H2Kind.SERVER) {
            return new Database(dataSource, Database.Dialect.H2, where, true, onClose);
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            // A persistent database setting: H2's default delays writing a commit by 500 ms.
            s.execute("SET WRITE_DELAY 0");
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot turn off H2's write delay of " + where + ": " + e.getMessage());
            return new Database(dataSource, Database.Dialect.H2,
                    where + " [not durable: H2 may write a commit up to 500 ms late]", false, onClose);
        }
        H2FileUpkeep upkeep = new H2FileUpkeep(dataSource, where, H2FileUpkeep.RETENTION_MILLIS);
        return new Database(dataSource, Database.Dialect.H2, where, true, onClose, null, upkeep);
    }

    /**
     * The folder of the commit journal of the H2 file at {@code file} (its path without
     * {@code .mv.db}): beside it, {@code concord-journal} for Concord's own {@code concord}.
     */
    static Path journalOf(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        return absolute.resolveSibling(absolute.getFileName() + "-journal");
    }

    /** A JDBC URL fit for a log: no password parameter. */
    static String withoutSecrets(String url) {
        return url == null ? "" : url.replaceAll("(?i)(password=)[^;&]*", "$1***");
    }

    private String setting(String name) {
        String value = settings.apply(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** What an H2 URL says about where the data lives. */
    enum H2Kind {
        MEMORY, FILE, TEMPORARY_FILE, SERVER;

        static H2Kind of(String url) {
            String rest = url.substring("jdbc:h2:".length()).toLowerCase(Locale.ROOT);
            if (rest.startsWith("mem:")) {
                return MEMORY;
            }
            if (rest.startsWith("tcp:") || rest.startsWith("ssl:")) {
                return SERVER;
            }
            Path file = Path.of(filePath(url)).toAbsolutePath().normalize();
            Path temporary = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
            return file.startsWith(temporary) ? TEMPORARY_FILE : FILE;
        }

        /** The file path of a file URL, without {@code file:} and settings. */
        static String filePath(String url) {
            String rest = url.substring("jdbc:h2:".length());
            int settings = rest.indexOf(';');
            if (settings >= 0) {
                rest = rest.substring(0, settings);
            }
            if (rest.regionMatches(true, 0, "file:", 0, 5)) {
                rest = rest.substring(5);
            }
            if (rest.startsWith("~")) {
                rest = System.getProperty("user.home") + rest.substring(1);
            }
            return rest;
        }
    }
}
