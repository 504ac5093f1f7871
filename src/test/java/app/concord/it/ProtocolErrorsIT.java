package app.concord.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PROTOCOL.md "Errors" and the HTTP refusals, from outside: each bad message earns its
 * {@code error} code and close code, while a healthy peer on the same document keeps
 * editing and the document holds exactly what the valid operations made.
 *
 * <p>Not producible here: {@code read-only} (read-only ids do not exist yet), and
 * {@code server-error}, which needs fault injection (LiveDocumentTest.aFailedCommitClosesEveryoneAndTheDocumentReopensFromTheStore).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class ProtocolErrorsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** Thousands of queued ops take a busy server a while to work through. */
    private static final Duration FLOOD_TIMEOUT = Duration.ofSeconds(90);
    /** The test limits set in arquillian.xml. */
    private static final int MAX_MESSAGE_CHARS = 65_536;
    private static final int MAX_DOCUMENT_LENGTH = 200_000;
    private static final int POLICY = 1008;
    private static final int TOO_BIG = 1009;
    private static final int TRY_AGAIN_LATER = 1013;

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return ConcordDeployment.war();
    }

    @ArquillianResource
    private URL base;

    private final HttpClient http = ConcordDeployment.httpClient(TIMEOUT);

    // ---------------------------------------------------------------- bad-message

    @Test
    public void textThatIsNotJsonIsABadMessage() throws Exception {
        refusedBeforeJoin("bad-message", POLICY, "this is not JSON", "{\"type\":\"join\",\"client\":");
    }

    @Test
    public void aJsonArrayIsABadMessage() throws Exception {
        refusedAfterJoin("bad-message", POLICY, "[{\"type\":\"ping\"}]");
    }

    @Test
    public void aMessageWithoutAStringTypeIsABadMessage() throws Exception {
        refusedBeforeJoin("bad-message", POLICY, "{\"client\":\"intruder\"}", "{\"type\":1,\"client\":\"intruder\"}");
    }

    @Test
    public void anUnknownTypeIsABadMessage() throws Exception {
        refusedAfterJoin("bad-message", POLICY, "{\"type\":\"hello\"}");
    }

    @Test
    public void aJoinWithWrongFieldTypesIsABadMessage() throws Exception {
        refusedBeforeJoin("bad-message", POLICY, "{\"type\":\"join\",\"client\":\"intruder\",\"rev\":\"0\"}",
                "{\"type\":\"join\",\"client\":\"in truder\"}", "{\"type\":\"join\",\"client\":7}");
    }

    @Test
    public void anOpWithWrongFieldTypesIsABadMessage() throws Exception {
        refusedAfterJoin("bad-message", POLICY, "{\"type\":\"op\",\"rev\":\"1\",\"seq\":1,\"ops\":[5,\"x\"]}",
                "{\"type\":\"op\",\"rev\":1,\"seq\":1,\"ops\":\"x\"}");
    }

    @Test
    public void anythingBeforeJoinIsABadMessageAndChangesNothing() throws Exception {
        refusedBeforeJoin("bad-message", POLICY, "{\"type\":\"op\",\"rev\":1,\"seq\":1,\"ops\":[5,\"x\"]}",
                "{\"type\":\"cursor\",\"rev\":1,\"ranges\":[[0,0]]}", "{\"type\":\"ping\"}");
    }

    @Test
    public void aSecondJoinOnTheSameConnectionIsABadMessage() throws Exception {
        refusedAfterJoin("bad-message", POLICY, join("intruder").toString());
    }

    // ---------------------------------------------------------------- bad-op (the document is "hello" at revision 1)

    @Test
    public void anOpWithComponentsThatAreNotIntegersOrStringsIsABadOp() throws Exception {
        refusedAfterJoin("bad-op", POLICY, op(1, "[1.5]"), op(1, "[2.5,2.5]"), op(1, "[5,null]"), op(1, "[null]"),
                op(1, "[5,true]"));
    }

    @Test
    public void anInsertWithAnUnpairedSurrogateIsABadOp() throws Exception {
        refusedAfterJoin("bad-op", POLICY, op(1, "[\"\\ud800\"]"), op(1, "[5,\"\\ud800\"]"), op(1, "[\"a\\udc00\",5]"));
    }

    @Test
    public void anOpThatSplitsASurrogatePairIsABadOp() throws Exception {
        try (Healthy peer = healthyPeer()) {
            peer.replace(5, 0, "\ud83d\ude00"); // "hello😀", revision 2
            refuse(peer, true, "bad-op", POLICY, op(2, "[6,\"x\",1]"), op(2, "[6,-1]"));
        }
    }

    @Test
    public void anOpOfTheWrongBaseLengthIsABadOp() throws Exception {
        refusedAfterJoin("bad-op", POLICY, op(1, "[4,\"x\"]"), op(1, "[6,\"x\"]"), op(1, "[\"x\"]"), op(1, "[-6]"));
    }

    @Test
    public void anOpAheadOfTheServersRevisionIsABadOp() throws Exception {
        refusedAfterJoin("bad-op", POLICY, op(2, "[5,\"x\"]"), op(1000, "[5,\"x\"]"));
    }

    // ---------------------------------------------------------------- too-large

    @Test
    public void aMessageAtTheSizeLimitIsAcceptedAndOneCharacterOverIsTooLarge() throws Exception {
        try (Healthy peer = healthyPeer()) {
            peer.sendPadded(MAX_MESSAGE_CHARS);
            refuse(peer, true, "too-large", TOO_BIG, paddedOp(peer.rev, 1, peer.text.length(), MAX_MESSAGE_CHARS + 1));
        }
    }

    @Test
    public void aMessageFarOverTheSizeLimitIsTooLarge() throws Exception {
        try (Healthy peer = healthyPeer()) {
            refuse(peer, true, "too-large", TOO_BIG, paddedOp(peer.rev, 1, peer.text.length(), 8 * MAX_MESSAGE_CHARS));
        }
    }

    @Test
    public void anOpThatWouldMakeTheDocumentTooLongIsTooLarge() throws Exception {
        try (Healthy peer = healthyPeer()) {
            String chunk = "z".repeat(MAX_DOCUMENT_LENGTH / 4);
            peer.replace(0, peer.text.length(), chunk);
            for (int i = 1; i < 4; i++) {
                peer.replace(peer.text.length(), 0, chunk);
            }
            assertEquals(MAX_DOCUMENT_LENGTH, peer.text.length());
            refuse(peer, true, "too-large", TOO_BIG, op(peer.rev, "[\"x\"," + MAX_DOCUMENT_LENGTH + "]"));
        }
    }

    // ---------------------------------------------------------------- rate-limited

    /**
     * Sends one op again and again without waiting (a duplicate after the first: acknowledged
     * with its first revision, never applied again), faster than the limit of 2000/s. The server
     * must process them faster than that too: on a starved machine it may not, and then says so.
     */
    @Test
    public void floodingOpsIsRateLimitedAndAppliesNothing() throws Exception {
        try (Healthy peer = healthyPeer(); Flooder flooder = new Flooder(peer.docId)) {
            String frame = op(1, "[5,\"!\"]");
            flooder.send(frame);
            assertEquals(2, flooder.firstAck.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).getInt("rev"));
            peer.othersMade("hello!");
            int sent = 0;
            for (; sent < 50_000 && !flooder.error.isDone() && !flooder.closed.isDone(); sent++) {
                try {
                    flooder.send(frame);
                } catch (ExecutionException closedMeanwhile) {
                    break;
                }
            }
            try {
                CompletableFuture.anyOf(flooder.error, flooder.closed).get(FLOOD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("not refused within " + FLOOD_TIMEOUT + " of " + sent + " ops, of which "
                        + flooder.acks + " were acknowledged: the server did not process 2000 ops/s", e);
            } catch (ExecutionException resetMeanwhile) {
                // looked at below
            }
            // The close code, null when the connection was reset instead: the server closed while the
            // flood's frames were still unread, so TCP reset the connection, and the error and close
            // frames still on their way could be lost. Frames arrive in order, so once the connection
            // has ended, the error frame is here if it will ever be.
            Integer closeCode = flooder.closed.handle((code, reset) -> code).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            JsonObject error = flooder.error.handle((message, reset) -> message).getNow(null);
            if (error != null) {
                assertEquals("rate-limited", error.getString("code"), error::toString);
                if (closeCode != null) {
                    assertEquals(POLICY, closeCode);
                }
            } else if (closeCode != null) {
                // Undertow (WildFly) reads a flood faster than it sends the acks, so the flooder's queue
                // (outboxFrames, 256 in the tests) can fill before its token bucket (a burst of 2000) is
                // empty: it is then closed as too slow to keep up (1013, no error frame). Refused all the
                // same; with the default limits (a burst of 400, 2000 frames queued) the bucket empties first.
                assertEquals(TRY_AGAIN_LATER, closeCode, () -> "closed without an error after " + flooder.acks + " acks");
            }
            assertTrue(flooder.unexpected.isEmpty(), () -> "every duplicate is acknowledged with revision 2: "
                    + flooder.unexpected.subList(0, Math.min(5, flooder.unexpected.size())));
            peer.assertUnaffected();
        }
    }

    // read-only: not producible yet (read-only ids come in a later issue).
    // server-error: needs fault injection; see LiveDocumentTest.aFailedCommitClosesEveryoneAndTheDocumentReopensFromTheStore.

    // ---------------------------------------------------------------- ids and HTTP

    @Test
    public void aWebSocketToAnInvalidDocumentIdIsClosedAsAPolicyViolation() throws Exception {
        for (String id : new String[] {"bad.id", "a".repeat(65)}) {
            try (JsonWsClient client = connect(id)) {
                assertClosed(client, POLICY);
            }
        }
        // Percent-encoded ids through the JDK's client: Tyrus's client sends the path decoded, which is no valid request.
        for (String encoded : new String[] {"bad%20id", "%C3%A9t%C3%A9"}) {
            assertEquals(POLICY, closeCodeWithoutJoining(URI.create(ConcordDeployment.ws(base, "/ws/docs/") + encoded)),
                    encoded);
        }
    }

    @Test
    public void anInvalidDocumentIdOverHttpIsABadRequestInJson() throws Exception {
        for (String path : new String[] {"/api/docs/bad.id", "/api/docs/" + "a".repeat(65), "/api/docs/bad id",
                "/api/docs/bad.id/text", "/api/docs/bad.id/ops"}) {
            assertJsonError(400, get(path, null));
        }
    }

    @Test
    public void aHistoryBoundThatIsNotARevisionIsABadRequest() throws Exception {
        String id = freshId();
        for (String query : new String[] {"from=abc", "from=-1", "from=1.5", "from=0&to=x"}) {
            assertJsonError(400, get("/api/docs/" + id + "/ops", query));
        }
    }

    @Test
    public void aHistoryRangeBackwardsOrBeyondTheCurrentRevisionIsABadRequest() throws Exception {
        try (Healthy peer = healthyPeer()) {
            String path = "/api/docs/" + peer.docId + "/ops";
            assertEquals(200, get(path, "from=0&to=1").statusCode());
            assertJsonError(400, get(path, "from=1&to=0"));
            assertJsonError(400, get(path, "from=0&to=2"));
            assertJsonError(400, get(path, "from=2"));
            peer.assertUnaffected();
        }
    }

    @Test
    public void anUnknownPathUnderTheApiIsANotFoundInJson() throws Exception {
        assertJsonError(404, get("/api/nothing-here", null));
        assertJsonError(404, get("/api/docs/" + freshId() + "/nothing-here", null));
    }

    // ---------------------------------------------------------------- helpers

    private void refusedBeforeJoin(String code, int close, String... frames) throws Exception {
        try (Healthy peer = healthyPeer()) {
            refuse(peer, false, code, close, frames);
        }
    }

    private void refusedAfterJoin(String code, int close, String... frames) throws Exception {
        try (Healthy peer = healthyPeer()) {
            refuse(peer, true, code, close, frames);
        }
    }

    /** Each frame, on a new connection to the peer's document, is refused; the peer notices nothing. */
    private void refuse(Healthy peer, boolean joinFirst, String code, int close, String... frames) throws Exception {
        for (String frame : frames) {
            String shown = frame.length() > 200 ? frame.substring(0, 200) + "... (" + frame.length() + " chars)" : frame;
            try (JsonWsClient bad = joinFirst ? joined(peer.docId) : connect(peer.docId)) {
                bad.send(frame);
                JsonObject error = bad.await("error", TIMEOUT);
                assertEquals(code, error.getString("code"), () -> shown + " -> " + error);
                assertFalse(error.getString("message").isBlank(), error::toString);
                assertClosed(bad, close);
            } catch (AssertionError e) {
                String why = String.valueOf(e.getMessage());
                throw new AssertionError("refusing " + shown + ": " + (why.length() > 2000 ? why.substring(0, 2000) + "..." : why), e);
            }
            peer.assertUnaffected();
        }
    }

    /** The close code the server ends a connection to {@code uri} with, sending nothing; the URI is used as it is. */
    private int closeCodeWithoutJoining(URI uri) throws Exception {
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closed.completeExceptionally(error);
            }
        }).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            ws.abort();
        }
    }

    private static void assertClosed(JsonWsClient client, int code) throws InterruptedException {
        CloseReason reason = client.awaitClose(TIMEOUT);
        assertEquals(code, reason.getCloseCode().getCode(), reason::toString);
    }

    private Healthy healthyPeer() throws Exception {
        Healthy peer = new Healthy(freshId());
        peer.replace(0, 0, "hello");
        return peer;
    }

    private JsonWsClient connect(String docId) throws IOException, DeploymentException {
        return JsonWsClient.connect(ConcordDeployment.ws(base, "/ws/docs/" + docId));
    }

    private JsonWsClient joined(String docId) throws Exception {
        JsonWsClient client = connect(docId);
        client.send(join("intruder"));
        client.await("welcome", TIMEOUT);
        return client;
    }

    private static JsonObject join(String client) {
        return Json.createObjectBuilder().add("type", "join").add("client", client).add("name", client).build();
    }

    private static String op(int rev, String ops) {
        return op(rev, 1, ops);
    }

    private static String op(int rev, long seq, String ops) {
        return "{\"type\":\"op\",\"rev\":" + rev + ",\"seq\":" + seq + ",\"ops\":" + ops + "}";
    }

    /** A valid op (an insert at the start) on a document of {@code length}, padded to exactly {@code chars}. */
    private static String paddedOp(int rev, long seq, int length, int chars) {
        String empty = op(rev, seq, "[\"\"," + length + "]");
        return op(rev, seq, "[\"" + "y".repeat(chars - empty.length()) + "\"," + length + "]");
    }

    private static String freshId() {
        return "errors-" + UUID.randomUUID();
    }

    private HttpResponse<String> get(String path, String query) throws IOException, InterruptedException {
        URI uri = ConcordDeployment.http(base, path);
        if (query != null) {
            uri = URI.create(uri + "?" + query);
        }
        return http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertJsonError(int status, HttpResponse<String> response) {
        String body = response.body();
        String where = response.request().uri() + " -> " + response.statusCode() + " " + body;
        assertEquals(status, response.statusCode(), where);
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                () -> where + " " + response.headers().map());
        JsonObject error = parse(body);
        assertFalse(error.getString("code").isBlank(), where);
        assertFalse(error.getString("message").isBlank(), where);
        assertFalse(body.contains("Exception") || body.contains("\tat ") || body.contains(".java:"), where);
    }

    private static JsonObject parse(String json) {
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    /**
     * The flooding client, on the JDK's WebSocket client with a lean listener: JsonWsClient keeps
     * every frame in a copy-on-write list, too slow to read thousands of acks as fast as they come,
     * and a reader that falls behind can lose the error to the server's abrupt close.
     */
    private final class Flooder implements WebSocket.Listener, AutoCloseable {
        final CompletableFuture<JsonObject> firstAck = new CompletableFuture<>();
        final CompletableFuture<JsonObject> error = new CompletableFuture<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final List<String> unexpected = new CopyOnWriteArrayList<>();
        final AtomicInteger acks = new AtomicInteger();
        private final CompletableFuture<JsonObject> welcome = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private final WebSocket ws;

        Flooder(String docId) throws Exception {
            ws = http.newWebSocketBuilder().buildAsync(ConcordDeployment.ws(base, "/ws/docs/" + docId), this)
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            send(join("flooder").toString());
            welcome.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }

        void send(String frame) throws Exception {
            ws.sendText(frame, true).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                JsonObject message = parse(text);
                String type = message.getString("type");
                if (type.equals("welcome")) {
                    welcome.complete(message);
                } else if (type.equals("error")) {
                    error.complete(message);
                } else if (!type.equals("ack")) {
                    unexpected.add(text);
                } else {
                    acks.incrementAndGet();
                    if (!firstAck.complete(message) && (message.getInt("rev") != 2 || message.getInt("seq") != 1)) {
                        unexpected.add(text);
                    }
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable failure) {
            closed.completeExceptionally(failure);
            error.completeExceptionally(failure);
        }

        @Override
        public void close() {
            ws.abort();
        }
    }

    /** The one well-behaved client of a test document, and the text that the valid operations made. */
    private final class Healthy implements AutoCloseable {
        final String docId;
        final JsonWsClient ws;
        String text = "";
        int rev;
        long seq;
        int checks;

        Healthy(String docId) throws Exception {
            this.docId = docId;
            ws = connect(docId);
            ws.send(join("healthy"));
            JsonObject welcome = ws.await("welcome", TIMEOUT);
            assertEquals(0, welcome.getInt("rev"), welcome::toString);
            assertEquals("", welcome.getString("text"), welcome::toString);
        }

        /** Replaces {@code length} code units at {@code from} with {@code with}, and waits for the ack. */
        void replace(int from, int length, String with) throws Exception {
            JsonArrayBuilder ops = Json.createArrayBuilder();
            int rest = text.length() - from - length;
            if (from > 0) {
                ops.add(from);
            }
            if (!with.isEmpty()) {
                ops.add(with);
            }
            if (length > 0) {
                ops.add(-length);
            }
            if (rest > 0) {
                ops.add(rest);
            }
            send(Json.createObjectBuilder().add("type", "op").add("rev", rev).add("seq", seq + 1).add("ops", ops)
                    .build().toString(), text.substring(0, from) + with + text.substring(from + length));
        }

        /** Inserts at the start with a frame of exactly {@code chars} characters. */
        void sendPadded(int chars) throws Exception {
            String frame = paddedOp(rev, seq + 1, text.length(), chars);
            assertEquals(chars, frame.length());
            String inserted = frame.substring(frame.indexOf("[\"") + 2, frame.lastIndexOf("\","));
            send(frame, inserted + text);
        }

        private void send(String frame, String after) throws Exception {
            ws.send(frame);
            JsonObject ack = ws.await("ack", TIMEOUT);
            seq++;
            rev++;
            assertEquals(rev, ack.getInt("rev"), ack::toString);
            assertEquals(seq, ack.getJsonNumber("seq").longValue(), ack::toString);
            text = after;
        }

        /** Another client's valid operation made {@code after}. */
        void othersMade(String after) {
            rev++;
            text = after;
        }

        /** Still connected, never told of an error, still editing; the document is exactly what the valid ops made. */
        void assertUnaffected() throws Exception {
            assertTrue(ws.isOpen(), "the healthy peer was disconnected: " + ws.received());
            String marker = String.valueOf((char) ('A' + checks++ % 26));
            replace(0, 1, marker);
            JsonObject document = parse(get("/api/docs/" + docId, null).body());
            assertEquals(rev, document.getInt("rev"));
            assertTrue(text.equals(document.getString("text")), "the document's text is not what the valid ops made");
            for (String frame : ws.received()) {
                assertFalse(frame.contains("\"type\":\"error\""), frame);
            }
        }

        @Override
        public void close() throws IOException {
            ws.close();
        }
    }
}
