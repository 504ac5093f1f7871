package app.concord.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * HAProxy (Debian's {@code haproxy}, 2.6) with the cluster's own configuration,
 * {@code server-config/cluster/haproxy.cfg} (system property {@code concord.it.haproxyConfig}),
 * filled in through its environment variables, in the foreground of a process the test owns,
 * its log in a file. Its status page tells which nodes it considers up.
 */
final class HaproxyProcess implements AutoCloseable {

    /** How the configuration routes: {@code document} (by document id) or {@code roundrobin}. */
    enum Routing {
        DOCUMENT, ROUNDROBIN
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final int port;
    private final int statusPort;
    private final Path log;

    private HaproxyProcess(Process process, int port, int statusPort, Path log) {
        this.process = process;
        this.port = port;
        this.statusPort = statusPort;
        this.log = log;
    }

    /**
     * Starts HAProxy on a free port in front of {@code nodes} (1 to 3 ports on 127.0.0.1, named
     * node1, node2, node3 in that order), logging to {@code log}; returns once it listens.
     */
    static HaproxyProcess start(List<Integer> nodes, Routing routing, Path log) throws IOException, InterruptedException {
        if (nodes.isEmpty() || nodes.size() > 3) {
            throw new IllegalArgumentException("haproxy.cfg names one to three nodes, not " + nodes.size());
        }
        String haproxy = executable();
        int port = ServerProcess.freePort();
        int statusPort = ServerProcess.freePort();
        ProcessBuilder builder = new ProcessBuilder(haproxy, "-db", "-f", config().toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.put("CONCORD_LB_ADDRESS", ConcordDeployment.HOST + ":" + port);
        env.put("CONCORD_LB_STATUS", ConcordDeployment.HOST + ":" + statusPort);
        env.put("CONCORD_ROUTING", routing.name().toLowerCase(java.util.Locale.ROOT));
        // The tests open many connections from 127.0.0.1 (as the nodes' own limit is lifted for them).
        env.put("CONCORD_LB_CONNECTIONS_PER_MINUTE", "1000000");
        for (int i = 0; i < nodes.size(); i++) {
            env.put("CONCORD_NODE" + (i + 1), ConcordDeployment.HOST + ":" + nodes.get(i));
        }
        HaproxyProcess started = new HaproxyProcess(builder.start(), port, statusPort, log);
        try {
            started.awaitListening();
        } catch (IOException | RuntimeException | AssertionError | InterruptedException e) {
            started.close();
            throw e;
        }
        return started;
    }

    /** The haproxy executable on the PATH: the tests fail without it in CI and are skipped, saying so, elsewhere. */
    static String executable() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/sbin").split(":")) {
            Path candidate = Path.of(dir, "haproxy");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        for (Path known : List.of(Path.of("/usr/sbin/haproxy"), Path.of("/usr/bin/haproxy"))) {
            if (Files.isExecutable(known)) {
                return known.toString();
            }
        }
        String missing = "no haproxy: install Debian's haproxy package (apt-get install -y haproxy), as .ci/run does";
        if (System.getenv("CI") != null) {
            throw new AssertionError(missing);
        }
        Assumptions.abort(missing);
        throw new AssertionError("unreachable");
    }

    private static Path config() {
        return Path.of(System.getProperty("concord.it.haproxyConfig", "server-config/cluster/haproxy.cfg")).toAbsolutePath();
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("haproxy exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            try {
                statusOfNodes();
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("haproxy did not answer within " + TIMEOUT + "; see " + log, notYet);
                }
                Thread.sleep(100);
            }
        }
    }

    /** {@code http://127.0.0.1:port/}: clients connect here. */
    URI root() {
        return URI.create("http://" + ConcordDeployment.HOST + ":" + port + "/");
    }

    /** What HAProxy thinks of each node now: node name to status ({@code UP}, {@code DOWN}, {@code UP 1/2}...). */
    Map<String, String> statusOfNodes() throws IOException, InterruptedException {
        HttpResponse<String> csv = ServerUnderTest.HTTP.send(HttpRequest.newBuilder(
                URI.create("http://" + ConcordDeployment.HOST + ":" + statusPort + "/;csv")).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        if (csv.statusCode() != 200) {
            throw new IOException("status page: " + csv.statusCode());
        }
        List<String> lines = csv.body().lines().toList();
        List<String> header = List.of(lines.get(0).replaceFirst("^# ", "").split(","));
        int proxy = header.indexOf("pxname");
        int server = header.indexOf("svname");
        int status = header.indexOf("status");
        Map<String, String> nodes = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",", -1);
            if (fields.length > status && fields[proxy].equals("nodes") && fields[server].startsWith("node")) {
                nodes.put(fields[server], fields[status]);
            }
        }
        return nodes;
    }

    /** Waits until HAProxy's checks say that {@code node} is {@code UP} or {@code DOWN}. */
    void awaitStatus(String node, String status, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> now = statusOfNodes();
        while (!status.equals(now.get(node))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("HAProxy did not see " + node + " " + status + " within " + timeout + ": " + now);
            }
            Thread.sleep(100);
            now = statusOfNodes();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
