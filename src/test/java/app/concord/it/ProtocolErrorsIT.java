package app.concord.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.it.ServerUnderTest.HealthyPeer;
import app.concord.ot.TextOperation;
import java.io.IOException;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.json.JsonObject;

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

    private ServerUnderTest server() {
        return new ServerUnderTest(base);
    }

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
        refusedAfterJoin("bad-message", POLICY, ServerUnderTest.joinFrame("intruder"));
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
        try (HealthyPeer peer = healthyPeer()) {
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
        try (HealthyPeer peer = healthyPeer(); RawWebSocket padder = server().rawJoined(peer.doc(), "padder")) {
            String atTheLimit = paddedOp(peer.revision(), 1, peer.text().length(), MAX_MESSAGE_CHARS);
            assertEquals(MAX_MESSAGE_CHARS, atTheLimit.length());
            padder.sendText(atTheLimit);
            assertEquals(peer.revision() + 1, padder.await("ack", TIMEOUT).getInt("rev"));
            peer.othersEdit("padder");
            refuse(peer, true, "too-large", TOO_BIG, paddedOp(peer.revision(), 1, peer.text().length(), MAX_MESSAGE_CHARS + 1));
        }
    }

    @Test
    public void aMessageFarOverTheSizeLimitIsTooLarge() throws Exception {
        try (HealthyPeer peer = healthyPeer()) {
            refuse(peer, true, "too-large", TOO_BIG, paddedOp(peer.revision(), 1, peer.text().length(), 8 * MAX_MESSAGE_CHARS));
        }
    }

    @Test
    public void anOpThatWouldMakeTheDocumentTooLongIsTooLarge() throws Exception {
        try (HealthyPeer peer = healthyPeer()) {
            String chunk = "z".repeat(MAX_DOCUMENT_LENGTH / 4);
            peer.replace(0, peer.text().length(), chunk);
            for (int i = 1; i < 4; i++) {
                peer.replace(peer.text().length(), 0, chunk);
            }
            assertEquals(MAX_DOCUMENT_LENGTH, peer.text().length());
            refuse(peer, true, "too-large", TOO_BIG, op(peer.revision(), "[\"x\"," + MAX_DOCUMENT_LENGTH + "]"));
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
        try (HealthyPeer peer = healthyPeer(); Flooder flooder = new Flooder(peer.doc())) {
            String frame = ServerUnderTest.opFrame(1, 1, TextOperation.splice(5, 5, 0, "!"));
            flooder.send(frame);
            assertEquals(2, flooder.firstAck.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).getInt("rev"));
            peer.othersEdit("flooder");
            int sent = 0;
            for (; sent < 50_000 && !flooder.error.isDone() && !flooder.closed.isDone(); sent++) {
                try {
                    flooder.send(frame);
                } catch (IOException closedMeanwhile) {
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
        // The paths go out as they are: percent-encoded ids too.
        for (String id : new String[] {"bad.id", "a".repeat(65), "bad%20id", "%C3%A9t%C3%A9"}) {
            try (RawWebSocket client = server().raw(id, TIMEOUT)) {
                assertEquals(POLICY, client.awaitClose(TIMEOUT).closeCode(), id);
            }
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
        try (HealthyPeer peer = healthyPeer()) {
            String path = "/api/docs/" + peer.doc() + "/ops";
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
        try (HealthyPeer peer = healthyPeer()) {
            refuse(peer, false, code, close, frames);
        }
    }

    private void refusedAfterJoin(String code, int close, String... frames) throws Exception {
        try (HealthyPeer peer = healthyPeer()) {
            refuse(peer, true, code, close, frames);
        }
    }

    /** Each frame, on a new connection to the peer's document, is refused; the peer notices nothing. */
    private void refuse(HealthyPeer peer, boolean joinFirst, String code, int close, String... frames) throws Exception {
        for (String frame : frames) {
            String shown = RawWebSocket.clip(frame);
            try (RawWebSocket bad = joinFirst ? server().rawJoined(peer.doc(), "intruder") : server().raw(peer.doc(), TIMEOUT)) {
                bad.sendText(frame);
                JsonObject error = bad.await("error", TIMEOUT);
                assertEquals(code, error.getString("code"), () -> shown + " -> " + error);
                assertFalse(error.getString("message").isBlank(), error::toString);
                assertEquals(close, bad.awaitClose(TIMEOUT).closeCode());
            } catch (AssertionError e) {
                String why = String.valueOf(e.getMessage());
                throw new AssertionError("refusing " + shown + ": " + (why.length() > 2000 ? why.substring(0, 2000) + "..." : why), e);
            }
            peer.assertUnaffected();
        }
    }

    private HealthyPeer healthyPeer() throws Exception {
        return server().healthyPeer(freshId(), "hello");
    }

    private static String op(int rev, String ops) {
        return ServerUnderTest.rawOpFrame(rev, 1, ops);
    }

    /** A valid op (an insert at the start) on a document of {@code length}, padded to exactly {@code chars}. */
    private static String paddedOp(int rev, long seq, int length, int chars) {
        int withOneCharacter = ServerUnderTest.opFrame(rev, seq, TextOperation.splice(length, 0, 0, "y")).length();
        return ServerUnderTest.opFrame(rev, seq, TextOperation.splice(length, 0, 0, "y".repeat(chars - withOneCharacter + 1)));
    }

    private static String freshId() {
        return "errors-" + UUID.randomUUID();
    }

    private HttpResponse<String> get(String path, String query) throws IOException, InterruptedException {
        return server().get(query == null ? path : path + "?" + query);
    }

    private static void assertJsonError(int status, HttpResponse<String> response) {
        String body = response.body();
        String where = response.request().uri() + " -> " + response.statusCode() + " " + body;
        assertEquals(status, response.statusCode(), where);
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                () -> where + " " + response.headers().map());
        JsonObject error = ServerUnderTest.parse(body);
        assertFalse(error.getString("code").isBlank(), where);
        assertFalse(error.getString("message").isBlank(), where);
        assertFalse(body.contains("Exception") || body.contains("\tat ") || body.contains(".java:"), where);
    }

    /**
     * The flooding client, on a raw socket read by a thread of its own that only counts: a
     * reader that falls behind thousands of acks can lose the error to the server's abrupt close.
     */
    private final class Flooder implements AutoCloseable {
        final CompletableFuture<JsonObject> firstAck = new CompletableFuture<>();
        final CompletableFuture<JsonObject> error = new CompletableFuture<>();
        /** The close code; failed when the connection ended without a close frame (reset). */
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final List<String> unexpected = new CopyOnWriteArrayList<>();
        final AtomicInteger acks = new AtomicInteger();
        private final RawWebSocket ws;
        private final Thread reader;

        Flooder(String docId) throws Exception {
            ws = server().rawJoined(docId, "flooder");
            reader = new Thread(this::read, "flooder-reader");
            reader.setDaemon(true);
            reader.start();
        }

        void send(String frame) throws IOException {
            ws.sendText(frame);
        }

        private void read() {
            try {
                while (true) {
                    RawWebSocket.Frame frame = ws.read(FLOOD_TIMEOUT);
                    if (frame.opcode() == RawWebSocket.CLOSE) {
                        closed.complete(frame.closeCode());
                        return;
                    }
                    JsonObject message = ServerUnderTest.parse(frame.text());
                    String type = message.getString("type");
                    if (type.equals("error")) {
                        error.complete(message);
                    } else if (!type.equals("ack")) {
                        unexpected.add(frame.text());
                    } else {
                        acks.incrementAndGet();
                        if (!firstAck.complete(message) && (message.getInt("rev") != 2 || message.getInt("seq") != 1)) {
                            unexpected.add(frame.text());
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                closed.completeExceptionally(e);
                error.completeExceptionally(e);
            }
        }

        @Override
        public void close() throws IOException {
            ws.close();
        }
    }
}
