package app.concord.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.client.RemoteDocument;
import app.concord.ot.TextOperation;
import app.concord.testing.TestPostgres;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A failing database never loses an edit. The server (the build's, on a PostgreSQL of the
 * test's own) starts while the database is down and becomes ready when it comes up, with no
 * restart; then clients type while the database is stopped abruptly and started again:
 * their edits wait unacknowledged meanwhile, and in the end every edit any client made is
 * in the document exactly once.
 */
class DatabaseOutageIT {

    private static final Duration START = Duration.ofMinutes(4);
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final List<String> LIMITS = List.of("-Dconcord.opsPerSecond=2000", "-Dconcord.opsBurst=2000");
    private static final int CLIENTS = 3;

    private final HttpClient http = ConcordDeployment.httpClient(Duration.ofSeconds(10));

    @Test
    void theServerStartsWithoutItsDatabaseAndClientsTypeThroughAnOutageLosingNothing() throws Exception {
        Path work = Files.createTempDirectory(Path.of(System.getProperty("concord.it.tmpdir", "target")), "outage-it");
        int port = ServerProcess.freePort();
        List<RemoteDocument> clients = new ArrayList<>();
        try (TestPostgres postgres = TestPostgres.start()) {
            List<String> options = new ArrayList<>(LIMITS);
            options.add("-Dconcord.dbUrl=" + postgres.url());
            options.add("-Dconcord.dbUser=" + postgres.user());
            postgres.stopAbruptly();
            try (ServerProcess server = ServerProcess.start(work.resolve("server"), work.resolve("data"), port, options, START)) {
                HttpResponse<String> down = get(server, "/health/ready");
                assertEquals(503, down.statusCode(), down.body());
                assertTrue(down.body().contains("\"reason\""), down.body());
                assertEquals(200, get(server, "/").statusCode(), "the editor is served while the database is down");

                postgres.startAgain();
                awaitReady(server);

                for (int i = 0; i < CLIENTS; i++) {
                    // acks wait out the outage on the same connection, as they did before
                    clients.add(new ServerUnderTest(server.http("/")).join("outage",
                            ServerUnderTest.options("o" + i).name("Typist " + i).ackTimeout(TIMEOUT)));
                }
                List<List<String>> typed = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    typed.add(Collections.synchronizedList(new ArrayList<>()));
                }
                Random random = new Random(11);
                type(clients, typed, random, 0, 30);
                postgres.stopAbruptly();
                type(clients, typed, random, 30, 60);
                HttpResponse<String> during = get(server, "/health/ready");
                assertEquals(503, during.statusCode(), during.body());
                Thread.sleep(3_000);
                type(clients, typed, random, 60, 80);
                postgres.startAgain();
                type(clients, typed, random, 80, 100);

                for (RemoteDocument c : clients) {
                    c.awaitAcknowledged(TIMEOUT);
                }
                int rev = clients.stream().mapToInt(RemoteDocument::revision).max().orElseThrow();
                for (RemoteDocument c : clients) {
                    ServerUnderTest.awaitRevision(c, rev, TIMEOUT);
                }
                String end = clients.get(0).text();
                for (int i = 0; i < CLIENTS; i++) {
                    assertEquals(end, clients.get(i).text(), "replica " + i);
                    for (String token : typed.get(i)) {
                        assertEquals(1, CollaborationIT.occurrences(end, token), token + " in the end");
                    }
                }
                assertEquals(200, get(server, "/health/ready").statusCode());
            }
        } finally {
            for (RemoteDocument c : clients) {
                c.close();
            }
        }
    }

    /** Each client types tokens {@code from..to-1} at random places, interleaved with the others. */
    private static void type(List<RemoteDocument> clients, List<List<String>> typed, Random random, int from, int to)
            throws Exception {
        for (int k = from; k < to; k++) {
            for (int i = 0; i < clients.size(); i++) {
                RemoteDocument c = clients.get(i);
                String token = "<" + i + ":" + k + ">";
                c.edit(text -> TextOperation.splice(text.length(),
                        CollaborationIT.boundaryAtOrAfter(text, random.nextInt(text.length() + 1)), 0, token));
                typed.get(i).add(token);
            }
            Thread.sleep(20);
        }
    }

    private void awaitReady(ServerProcess server) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        HttpResponse<String> last;
        do {
            last = get(server, "/health/ready");
            if (last.statusCode() == 200) {
                return;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("not ready " + TIMEOUT + " after the database came back: " + last.body());
    }

    private HttpResponse<String> get(ServerProcess server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.http(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
