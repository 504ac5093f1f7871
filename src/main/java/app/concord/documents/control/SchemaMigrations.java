package app.concord.documents.control;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * Brings a database's schema to the version this release knows, with Flyway and the SQL
 * files under {@code db/migration/<dialect>/}: an empty database gets every migration; a
 * database that Concord made with JPA before its schema was versioned (its tables, no
 * history) is taken as version 1 and upgraded from there; a database whose schema is newer
 * than this release knows is refused and left untouched.
 *
 * <p>The migrations are listed here by name rather than found by scanning the class path,
 * which application servers expose in their own ways (WildFly's virtual file system);
 * {@code SchemaMigrationsTest} checks that the lists match the files.
 */
final class SchemaMigrations {

    /** The history table Flyway keeps; named for Concord, since the database may be shared. */
    static final String HISTORY_TABLE = "concord_schema_history";

    /** Each dialect's migrations, oldest first. */
    static List<String> migrations(Database.Dialect dialect) {
        return switch (dialect) {
            case H2 -> List.of("V1__op_log_snapshots_read_only_links.sql", "V4__history_authorship_versions.sql",
                    "V5__op_log_without_client_seq_index.sql");
            case POSTGRESQL -> List.of("V1__op_log_snapshots_read_only_links.sql",
                    "V2__text_in_rows_snapshots_as_utf8.sql", "V4__history_authorship_versions.sql",
                    "V5__op_log_without_client_seq_index.sql");
        };
    }

    private SchemaMigrations() {
    }

    /**
     * Migrates {@code database} to this release's newest version and returns that version.
     *
     * @throws SchemaTooNewException when the database is at a version this release does not know
     */
    static String migrate(Database database) throws SQLException {
        Database.Dialect dialect = database.dialect();
        List<String> files = migrations(dialect);
        MigrationVersion newest = MigrationVersion.fromVersion(version(files.get(files.size() - 1)));
        boolean madeByJpa = hasTable(database, "concord_revision") && !hasTable(database, HISTORY_TABLE);
        FluentConfiguration config = Flyway.configure(SchemaMigrations.class.getClassLoader())
                .dataSource(database.dataSource())
                .table(HISTORY_TABLE)
                .resourceProvider(new Listed(dialect, files))
                .javaMigrationClassProvider(List::of)
                .cleanDisabled(true)
                .validateMigrationNaming(true)
                .failOnMissingLocations(false)
                // A database whose tables JPA made is version 1; any other database that holds
                // tables of its own (a server's default database) starts from nothing.
                .baselineOnMigrate(true)
                .baselineVersion(madeByJpa ? "1" : "0")
                .baselineDescription(madeByJpa ? "tables made by JPA before versioned migrations" : "before Concord");
        Flyway flyway = config.load();
        MigrationInfo current = flyway.info().current();
        if (current != null && current.getVersion() != null && current.getVersion().compareTo(newest) > 0) {
            throw new SchemaTooNewException("the database's schema is at version " + current.getVersion()
                    + ", newer than this release of Concord knows (" + newest + "): run a release that knows it,"
                    + " or give this one another database; nothing was changed");
        }
        flyway.migrate();
        return newest.getVersion();
    }

    /** The version of a migration file: {@code V12__name.sql} is version 12. */
    static String version(String file) {
        return file.substring(1, file.indexOf("__"));
    }

    private static boolean hasTable(Database database, String table) throws SQLException {
        try (Connection c = database.dataSource().getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            for (String name : List.of(table, table.toUpperCase(Locale.ROOT))) {
                try (ResultSet tables = meta.getTables(null, c.getSchema(), name, new String[] {"TABLE"})) {
                    if (tables.next()) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    /** The listed migration files of one dialect, read from the class path. */
    private static final class Listed implements ResourceProvider {
        private final List<LoadableResource> resources;

        Listed(Database.Dialect dialect, List<String> files) {
            this.resources = files.stream().map(f -> new Migration("db/migration/" + dialect.folder() + "/" + f, f))
                    .collect(Collectors.toList());
        }

        @Override
        public LoadableResource getResource(String name) {
            return resources.stream().filter(r -> r.getRelativePath().equals(name) || r.getFilename().equals(name))
                    .findFirst().orElse(null);
        }

        @Override
        public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
            return resources.stream()
                    .filter(r -> r.getFilename().startsWith(prefix)
                            && Arrays.stream(suffixes).anyMatch(s -> r.getFilename().endsWith(s)))
                    .collect(Collectors.toList());
        }
    }

    private static final class Migration extends LoadableResource {
        private final String path;
        private final String file;

        Migration(String path, String file) {
            this.path = path;
            this.file = file;
        }

        @Override
        public Reader read() {
            InputStream in = SchemaMigrations.class.getClassLoader().getResourceAsStream(path);
            if (in == null) {
                throw new UncheckedIOException(new IOException("migration " + path + " is missing from the application"));
            }
            return new InputStreamReader(in, StandardCharsets.UTF_8);
        }

        @Override
        public String getAbsolutePath() {
            return path;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return path;
        }

        @Override
        public String getFilename() {
            return file;
        }

        @Override
        public String getRelativePath() {
            return path;
        }
    }
}
