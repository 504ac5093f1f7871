package app.concord.it;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import app.concord.client.RemoteDocument;
import app.concord.it.browser.Chromium;
import com.microsoft.playwright.Page;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an operator sees (README "Operations"), with the metrics enabled as the test servers
 * run (pom.xml, {@code concord.metrics=true}, loopback access): a Prometheus scrape that
 * Prometheus's own {@code promtool} accepts and whose figures move as clients connect, type,
 * are refused and leave; health in the MicroProfile Health shape; the status page live in a
 * browser.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class OperationsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*})?) (\\S+)$");

    @RegisterExtension
    static final Chromium chromium = new Chromium();

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return ConcordDeployment.war();
    }

    @ArquillianResource
    private URL base;

    private ServerUnderTest server() {
        return new ServerUnderTest(base);
    }

    /** Waits for an edit's acknowledgement. */
    private static void acknowledged(CompletableFuture<Integer> edit) throws Exception {
        edit.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    public void theScrapeIsValidAndItsFiguresMoveWithClientsTyping() throws Exception {
        Map<String, Double> before = scrape();
        String doc = "operations-" + System.nanoTime();
        int edits = 20;

        // Bob on a raw socket: he leaves with 1001, as a closing browser tab does, which the library never sends.
        try (RemoteDocument ada = server().join(doc, "ada"); RawWebSocket bob = server().rawJoined(doc, "bob")) {
            for (int i = 0; i < edits; i++) {
                acknowledged(ada.append("x"));
            }
            for (int rev = 0; rev < edits; ) {
                rev = bob.await("op", TIMEOUT).getInt("rev");
            }

            String text = scrapeText();
            promtoolAccepts(text);
            Map<String, Double> typing = parse(text);
            assertTrue(typing.get("concord_connections_open") >= 2, () -> "open connections: " + typing);
            assertTrue(typing.get("concord_documents_open") >= 1);
            assertTrue(moved(before, typing, "concord_connections_opened_total") >= 2);
            assertTrue(moved(before, typing, "concord_operations_applied_total") >= edits);
            assertTrue(moved(before, typing, "concord_ack_latency_seconds_count") >= edits,
                    "each acknowledged edit was timed");
            assertTrue(moved(before, typing, "concord_commit_duration_seconds_count") >= 1);
            assertTrue(moved(before, typing, "concord_commit_batch_revisions_sum") >= edits);
            assertTrue(typing.containsKey("concord_revisions_waiting_for_commit"));
            assertTrue(typing.containsKey("concord_outbox_frames"));
            assertTrue(typing.containsKey("concord_journal_revisions_waiting"));
            assertTrue(typing.containsKey("concord_database_errors_total"));
            assertTrue(typing.keySet().stream().anyMatch(k -> k.startsWith("concord_build_info{")), "build info");
            assertTrue(typing.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes{")), "JVM memory");
            assertTrue(typing.containsKey("jvm_threads_current"), "JVM threads");
            assertTrue(typing.keySet().stream().noneMatch(k -> k.contains(doc)), "no document id in any label");

            bob.send(RawWebSocket.CLOSE, new byte[] {(byte) (1001 >> 8), (byte) (1001 & 0xff)}); // going away
            bob.awaitClose(TIMEOUT);
            awaitMoved(typing, "concord_connections_closed_total{code=\"1001\"}", 1);
        }
    }

    @Test
    public void refusalsAreCountedByCode() throws Exception {
        Map<String, Double> before = scrape();
        try (RawWebSocket client = server().rawJoined("refusals-" + System.nanoTime(), "r1")) {
            client.sendText(ServerUnderTest.rawOpFrame(0, 1, "[5]"));
            assertEquals("bad-op", client.await("error", TIMEOUT).getString("code"));
            assertEquals(1008, client.awaitClose(TIMEOUT).closeCode());
        }
        try (RawWebSocket invalid = server().raw("not.an.id", TIMEOUT)) {
            assertEquals(1008, invalid.awaitClose(TIMEOUT).closeCode());
        }
        Map<String, Double> after = awaitMoved(before, "concord_connections_closed_total{code=\"1008\"}", 1);
        assertTrue(moved(before, after, "concord_operations_refused_total{code=\"bad-op\"}") >= 1, () -> "after: " + after);
        assertTrue(moved(before, after, "concord_handshakes_refused_total{reason=\"document-id\"}") >= 1);
        promtoolAccepts(scrapeText());
    }

    @Test
    public void healthAnswersInTheMicroProfileShape() throws Exception {
        Map<String, Set<String>> expected = Map.of(
                "/health/live", Set.of("threads"),
                "/health/ready", Set.of("database", "durability", "draining"),
                "/health/started", Set.of("collaboration"),
                "/health", Set.of("threads", "database", "durability", "draining", "collaboration"));
        for (Map.Entry<String, Set<String>> e : expected.entrySet()) {
            HttpResponse<String> response = get(e.getKey());
            assertEquals(200, response.statusCode(), e.getKey() + ": " + response.body());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            JsonObject health = json(response.body());
            assertEquals("UP", health.getString("status"), response.body());
            Set<String> names = health.getJsonArray("checks").stream().map(JsonValue::asJsonObject).peek(check -> {
                assertEquals("UP", check.getString("status"), response.body());
                assertTrue(check.containsKey("data"), response.body());
            }).map(check -> check.getString("name")).collect(Collectors.toSet());
            assertEquals(e.getValue(), names, e.getKey());
        }
        JsonObject ready = json(get("/health/ready").body());
        assertFalse(ready.getJsonArray("checks").getJsonObject(0).getJsonObject("data").getString("database").isBlank(),
                "the readiness check names the store");
        assertEquals(404, get("/health/nonsense").statusCode());
    }

    @Test
    public void theStatusPageShowsTheFiguresLive() throws Exception {
        String doc = "status-" + System.nanoTime();
        try (RemoteDocument ada = server().join(doc, "ada")) {
            acknowledged(ada.insert(0, "hello"));

            JsonObject status = json(get("/ops/status.json").body());
            assertTrue(status.getJsonObject("now").getInt("connections") >= 1, status::toString);
            assertTrue(status.getJsonObject("samples").getJsonArray("time").size() >= 1, "the server samples from the start");

            Page page = chromium.newPage();
            assertEquals(200, page.navigate(ConcordDeployment.http(base, "/ops/status").toString()).status());
            assertThat(page.locator("h1")).hasText("Concord status");
            assertThat(page.locator("dd[data-figure=connections]")).not().hasText("–");
            assertTrue(Integer.parseInt(page.locator("dd[data-figure=connections]").textContent().replace(",", "")) >= 1);
            assertThat(page.locator("#about")).containsText("Concord");
            assertThat(page.locator("#activity canvas")).hasCount(1);
            assertThat(page.locator("#latency canvas")).hasCount(1);
            assertThat(page.locator("#queues canvas")).hasCount(1);
            String firstUpdate = page.locator("#updated").textContent();
            assertThat(page.locator("#updated")).not().hasText(firstUpdate,
                    new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(15_000));
            chromium.assertNoProblems(page);
        }
    }

    // ---- helpers ------------------------------------------------------------------------

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return server().get(path);
    }

    private String scrapeText() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/ops/metrics");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
                () -> "Prometheus text format: " + response.headers());
        return response.body();
    }

    private Map<String, Double> scrape() throws IOException, InterruptedException {
        return parse(scrapeText());
    }

    /** Every sample line of the text format, by series (name with its labels). */
    static Map<String, Double> parse(String text) {
        Map<String, Double> series = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.matches()) {
                series.put(m.group(1), Double.parseDouble(m.group(2)));
            }
        }
        return series;
    }

    private static double moved(Map<String, Double> before, Map<String, Double> after, String series) {
        return after.getOrDefault(series, 0.0) - before.getOrDefault(series, 0.0);
    }

    /** Scrapes until {@code series} has grown by at least {@code by} since {@code before}. */
    private Map<String, Double> awaitMoved(Map<String, Double> before, String series, double by) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            Map<String, Double> now = scrape();
            if (moved(before, now, series) >= by) {
                return now;
            }
            if (System.nanoTime() > deadline) {
                fail(series + " did not grow by " + by + " within " + TIMEOUT + ": "
                        + before.get(series) + " -> " + now.get(series));
            }
            Thread.sleep(100); // polling the server's counter, not waiting for a message
        }
    }

    /**
     * Runs {@code promtool check metrics} on {@code exposition}. Without promtool (Debian's
     * {@code prometheus} package) the test fails in CI and is skipped, saying so, elsewhere.
     */
    static void promtoolAccepts(String exposition) throws IOException, InterruptedException {
        String promtool = onPath("promtool");
        if (promtool == null) {
            String missing = "promtool is not installed (apt-get install -y prometheus): the exposition was not checked";
            if (System.getenv("CI") != null) {
                fail(missing);
            }
            Assumptions.abort(missing);
        }
        Process process = new ProcessBuilder(promtool, "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, process.exitValue(), () -> "promtool check metrics: " + output);
        assertEquals("", output.trim(), "promtool's lint found problems");
    }

    private static String onPath(String command) {
        for (String dir : List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))) {
            File file = new File(dir, command);
            if (file.canExecute()) {
                return file.getPath();
            }
        }
        return null;
    }

    private static JsonObject json(String body) {
        return ServerUnderTest.parse(body);
    }
}
