package app.concord.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.client.ConcordException;
import app.concord.client.ConnectionState;
import app.concord.client.DocumentListener;
import app.concord.client.ReconnectPolicy;
import app.concord.client.RemoteDocument;
import app.concord.ot.TextOperation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The durability contract end to end: an {@code ack} means the edit survives {@code kill -9}
 * of the server. Five clients type while the server is killed; a new server process on the
 * same folders has every acknowledged edit, the clients resume, and in the end every edit is
 * in the text exactly once. The server is the build's ({@link ServerProcess}: Payara Micro, or
 * WildFly with {@code -Pwildfly}), started as its README section says, and stock: the WAR
 * dropped into a server nobody configured (on Payara Micro also with a root folder of its
 * own, whose default database Concord then uses).
 */
class RestartIT {

    private static final Duration START = Duration.ofMinutes(4);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> LIMITS = List.of("-Dconcord.opsPerSecond=2000", "-Dconcord.opsBurst=2000");
    private static final int CLIENTS = 5;

    /** Every setup of the build's server; on PostgreSQL (which needs settings), the configured one. */
    static List<ServerProcess.Setup> setups() {
        if (PostgresForIntegrationTests.usesPostgres()) {
            return List.of(ServerProcess.Setup.CONFIGURED);
        }
        return ServerProcess.server().equals("payara")
                ? List.of(ServerProcess.Setup.CONFIGURED, ServerProcess.Setup.STOCK, ServerProcess.Setup.STOCK_WITH_ROOT_DIR)
                : List.of(ServerProcess.Setup.CONFIGURED, ServerProcess.Setup.STOCK);
    }

    @ParameterizedTest
    @MethodSource("setups")
    void everyAcknowledgedEditSurvivesAKilledServerAndClientsResumeWithoutDuplicates(ServerProcess.Setup setup)
            throws Exception {
        Path work = Files.createTempDirectory(Path.of(System.getProperty("concord.it.tmpdir", "target")), "restart-it");
        Path data = work.resolve(setup == ServerProcess.Setup.CONFIGURED ? "data" : "server");
        int port = ServerProcess.freePort();
        String doc = "durable";
        List<RemoteDocument> clients = new ArrayList<>();
        List<Heard> heard = new ArrayList<>();
        List<List<String>> typed = new ArrayList<>();
        ExecutorService typists = Executors.newFixedThreadPool(CLIENTS);
        AtomicBoolean typing = new AtomicBoolean(true);
        try {
            List<String> acknowledged = new ArrayList<>();
            try (ServerProcess first = ServerProcess.start(setup, work.resolve("first"), data, port, LIMITS, START)) {
                for (int i = 0; i < CLIENTS; i++) {
                    Heard h = new Heard();
                    heard.add(h);
                    clients.add(new ServerUnderTest(first.http("/")).join(doc, ServerUnderTest.options("k" + i).name("Typist " + i)
                            .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofSeconds(1))), h));
                    typed.add(Collections.synchronizedList(new ArrayList<>()));
                }
                List<Future<?>> running = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    RemoteDocument c = clients.get(i);
                    Heard h = heard.get(i);
                    List<String> mine = typed.get(i);
                    Random random = new Random(77 + i);
                    int index = i;
                    running.add(typists.submit(() -> {
                        for (int k = 0; typing.get() && k < 100_000; k++) {
                            String token = "<" + index + ":" + k + ">";
                            c.edit(text -> TextOperation.splice(text.length(),
                                    CollaborationIT.boundaryAtOrAfter(text, random.nextInt(text.length() + 1)), 0, token))
                                    .thenRun(() -> h.acknowledged.add(token));
                            mine.add(token);
                            if (k % 8 == 0) {
                                Thread.onSpinWait();
                                Thread.yield();
                            }
                        }
                        return null;
                    }));
                }
                // Kill once every client has had edits acknowledged, while all are still typing.
                for (Heard h : heard) {
                    awaitAcknowledged(h, 20);
                }
                first.kill();
                typing.set(false);
                for (Future<?> f : running) {
                    f.get();
                }
                for (Heard h : heard) {
                    assertTrue(h.dropped.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "the kill went unnoticed");
                    acknowledged.addAll(h.acknowledgedBeforeTheDrop);
                }
            }
            // H2's file stays near its data only if Concord reaches the engine (H2FileUpkeep),
            // Payara's own H2 behind its default datasource (STOCK_WITH_ROOT_DIR) included.
            String firstLog = Files.readString(work.resolve("first").resolve("server.log"));
            assertTrue(firstLog.contains("event=store-open"), "the server's log is not where it was looked for");
            assertFalse(firstLog.contains("cannot reach the H2 engine"), "the H2 file's upkeep did not run");
            try (ServerProcess second = ServerProcess.start(setup, work.resolve("second"), data, port, LIMITS, START)) {
                String recovered = text(second, doc);
                if (firstLog.contains("Concord's own")) {
                    // Killed while clients typed: the last revisions were in the commit journal only.
                    assertTrue(Files.readString(work.resolve("second").resolve("server.log")).contains("event=journal-recovered"),
                            "the restarted server wrote nothing from the commit journal");
                }
                for (String token : acknowledged) {
                    assertEquals(1, CollaborationIT.occurrences(recovered, token), "acknowledged " + token + " after the restart");
                }
                // The clients reconnect by themselves.
                for (RemoteDocument c : clients) {
                    c.awaitAcknowledged(TIMEOUT);
                }
                int rev = clients.stream().mapToInt(RemoteDocument::revision).max().orElseThrow();
                for (RemoteDocument c : clients) {
                    ServerUnderTest.awaitRevision(c, rev, TIMEOUT);
                }
                String end = text(second, doc);
                int total = 0;
                for (int i = 0; i < CLIENTS; i++) {
                    assertEquals(end, clients.get(i).text(), "replica " + i);
                    assertTrue(heard.get(i).errors.isEmpty(), heard.get(i).errors.toString());
                    for (String token : typed.get(i)) {
                        assertEquals(1, CollaborationIT.occurrences(end, token), token + " in the end");
                    }
                    total += typed.get(i).size();
                }
                assertTrue(acknowledged.size() >= 20 * CLIENTS && acknowledged.size() <= total,
                        acknowledged.size() + " acknowledged of " + total);
            }
        } finally {
            typing.set(false);
            typists.shutdownNow();
            for (RemoteDocument c : clients) {
                c.close();
            }
        }
    }

    /**
     * What a client's document tells it: the tokens the server acknowledged, those of them
     * acknowledged before its first connection dropped (listeners hear events in order, so
     * when the drop is heard, every earlier acknowledgement has been), and errors.
     */
    private static final class Heard implements DocumentListener {
        final List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        final List<String> acknowledgedBeforeTheDrop = new ArrayList<>();
        final CountDownLatch dropped = new CountDownLatch(1);
        final List<String> errors = new CopyOnWriteArrayList<>();

        @Override
        public void stateChanged(ConnectionState state, Throwable cause) {
            if (state == ConnectionState.RECONNECTING && dropped.getCount() > 0) {
                acknowledgedBeforeTheDrop.addAll(acknowledged);
                dropped.countDown();
            }
        }

        @Override
        public void error(ConcordException error) {
            errors.add(error.getMessage());
        }
    }

    private static void awaitAcknowledged(Heard h, int edits) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (h.acknowledged.size() < edits) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + edits + " edits acknowledged within " + TIMEOUT);
            }
            Thread.sleep(5);
        }
    }

    private static String text(ServerProcess server, String doc) throws Exception {
        return new ServerUnderTest(server.http("/")).json("/api/docs/" + doc).getString("text");
    }
}
