package app.concord.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.ot.TextOperation;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
        List<ProtocolClient> clients = new ArrayList<>();
        List<List<String>> typed = new ArrayList<>();
        ExecutorService typists = Executors.newFixedThreadPool(CLIENTS);
        AtomicBoolean typing = new AtomicBoolean(true);
        try {
            List<String> acknowledged = new ArrayList<>();
            try (ServerProcess first = ServerProcess.start(setup, work.resolve("first"), data, port, LIMITS, START)) {
                for (int i = 0; i < CLIENTS; i++) {
                    clients.add(ProtocolClient.join(first.ws("/ws/docs/" + doc), "k" + i, "Typist " + i, TIMEOUT));
                    typed.add(java.util.Collections.synchronizedList(new ArrayList<>()));
                }
                List<Future<?>> running = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    ProtocolClient c = clients.get(i);
                    List<String> mine = typed.get(i);
                    Random random = new Random(77 + i);
                    int index = i;
                    running.add(typists.submit(() -> {
                        for (int k = 0; typing.get() && k < 100_000; k++) {
                            String token = "<" + index + ":" + k + ">";
                            synchronized (c) {
                                String text = c.text();
                                c.edit(TextOperation.splice(text.length(),
                                        CollaborationIT.boundaryAtOrAfter(text, random.nextInt(text.length() + 1)), 0, token), token);
                                mine.add(token);
                            }
                            if (k % 8 == 0) {
                                Thread.onSpinWait();
                                Thread.yield();
                            }
                        }
                        return null;
                    }));
                }
                // Kill once every client has had edits acknowledged, while all are still typing.
                for (ProtocolClient c : clients) {
                    awaitAcknowledged(c, 20);
                }
                first.kill();
                typing.set(false);
                for (Future<?> f : running) {
                    f.get();
                }
                for (ProtocolClient c : clients) {
                    c.awaitClosed(TIMEOUT);
                    acknowledged.addAll(c.acknowledgedLabels());
                }
            }
            try (ServerProcess second = ServerProcess.start(setup, work.resolve("second"), data, port, LIMITS, START)) {
                String recovered = text(second, doc);
                for (String token : acknowledged) {
                    assertEquals(1, CollaborationIT.occurrences(recovered, token), "acknowledged " + token + " after the restart");
                }
                for (ProtocolClient c : clients) {
                    c.connect(TIMEOUT);
                }
                for (ProtocolClient c : clients) {
                    c.awaitSynchronized(TIMEOUT);
                }
                int rev = clients.stream().mapToInt(ProtocolClient::revision).max().orElseThrow();
                for (ProtocolClient c : clients) {
                    c.awaitRevision(rev, TIMEOUT);
                }
                String end = text(second, doc);
                int total = 0;
                for (int i = 0; i < CLIENTS; i++) {
                    assertEquals(end, clients.get(i).text(), "replica " + i);
                    assertTrue(clients.get(i).errors().isEmpty(), clients.get(i).errors().toString());
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
            for (ProtocolClient c : clients) {
                c.close();
            }
        }
    }

    private static void awaitAcknowledged(ProtocolClient c, int edits) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        synchronized (c) {
            while (c.acknowledgedLabels().size() < edits) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("fewer than " + edits + " edits acknowledged within " + TIMEOUT);
                }
                c.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    private static String text(ServerProcess server, String doc) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(server.http("/api/docs/" + doc)).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        try (var reader = Json.createReader(new StringReader(response.body()))) {
            JsonObject body = reader.readObject();
            return body.getString("text");
        }
    }

}
