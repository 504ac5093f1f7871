package app.concord.it;

import app.concord.testing.TestPostgres;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Runs the integration tests against PostgreSQL instead of H2 when the build asks for it
 * (system property {@code concord.it.database=postgresql}, the failsafe execution
 * {@code postgresql} of pom.xml): starts a {@link TestPostgres} before any test, before
 * Arquillian reads {@code arquillian.xml}, and adds its address to the options of every
 * server the tests start ({@code concord.it.serverOptions}, and
 * {@code concord.it.databaseOptions} for the servers that tests start themselves). Without
 * that property it does nothing.
 */
public final class PostgresForIntegrationTests implements LauncherSessionListener {

    private TestPostgres postgres;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (!usesPostgres()) {
            return;
        }
        try {
            postgres = TestPostgres.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start PostgreSQL for the integration tests: " + e.getMessage(), e);
        }
        String options = "-Dconcord.dbUrl=" + postgres.url() + " -Dconcord.dbUser=" + postgres.user();
        System.setProperty("concord.it.databaseOptions", options);
        System.setProperty("concord.it.serverOptions", System.getProperty("concord.it.serverOptions", "") + " " + options);
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (Exception e) {
                System.err.println("stopping the tests' PostgreSQL failed: " + e);
            }
        }
    }

    /** True in the pass of the integration tests that runs on PostgreSQL. */
    static boolean usesPostgres() {
        return "postgresql".equals(System.getProperty("concord.it.database"));
    }
}
