package app.concord.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.testing.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A Concord cluster for the tests: one PostgreSQL ({@link TestPostgres}), nodes that run the
 * WAR on it (each a {@link ServerProcess}, Payara Micro or WildFly, started as the README's
 * run commands do), and HAProxy in front with server-config/cluster/haproxy.cfg
 * ({@link HaproxyProcess}). Nodes are numbered from 1, as HAProxy names them (node1, node2,
 * node3). A node can be killed (SIGKILL), stopped (SIGTERM) and started again on its port;
 * which node HAProxy sends a document to is in its answers' {@code X-Concord-Node} header.
 * Logs: {@code server.log} of each node's folder and {@code haproxy-N.log}, under
 * {@code target/cluster-it-…/}.
 */
final class ClusterUnderTest implements AutoCloseable {

    static final Duration START = Duration.ofMinutes(5);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /**
     * concord.followerRecheckSeconds of the nodes: how often a node checks its open documents
     * against the database, the bound on a follower's staleness after a missed notification.
     */
    static final int RECHECK_SECONDS = 5;
    /** application_name of each node's dedicated listening connection to PostgreSQL. */
    static final String LISTENER = "concord-listener";

    private static final class Node {
        final int number;
        final String server;
        final int port;
        volatile ServerProcess process;

        Node(int number, String server, int port) {
            this.number = number;
            this.server = server;
            this.port = port;
        }

        String name() {
            return "node" + number;
        }
    }

    private final TestPostgres postgres;
    private final Path work;
    private final List<Node> nodes = new ArrayList<>();
    /** Each HAProxy started, with the nodes it balances. */
    private final Map<HaproxyProcess, List<Integer>> balancers = new LinkedHashMap<>();
    private HaproxyProcess haproxy;

    private ClusterUnderTest(TestPostgres postgres, Path work) {
        this.postgres = postgres;
        this.work = work;
    }

    /**
     * Starts PostgreSQL and one node per entry of {@code servers} ({@code payara} or
     * {@code wildfly}), all at once, and, if {@code withHaproxy}, HAProxy routing by document
     * in front of them; returns once every node is ready and HAProxy counts each one up.
     */
    static ClusterUnderTest start(List<String> servers, boolean withHaproxy) throws Exception {
        if (withHaproxy) {
            HaproxyProcess.executable();
        }
        Path target = Path.of(System.getProperty("concord.it.tmpdir", "target"));
        ClusterUnderTest cluster = new ClusterUnderTest(TestPostgres.start(), Files.createTempDirectory(target, "cluster-it-"));
        try {
            for (int i = 0; i < servers.size(); i++) {
                cluster.nodes.add(new Node(i + 1, servers.get(i), ServerProcess.freePort()));
            }
            cluster.startAll(cluster.nodes);
            if (withHaproxy) {
                cluster.haproxy = cluster.balancer(cluster.numbers(), HaproxyProcess.Routing.DOCUMENT);
            }
            System.out.println("cluster: " + cluster);
            return cluster;
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * Another HAProxy with the same configuration, routing {@code routing}, in front of the
     * nodes {@code numbers} only (in that order: node1, node2... of its own); closed with the cluster.
     */
    HaproxyProcess balancer(List<Integer> numbers, HaproxyProcess.Routing routing) throws IOException, InterruptedException {
        List<Integer> ports = numbers.stream().map(n -> node(n).port).toList();
        HaproxyProcess started = HaproxyProcess.start(ports, routing, work.resolve("haproxy-" + (balancers.size() + 1) + ".log"));
        balancers.put(started, numbers);
        for (int i = 1; i <= numbers.size(); i++) {
            started.awaitStatus("node" + i, "UP", TIMEOUT);
        }
        return started;
    }

    /** The HAProxy routing by document in front of every node. */
    HaproxyProcess haproxy() {
        return haproxy;
    }

    /** Clients of the cluster: through HAProxy. */
    ServerUnderTest viaHaproxy() {
        return new ServerUnderTest(haproxy.root());
    }

    /** Node {@code number} itself, bypassing HAProxy. */
    ServerUnderTest direct(int number) {
        return new ServerUnderTest(root(number));
    }

    /** {@code http://127.0.0.1:port/} of node {@code number}. */
    URI root(int number) {
        return URI.create("http://" + ConcordDeployment.HOST + ":" + node(number).port + "/");
    }

    /** The numbers of the nodes, 1 to N. */
    List<Integer> numbers() {
        return nodes.stream().map(n -> n.number).toList();
    }

    /**
     * The node HAProxy sends document {@code doc} to now, from the {@code X-Concord-Node}
     * header of the editor page {@code /d/{doc}} (which does not open the document); waits
     * while HAProxy has no node to send it to.
     */
    int nodeServing(String doc) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            HttpResponse<Void> page = ServerUnderTest.HTTP.send(HttpRequest.newBuilder(haproxy.root().resolve("/d/" + doc))
                    .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.discarding());
            String node = page.headers().firstValue("X-Concord-Node").orElse("");
            if (page.statusCode() == 200 && node.matches("node\\d+")) {
                return Integer.parseInt(node.substring(4));
            }
            assertTrue(System.nanoTime() < deadline, "HAProxy sent /d/" + doc + " nowhere within " + TIMEOUT + ": "
                    + page.statusCode() + " " + page.headers().map());
            Thread.sleep(100);
        }
    }

    /** SIGKILL of node {@code number}'s JVM. */
    void kill(int number) throws InterruptedException {
        node(number).process.kill();
    }

    /** SIGTERM of node {@code number}, as a service manager or a redeploy stops it; returns once it has exited. */
    void stop(int number) throws InterruptedException {
        node(number).process.close();
    }

    boolean isRunning(int number) {
        ServerProcess p = node(number).process;
        return p != null && p.process().isAlive();
    }

    /** Starts node {@code number} again on its port, and waits until it is ready and every HAProxy in front of it counts it up. */
    void startAgain(int number) throws Exception {
        startAll(List.of(node(number)));
    }

    /** Starts again, all at once, every node that is not running. */
    void startStopped() throws Exception {
        startAll(nodes.stream().filter(n -> !isRunning(n.number)).toList());
    }

    private void startAll(List<Node> stopped) throws Exception {
        if (stopped.isEmpty()) {
            return;
        }
        List<String> options = List.of(
                "-Dconcord.dbUrl=" + postgres.url(),
                "-Dconcord.dbUser=" + postgres.user(),
                "-Dconcord.followerRecheckSeconds=" + RECHECK_SECONDS,
                // as the other tests' servers: clients under 2000 ops/s, and every client on 127.0.0.1
                "-Dconcord.opsPerSecond=2000",
                "-Dconcord.opsBurst=2000",
                "-Dconcord.connectionsPerMinutePerAddress=1000000",
                "-Dconcord.diagnostics=true");
        ExecutorService starting = Executors.newFixedThreadPool(stopped.size());
        try {
            List<Future<ServerProcess>> started = new ArrayList<>();
            for (Node n : stopped) {
                if (isRunning(n.number)) {
                    throw new IllegalStateException(n.name() + " is running");
                }
                Callable<ServerProcess> start = () -> ServerProcess.start(n.server, ServerProcess.Setup.CONFIGURED,
                        work.resolve(n.name()), work.resolve(n.name() + "-data"), n.port, options, START);
                started.add(starting.submit(start));
            }
            AssertionError failed = null;
            for (int i = 0; i < stopped.size(); i++) {
                try {
                    stopped.get(i).process = started.get(i).get();
                } catch (ExecutionException e) {
                    failed = failed == null ? new AssertionError(stopped.get(i).name() + " did not start", e.getCause()) : failed;
                }
            }
            if (failed != null) {
                throw failed;
            }
        } finally {
            starting.shutdown();
        }
        for (Map.Entry<HaproxyProcess, List<Integer>> b : balancers.entrySet()) {
            for (Node n : stopped) {
                int position = b.getValue().indexOf(n.number);
                if (position >= 0) {
                    b.getKey().awaitStatus("node" + (position + 1), "UP", TIMEOUT);
                }
            }
        }
    }

    private Node node(int number) {
        if (number < 1 || number > nodes.size()) {
            throw new IllegalArgumentException("nodes are 1 to " + nodes.size() + ", not " + number);
        }
        return nodes.get(number - 1);
    }

    // ---------------------------------------------------------------- PostgreSQL

    /** The nodes' listening connections to PostgreSQL now. */
    int listeners() throws SQLException {
        return count("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + LISTENER + "'");
    }

    /** Ends every node's listening connection from PostgreSQL's side ({@code pg_terminate_backend}); how many there were. */
    int killListeners() throws SQLException {
        return count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '" + LISTENER + "'");
    }

    private int count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(postgres.url(), postgres.user(), "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Node n : nodes) {
            sb.append(n.name()).append(' ').append(n.server).append(" on ").append(n.port).append(", ");
        }
        if (haproxy != null) {
            sb.append("HAProxy at ").append(haproxy.root()).append(", ");
        }
        return sb.append("PostgreSQL ").append(postgres.url()).append("; logs in ").append(work).toString();
    }

    /** Stops HAProxy, the nodes (SIGTERM, all at once) and PostgreSQL. */
    @Override
    public void close() throws Exception {
        for (HaproxyProcess b : balancers.keySet()) {
            b.close();
        }
        List<Thread> stopping = new ArrayList<>();
        for (Node n : nodes) {
            ServerProcess p = n.process;
            if (p != null) {
                Thread t = new Thread(() -> {
                    try {
                        p.close();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                t.start();
                stopping.add(t);
            }
        }
        for (Thread t : stopping) {
            t.join();
        }
        postgres.close();
    }
}
