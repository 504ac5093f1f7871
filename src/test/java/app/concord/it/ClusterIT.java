package app.concord.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.client.RemoteDocument;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * Several nodes, one PostgreSQL (server-config/cluster/README.md): three Payara Micro nodes
 * on one PostgreSQL behind HAProxy configured by server-config/cluster/haproxy.cfg, started
 * once for the class ({@link ClusterUnderTest}); every test that stops a node has it running
 * again before the next. Clients reach a document through HAProxy, as users do, or a node of
 * the test's choosing, to put two nodes on one document on purpose. In every test every edit
 * anyone typed ends in the text exactly once ({@link Typists}).
 *
 * <p>The WildFly pass ({@code -Pwildfly}) does not run this class: the cluster's mechanism is
 * the WAR's, the same on both servers, and {@link MixedServersIT} puts a WildFly node in a
 * cluster there instead of repeating these minutes with three WildFlys.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisabledIfSystemProperty(named = "concord.it.server", matches = "wildfly",
        disabledReason = "the WildFly pass runs MixedServersIT, a WildFly node in a cluster")
class ClusterIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** How soon typing must work again after the node serving the document is killed (issue 14). */
    private static final Duration FAILOVER = Duration.ofSeconds(10);

    private static ClusterUnderTest cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ClusterUnderTest.start(List.of("payara", "payara", "payara"), true);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void everyNodeRuns() throws Exception {
        cluster.startStopped();
    }

    private static String freshDoc(String what) {
        return "cluster-" + what + "-" + UUID.randomUUID();
    }

    /**
     * One client on each node, bypassing HAProxy: each in turn edits, and the others see the
     * edit within the re-check bound (from the notification, normally, long before).
     */
    @Test
    @Order(1)
    void clientsOfOneDocumentOnDifferentNodesSeeEachOthersEdits() throws Exception {
        editsOnEachNodeReachTheOthers(cluster, freshDoc("see"), 30);
    }

    /**
     * One client of {@code doc} on each node of {@code cluster}; for {@code rounds} rounds
     * each appends in turn, and every other client must have that revision within
     * {@link ClusterUnderTest#RECHECK_SECONDS} plus a margin for a loaded machine. Prints
     * the delivery latencies to the other nodes.
     */
    static void editsOnEachNodeReachTheOthers(ClusterUnderTest cluster, String doc, int rounds) throws Exception {
        Duration bound = Duration.ofSeconds(ClusterUnderTest.RECHECK_SECONDS + 5);
        List<RemoteDocument> clients = new ArrayList<>();
        List<Long> latencies = new ArrayList<>();
        try {
            for (int n : cluster.numbers()) {
                clients.add(cluster.direct(n).join(doc, "on-node" + n));
            }
            StringBuilder expected = new StringBuilder();
            for (int round = 0; round < rounds; round++) {
                int writer = round % clients.size();
                RemoteDocument w = clients.get(writer);
                String line = "[" + w.clientId() + " " + round + "]";
                int rev = w.append(line).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                long acknowledged = System.nanoTime();
                expected.append(line);
                assertEquals(round + 1, rev, "one revision per edit");
                for (RemoteDocument reader : clients) {
                    if (reader != w) {
                        long deadline = acknowledged + bound.toNanos();
                        while (reader.revision() < rev) {
                            assertTrue(System.nanoTime() < deadline, () -> reader.clientId() + " did not see revision " + rev
                                    + " by " + w.clientId() + " within " + bound + "; it is at " + reader.revision());
                            Thread.sleep(1);
                        }
                        latencies.add(System.nanoTime() - acknowledged);
                        assertEquals(expected.toString(), reader.text(), reader.clientId());
                    }
                }
            }
            for (int n : cluster.numbers()) {
                JsonObject state = cluster.direct(n).json("/api/docs/" + doc);
                assertEquals(rounds, state.getInt("rev"), "node" + n + "'s revision");
                assertEquals(expected.toString(), state.getString("text"), "node" + n + "'s text");
            }
        } finally {
            clients.forEach(RemoteDocument::close);
        }
        Collections.sort(latencies);
        System.out.printf("ClusterIT delivery to a client on another node, ack to arrival: p50 %.1f ms, p90 %.1f ms, max %.1f ms (%d)%n",
                latencies.get(latencies.size() / 2) / 1e6, latencies.get(latencies.size() * 9 / 10) / 1e6,
                latencies.get(latencies.size() - 1) / 1e6, latencies.size());
    }

    /**
     * Two clients on node1 and two on node2, bypassing HAProxy, type as fast as they can:
     * both nodes sequence the document at once, PostgreSQL's key decides each revision, and
     * in the end the clients, and every node, have the same text with every edit once.
     */
    @Test
    @Order(2)
    void twoNodesSequencingOneDocumentAtOnceLoseAndDoubleNothing() throws Exception {
        try (Typists typists = new Typists(freshDoc("race"))) {
            typists.join("a1", cluster.root(1));
            typists.join("b1", cluster.root(2));
            typists.join("a2", cluster.root(1));
            typists.join("b2", cluster.root(2));
            typists.start(Duration.ofMillis(5), 14);
            Thread.sleep(15_000);
            typists.stop();
            String text = typists.assertConverged(cluster.direct(1), TIMEOUT);
            everyNodeHas(cluster, typists.doc(), text);
            System.out.println("ClusterIT two sequencers: " + typists.typed() + " edits, drops "
                    + typists.all().stream().map(t -> t.name + "=" + t.drops()).toList());
        }
    }

    /** Every node of {@code cluster} answers {@code text} for {@code doc} within the re-check bound. */
    static void everyNodeHas(ClusterUnderTest cluster, String doc, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(ClusterUnderTest.RECHECK_SECONDS + 5).toNanos();
        for (int n : cluster.numbers()) {
            String now = cluster.direct(n).json("/api/docs/" + doc).getString("text");
            while (!now.equals(text)) {
                assertTrue(System.nanoTime() < deadline, "node" + n + " does not have the document's text");
                Thread.sleep(50);
                now = cluster.direct(n).json("/api/docs/" + doc).getString("text");
            }
        }
    }

    /**
     * A writer on node1 and a reader on node2 (a follower); PostgreSQL cuts every node's
     * listening connection again and again while the writer edits, so notifications are
     * missed: the reader still has every revision within the re-check bound, and each node
     * has a listening connection again afterwards, by itself.
     */
    @Test
    @Order(3)
    void aFollowerCatchesUpWithinTheRecheckBoundWhenItsListeningConnectionIsKilled() throws Exception {
        String doc = freshDoc("listener");
        int nodes = cluster.numbers().size();
        awaitListeners(nodes);
        try (RemoteDocument writer = cluster.direct(1).join(doc, "writer");
             RemoteDocument reader = cluster.direct(2).join(doc, "reader")) {
            writer.append("x").get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            ServerUnderTest.awaitRevision(reader, 1, TIMEOUT);

            AtomicBoolean cutting = new AtomicBoolean(true);
            ExecutorService cutter = Executors.newSingleThreadExecutor();
            Future<Integer> cuts = cutter.submit(() -> {
                int killed = 0;
                while (cutting.get()) {
                    killed += cluster.killListeners();
                    Thread.sleep(20);
                }
                return killed;
            });
            int rev;
            try {
                for (int i = 0; i < 20; i++) {
                    writer.append("<" + i + ">");
                    Thread.sleep(50);
                }
                rev = writer.awaitAcknowledged(TIMEOUT);
            } finally {
                cutting.set(false);
                cutter.shutdown();
            }
            long acknowledged = System.nanoTime();
            int killed = cuts.get();
            assertTrue(killed >= nodes, "pg_terminate_backend ended only " + killed + " listening connections");
            Duration bound = Duration.ofSeconds(ClusterUnderTest.RECHECK_SECONDS + 5);
            ServerUnderTest.awaitRevision(reader, rev, bound);
            System.out.printf("ClusterIT listener: %d listening connections cut; the follower had revision %d %d ms after its ack%n",
                    killed, rev, (System.nanoTime() - acknowledged) / 1_000_000);
            assertEquals(writer.text(), reader.text());

            awaitListeners(nodes);
            int next = writer.append("again").get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            ServerUnderTest.awaitRevision(reader, next, bound);
        }
    }

    /** Waits until PostgreSQL counts {@code nodes} listening connections, one per node. */
    private static void awaitListeners(int nodes) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (cluster.listeners() != nodes) {
            assertTrue(System.nanoTime() < deadline, "not one listening connection named " + ClusterUnderTest.LISTENER
                    + " per node within " + TIMEOUT + ": " + cluster.listeners() + " for " + nodes + " nodes");
            Thread.sleep(100);
        }
    }

    /**
     * Correctness never depends on the router: HAProxy in front of node1 and node2 with
     * round-robin routing, no affinity at all, so each connection goes to the other node than
     * the last; four clients type for 60 seconds while their connections drop at random.
     * Slower, but they converge with every edit exactly once.
     */
    @Test
    @Order(4)
    void withRoundRobinRoutingTwoNodesAndFourClientsWhoseConnectionsDropConverge() throws Exception {
        HaproxyProcess roundRobin = cluster.balancer(List.of(1, 2), HaproxyProcess.Routing.ROUNDROBIN);
        ExecutorService dropper = Executors.newSingleThreadExecutor();
        try (Typists typists = new Typists(freshDoc("roundrobin"))) {
            for (int i = 0; i < 4; i++) {
                typists.join("rr" + i, roundRobin.root());
            }
            typists.start(Duration.ofMillis(40), 22);
            AtomicBoolean dropping = new AtomicBoolean(true);
            Random random = new Random(23);
            Future<Integer> drops = dropper.submit(() -> {
                int dropped = 0;
                while (dropping.get()) {
                    Thread.sleep(250 + random.nextInt(1_000));
                    typists.all().get(random.nextInt(4)).doc.reconnect();
                    dropped++;
                }
                return dropped;
            });
            Thread.sleep(60_000);
            dropping.set(false);
            int dropped = drops.get();
            typists.stop();
            typists.assertConverged(cluster.direct(1), TIMEOUT);
            System.out.println("ClusterIT round robin: " + typists.typed() + " edits in 60 s, " + dropped + " connections dropped");
        } finally {
            dropper.shutdownNow();
        }
    }

    /**
     * Four clients type through HAProxy; the node serving their document is killed (SIGKILL).
     * HAProxy takes it out, the clients resume on the node the document now hashes to, which
     * loads it from the database: every client has an edit acknowledged again within 10
     * seconds, and every edit, acknowledged before the kill or not, is in the text exactly once.
     */
    @Test
    @Order(5)
    void killingTheNodeServingADocumentMidTypingLosesNothingAndTypingResumesWithinTenSeconds() throws Exception {
        String doc = freshDoc("failover");
        int serving = cluster.nodeServing(doc);
        try (Typists typists = new Typists(doc)) {
            for (int i = 0; i < 4; i++) {
                typists.join("k" + i, cluster.haproxy().root());
            }
            typists.start(Duration.ofMillis(20), 5);
            typists.awaitAcknowledged(20, TIMEOUT);
            long killed = System.nanoTime();
            cluster.kill(serving);
            Duration failover = typists.awaitAcknowledgedAfter(killed, FAILOVER);
            System.out.printf("ClusterIT failover: kill -9 of node%d to the first acknowledged edit of every client: %d ms%n",
                    serving, failover.toMillis());
            Thread.sleep(2_000);
            typists.stop();
            typists.assertConverged(cluster.viaHaproxy(), TIMEOUT);
            int now = cluster.nodeServing(doc);
            assertNotEquals(serving, now, "HAProxy still sends the document to the killed node");
            for (Typists.Typist t : typists.all()) {
                assertTrue(t.drops() >= 1, t.name + " never noticed the kill");
            }
        }
    }

    /**
     * Three clients on each of two documents type through HAProxy while every node in turn
     * is stopped (SIGTERM: it finishes its commits and closes its connections with 1012),
     * started again and waited for until HAProxy counts it up: nothing is lost or doubled.
     */
    @Test
    @Order(6)
    void aRollingRestartOfEveryNodeWhileClientsTypeLosesNothing() throws Exception {
        try (Typists first = new Typists(freshDoc("rolling-a"));
             Typists second = new Typists(freshDoc("rolling-b"))) {
            for (int i = 0; i < 3; i++) {
                first.join("ra" + i, cluster.haproxy().root());
                second.join("rb" + i, cluster.haproxy().root());
            }
            first.start(Duration.ofMillis(30), 31);
            second.start(Duration.ofMillis(30), 37);
            long restarting = System.nanoTime();
            for (int n : cluster.numbers()) {
                long stopping = System.nanoTime();
                cluster.stop(n);
                long stopped = System.nanoTime();
                cluster.startAgain(n);
                long ready = System.nanoTime();
                // everyone types on before the next node stops
                first.awaitAcknowledgedAfter(ready, TIMEOUT);
                second.awaitAcknowledgedAfter(ready, TIMEOUT);
                System.out.printf("ClusterIT rolling restart: node%d stopped in %d ms, ready again %d ms later%n", n,
                        (stopped - stopping) / 1_000_000, (ready - stopped) / 1_000_000);
            }
            Thread.sleep(2_000);
            first.stop();
            second.stop();
            first.assertConverged(cluster.viaHaproxy(), TIMEOUT);
            second.assertConverged(cluster.viaHaproxy(), TIMEOUT);
            System.out.printf("ClusterIT rolling restart: %d edits; the longest pause in acknowledgements %d ms, %d ms%n",
                    first.typed() + second.typed(), first.longestPauseAfter(restarting).toMillis(),
                    second.longestPauseAfter(restarting).toMillis());
        }
    }
}
