package app.concord.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code rate-limited} on the compatibility transport. Sequential POSTs cannot outrun the
 * rate that the shared test server allows (2000 operations a second), so this test starts a
 * server of its own ({@link ServerProcess}: Payara Micro, or WildFly with {@code -Pwildfly})
 * that allows 2 a second after a burst of 3.
 */
class EventStreamRateLimitIT {

    private static final Duration START = Duration.ofMinutes(4);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Test
    void opsFasterThanTheRateAreRateLimitedAndTheSessionEnds() throws Exception {
        Path work = Files.createTempDirectory(Path.of(System.getProperty("concord.it.tmpdir", "target")), "rate-it");
        List<String> limits = List.of("-Dconcord.opsPerSecond=2", "-Dconcord.opsBurst=3");
        try (ServerProcess server = ServerProcess.start(work.resolve("server"), work.resolve("data"), ServerProcess.freePort(),
                limits, START)) {
            HttpClient http = ConcordDeployment.httpClient(TIMEOUT);
            try (EventStreamClient sse = EventStreamClient.open(http, server.http("/"), "rate", TIMEOUT)) {
                sse.send("{\"type\":\"join\",\"client\":\"hasty\"}");
                sse.await("welcome", TIMEOUT);
                String op = "{\"type\":\"op\",\"rev\":0,\"seq\":1,\"ops\":[\"x\"]}"; // a duplicate after the first
                int accepted = 0;
                for (; accepted < 20; accepted++) {
                    HttpResponse<String> answer = sse.post(op);
                    if (answer.statusCode() != 202) {
                        assertEquals(410, answer.statusCode(), answer::body);
                        break;
                    }
                    if (sse.received().stream().anyMatch(e -> "error".equals(e.type()))) {
                        break;
                    }
                }
                assertEquals("rate-limited", sse.await("error", TIMEOUT).json().getString("code"));
                EventStreamClient.Event close = sse.next(TIMEOUT);
                assertEquals("close", close.name(), close::toString);
                assertEquals(1008, close.json().getInt("code"));
                assertTrue(accepted >= 3, "refused within the burst, after " + accepted);
            }
            HttpResponse<String> document = ConcordDeployment.httpClient(TIMEOUT).send(java.net.http.HttpRequest.newBuilder(
                    server.http("/api/docs/rate")).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(document.body().contains("\"rev\":1,\"text\":\"x\""), "applied once: " + document.body());
        }
    }
}
