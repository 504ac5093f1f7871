package app.concord.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * WildFly, started as README "Deploy to WildFly" does: {@code bin/standalone.sh} of the stock
 * server the build unpacked, and the WAR dropped into {@code deployments/} as ROOT.war.
 * Configured, each start gets a fresh copy of the {@code standalone/} folder in the test's
 * work folder and the database is {@code concord.data}, kept across starts; stock, the
 * {@code standalone/} folder itself is kept across starts and nothing is set.
 */
final class WildFlyProcess extends ServerProcess {

    private volatile ProcessHandle jvm;

    private WildFlyProcess(Process process, int port, Path log) throws IOException {
        // WFLYSRV0025: started, every deployment found at boot deployed; WFLYSRV0026: started with errors.
        super(process, port, log, line -> line.contains("WFLYSRV0025"), line -> line.contains("WFLYSRV0026"));
    }

    /** Starts WildFly with the WAR on {@code port} (HTTPS and management on free ports), keeping its database in {@code data}. */
    static WildFlyProcess launch(Setup setup, Path work, Path kept, int port, Path log, List<String> systemProperties)
            throws IOException {
        Path home = Path.of(System.getProperty("concord.it.wildflyHome", "target/wildfly")).toAbsolutePath();
        Path base = setup == Setup.CONFIGURED ? Files.createTempDirectory(work, "standalone-") : kept.resolve("standalone");
        if (!Files.exists(base.resolve("configuration"))) {
            Files.createDirectories(base);
            copyTree(home.resolve("standalone").resolve("configuration"), base.resolve("configuration"));
            Files.createDirectories(base.resolve("deployments"));
        }
        Files.copy(war(), base.resolve("deployments").resolve("ROOT.war"), StandardCopyOption.REPLACE_EXISTING);
        List<String> command = new ArrayList<>(List.of(
                home.resolve("bin").resolve("standalone.sh").toString(),
                "-Djboss.server.base.dir=" + base,
                "-Djboss.bind.address=" + ConcordDeployment.HOST,
                "-Djboss.bind.address.management=" + ConcordDeployment.HOST,
                "-Djboss.http.port=" + port,
                "-Djboss.https.port=" + freePort(),
                "-Djboss.management.http.port=" + freePort()));
        if (setup == Setup.CONFIGURED) {
            command.add("-Dconcord.data=" + kept.toAbsolutePath());
        }
        command.addAll(systemProperties);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        // The script runs the JVM as its child and relays SIGTERM to it (as under a service manager).
        env.put("LAUNCH_JBOSS_IN_BACKGROUND", "true");
        env.remove("JAVA_OPTS");
        env.remove("JBOSS_HOME");
        return new WildFlyProcess(builder.start(), port, log);
    }

    /** The java process that standalone.sh started: SIGKILL must reach it, not only the script. */
    @Override
    ProcessHandle jvm() {
        if (jvm == null) {
            jvm = process().toHandle().children()
                    .filter(child -> child.info().command().map(c -> c.endsWith("java")).orElse(false))
                    .findFirst().orElse(null);
        }
        return jvm != null ? jvm : process().toHandle();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            paths.forEach(path -> {
                try {
                    Files.copy(path, to.resolve(from.relativize(path).toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
