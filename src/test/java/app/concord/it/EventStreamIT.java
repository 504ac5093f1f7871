package app.concord.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.client.ClientDocument;
import app.concord.client.DocumentListener;
import app.concord.client.RemoteDocument;
import app.concord.it.ServerUnderTest.HealthyPeer;
import app.concord.ot.Range;
import app.concord.ot.TextOperation;
import app.concord.protocol.ClientMessage;
import app.concord.protocol.JsonCodec;
import app.concord.protocol.Peer;
import app.concord.protocol.Revision;
import app.concord.protocol.ServerMessage;
import jakarta.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PROTOCOL.md "Compatibility transport", from outside with the JDK's HTTP client: fallback
 * and WebSocket clients edit one document together; a dropped stream resumes with
 * {@code Last-Event-ID} and a repeated POST is handled once, so nothing is lost or doubled;
 * every error code and HTTP refusal; heartbeats, abandoned sessions and slow readers.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class EventStreamIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** The test limits set in pom.xml (concord.it.serverOptions). */
    private static final int MAX_MESSAGE_CHARS = 65_536;
    private static final int MAX_DOCUMENT_LENGTH = 200_000;
    private static final int OUTBOX_FRAMES = 256;

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return ConcordDeployment.war();
    }

    @ArquillianResource
    private URL base;

    private final HttpClient http = ServerUnderTest.HTTP;

    private ServerUnderTest server() {
        return new ServerUnderTest(base);
    }

    private EventStreamClient open(String docId) throws Exception {
        return EventStreamClient.open(http, server().http("/"), docId, TIMEOUT);
    }

    /** A fallback client joined as {@code client}, its welcome read. */
    private EventStreamClient joined(String docId, String client) throws Exception {
        EventStreamClient c = open(docId);
        c.send(join(client, null));
        c.await("welcome", TIMEOUT);
        return c;
    }

    /** A join as {@code client}, named after it, resuming from {@code rev} unless that is null. */
    private static String join(String client, Integer rev) {
        return JsonCodec.encode(new ClientMessage.Join(client, client, rev));
    }

    /** An op frame with {@code ops} (a JSON array, perhaps a bad one) as they are. */
    private static String op(int rev, long seq, String ops) {
        return ServerUnderTest.rawOpFrame(rev, seq, ops);
    }

    private static String fresh(String what) {
        return "sse-" + what + "-" + UUID.randomUUID();
    }

    private JsonObject document(String docId) throws Exception {
        return server().json("/api/docs/" + docId);
    }

    private static JsonObject parse(String json) {
        return ServerUnderTest.parse(json);
    }

    /** Waits for {@code future}, an edit's acknowledgement, and returns its revision. */
    private static int acknowledged(CompletableFuture<Integer> future) throws Exception {
        return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- editing together

    @Test
    public void aFallbackClientAndAWebSocketClientTypingAtOnceConvergeOnTheServersText() throws Exception {
        String docId = fresh("converge");
        try (RemoteDocument ws = server().join(docId, "ws-ada");
                FallbackEditor sse = new FallbackEditor(joinedForEditing(docId, "sse-bob"))) {
            Random random = new Random(19);
            for (int i = 0; i < 60; i++) {
                String word = "a" + i + " ";
                // edit holds the text still: remote ops, applied on the library's thread, cannot move it meanwhile
                ws.edit(wsText -> TextOperation.splice(wsText.length(), wordStart(wsText, random), 0, word));
                String sseText = sse.document.text();
                sse.edit(TextOperation.splice(sseText.length(), wordStart(sseText, random), 0, "b" + i + " "));
                sse.pump(Duration.ofMillis(random.nextInt(3)));
            }
            ws.awaitAcknowledged(TIMEOUT);
            sse.awaitSynchronized(TIMEOUT);
            JsonObject server = document(docId);
            int rev = server.getInt("rev");
            ServerUnderTest.awaitRevision(ws, rev, TIMEOUT);
            sse.awaitRevision(rev, TIMEOUT);
            assertEquals(server.getString("text"), ws.text());
            assertEquals(server.getString("text"), sse.document.text());
            for (int i = 0; i < 60; i++) {
                assertEquals(1, CollaborationIT.occurrences(server.getString("text"), "a" + i + " "));
                assertEquals(1, CollaborationIT.occurrences(server.getString("text"), "b" + i + " "));
            }
        }
    }

    @Test
    public void theStreamTellsProxiesNeitherToCacheNorToBufferIt() throws Exception {
        try (EventStreamClient c = open(fresh("headers"))) {
            var headers = c.openedBy().headers();
            assertTrue(headers.firstValue("Content-Type").orElse("").startsWith("text/event-stream"), headers.map()::toString);
            assertEquals("no-cache", headers.firstValue("Cache-Control").orElse(null), headers.map()::toString);
            assertEquals("no", headers.firstValue("X-Accel-Buffering").orElse(null), headers.map()::toString);
            assertTrue(c.received().get(0).id().startsWith(c.token() + "."));
        }
    }

    // ---------------------------------------------------------------- exactly once

    @Test
    public void aDroppedStreamResumesWithLastEventIdWithNoGapOrRepeat() throws Exception {
        String docId = fresh("resume");
        try (RemoteDocument ws = server().join(docId, "ws-ada"); EventStreamClient sse = joined(docId, "sse-bob")) {
            for (int i = 0; i < 5; i++) {
                acknowledged(ws.append("x"));
            }
            for (int rev = 1; rev <= 5; rev++) {
                assertEquals(rev, sse.await("op", TIMEOUT).json().getInt("rev"));
            }
            sse.send(op(5, 1, "[\"B\",5]"));        // its ack may still be on the way when the stream drops
            sse.dropStream();
            for (int i = 5; i < 25; i++) {
                acknowledged(ws.append("y"));
            }
            assertEquals(200, sse.resume());
            assertEquals(6, sse.await("ack", TIMEOUT).json().getInt("rev"), "the ack that was on its way, replayed");
            sse.send(op(26, 2, "[\"C\",26]"));
            assertEquals(27, sse.await("ack", TIMEOUT).json().getInt("rev"));
            List<Integer> revs = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (EventStreamClient.Event e : sse.received()) {
                ids.add(e.id());
                if (e.name() == null && (e.type().equals("op") || e.type().equals("ack"))) {
                    revs.add(e.json().getInt("rev"));
                }
            }
            List<Integer> expected = new ArrayList<>();
            for (int rev = 1; rev <= 27; rev++) {
                expected.add(rev);
            }
            assertEquals(expected, revs, "every revision once, in order, across the dropped stream");
            for (int i = 0; i < ids.size(); i++) {
                assertEquals(sse.token() + "." + i, ids.get(i), "event ids " + ids);
            }
            assertEquals("CBxxxxx" + "y".repeat(20), document(docId).getString("text"));
        }
    }

    @Test
    public void aPostRepeatedAfterItsAnswerWasLostIsHandledOnceAndAResentOpIsAcknowledgedWithItsFirstRevision() throws Exception {
        String docId = fresh("repeat");
        try (EventStreamClient sse = joined(docId, "sse-bob")) {
            long number = sse.nextMessage();
            String first = op(0, 1, "[\"once\"]");
            assertEquals(202, sse.post(first).statusCode());
            assertEquals(202, sse.post(number, first).statusCode()); // the same POST again: its answer was lost
            assertEquals(202, sse.post(number, "{\"type\":\"this is not looked at\"}").statusCode());
            assertEquals(1, sse.await("ack", TIMEOUT).json().getInt("rev"));
            // The client never saw that ack and sends the op again as a new message: acknowledged, not applied.
            sse.send(op(0, 1, "[\"once\"]"));
            JsonObject ack = sse.await("ack", TIMEOUT).json();
            assertEquals(1, ack.getInt("rev"));
            assertEquals(1, ack.getInt("seq"));
            sse.send(ServerUnderTest.PING);
            sse.await("pong", TIMEOUT);
            assertEquals("once", document(docId).getString("text"));
            assertEquals(1, document(docId).getInt("rev"));
            HttpResponse<String> ahead = sse.post(sse.nextMessage() + 1, ServerUnderTest.PING);
            assertJsonError(409, ahead);
        }
    }

    @Test
    public void aResumeBeyondTheReplayIsGoneAndTheClientRejoinsWithItsRevision() throws Exception {
        String docId = fresh("beyond");
        // On a raw socket: every one of the cursor frames must go out, which the library need not do.
        try (RawWebSocket ws = server().rawJoined(docId, "ws-ada"); EventStreamClient sse = joined(docId, "sse-bob")) {
            ws.sendText(ServerUnderTest.opFrame(0, 1, TextOperation.splice(0, 0, 0, "hello")));
            ws.await("ack", TIMEOUT);
            assertEquals(1, sse.await("op", TIMEOUT).json().getInt("rev"));
            String early = sse.lastEventId();
            for (int i = 0; i < OUTBOX_FRAMES + 20; i++) {
                ws.sendText(JsonCodec.encode(new ClientMessage.Cursor(1, List.of(new Range(i % 5, i % 5)))));
                if (i % 50 == 0) {
                    ws.sendText(ServerUnderTest.PING);
                    ws.await("pong", TIMEOUT);
                }
            }
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (sse.received().size() < OUTBOX_FRAMES + 20 && System.nanoTime() < deadline) {
                Thread.sleep(20); // the events are counted, not awaited one by one
            }
            assertTrue(sse.received().size() >= OUTBOX_FRAMES + 20, "received " + sse.received().size());
            assertEquals(410, sse.resume(early), "events after " + early + " are no longer kept");
            assertEquals(410, sse.resume(sse.token() + ".999999"), "an event that was never sent");
            assertEquals(410, sse.resume("not-a-session.1"));
            try (EventStreamClient again = open(docId)) {
                again.send(join("sse-bob", 1));
                JsonObject welcome = again.await("welcome", TIMEOUT).json();
                assertEquals(1, welcome.getInt("rev"));
                assertEquals(0, welcome.getJsonArray("ops").size());
            }
        }
    }

    // ---------------------------------------------------------------- errors

    @Test
    public void everyClosingErrorCodeIsAnErrorEventThenACloseEventAndTheSessionEnds() throws Exception {
        String docId = fresh("errors");
        try (HealthyPeer healthy = server().healthyPeer(docId, "hello")) {
            refusedBeforeJoin(docId, "bad-message", 1008, "this is not JSON", ServerUnderTest.PING,
                    op(1, 1, "[5,\"x\"]"), "{\"type\":\"join\",\"client\":\"in truder\"}");
            refusedAfterJoin(docId, "bad-message", 1008, join("intruder", null), "{\"type\":\"hello\"}", "[1]");
            refusedAfterJoin(docId, "bad-op", 1008, op(1, 1, "[4,\"x\"]"), op(1, 1, "[\"\\ud800\",5]"), op(9, 1, "[5,\"x\"]"));
            String empty = op(1, 1, "[\"\",5]");
            refusedAfterJoin(docId, "too-large", 1009,
                    op(1, 1, "[\"" + "y".repeat(MAX_MESSAGE_CHARS + 1 - empty.length()) + "\",5]"),
                    op(1, 1, "[\"" + "y".repeat(3 * MAX_MESSAGE_CHARS) + "\",5]"));
            try (EventStreamClient bad = open(docId)) {
                HttpResponse<String> notUtf8 = http.send(HttpRequest.newBuilder(server().http("/api/docs/" + docId + "/messages"))
                        .header("Content-Type", "application/json").header("Concord-Session", bad.token())
                        .header("Concord-Message", "1").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'{', (byte) 0xC3, '}'}))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(202, notUtf8.statusCode());
                assertRefused(bad, "bad-message", 1008);
            }
            assertEquals("hello", document(docId).getString("text"));
            healthy.assertUnaffected();
        }
    }

    @Test
    public void anOpThatWouldMakeTheDocumentTooLongIsTooLarge() throws Exception {
        String docId = fresh("long");
        try (EventStreamClient sse = joined(docId, "filler")) {
            String chunk = "z".repeat(MAX_DOCUMENT_LENGTH / 4);
            for (int i = 0; i < 4; i++) {
                sse.send(op(i, i + 1, i == 0 ? "[\"" + chunk + "\"]" : "[" + i * chunk.length() + ",\"" + chunk + "\"]"));
                sse.await("ack", TIMEOUT);
            }
            sse.send(op(4, 5, "[\"x\"," + MAX_DOCUMENT_LENGTH + "]"));
            assertRefused(sse, "too-large", 1009);
            assertEquals(MAX_DOCUMENT_LENGTH, document(docId).getString("text").length());
        }
    }

    @Test
    public void anOpOnAReadOnlyIdIsRefusedAndTheSessionStaysOpen() throws Exception {
        String docId = fresh("read-only");
        try (RemoteDocument owner = server().join(docId, "owner")) {
            acknowledged(owner.append("minutes"));
            String readOnlyId = server().json("/api/docs/" + docId + "/read-only").getString("readOnlyId");
            try (EventStreamClient viewer = open(readOnlyId)) {
                viewer.send(join("viewer", null));
                JsonObject welcome = viewer.await("welcome", TIMEOUT).json();
                assertTrue(welcome.getBoolean("readOnly"));
                assertEquals(readOnlyId, welcome.getString("doc"));
                viewer.send(op(1, 1, "[\"vandal\",7]"));
                assertEquals("read-only", viewer.await("error", TIMEOUT).json().getString("code"));
                CompletableFuture<Integer> read = owner.append(" read");
                assertEquals(2, viewer.await("op", TIMEOUT).json().getInt("rev"));
                assertEquals(2, acknowledged(read));
                viewer.send(ServerUnderTest.PING);
                viewer.await("pong", TIMEOUT);
                assertEquals("minutes read", document(docId).getString("text"));
            }
        }
    }

    @Test
    public void postsFromOtherSitesOrOfOtherTypesAreRefusedBeforeReachingTheSession() throws Exception {
        String docId = fresh("refusals");
        try (EventStreamClient sse = joined(docId, "sse-bob")) {
            long n = sse.nextMessage();
            String ping = ServerUnderTest.PING;
            assertJsonError(403, sse.post(n, ping, "application/json", "Origin", "http://evil.example"));
            assertJsonError(403, sse.post(n, ping, "application/json", "Sec-Fetch-Site", "cross-site"));
            assertJsonError(415, sse.post(n, ping, "text/plain"));
            assertJsonError(415, sse.post(n, ping, "application/x-www-form-urlencoded"));
            assertJsonError(400, sse.post(0, ping));
            HttpResponse<String> noSession = http.send(HttpRequest.newBuilder(server().http("/api/docs/" + docId + "/messages"))
                    .header("Content-Type", "application/json").header("Concord-Message", "1")
                    .POST(HttpRequest.BodyPublishers.ofString(ping)).build(), HttpResponse.BodyHandlers.ofString());
            assertJsonError(410, noSession);
            HttpResponse<String> otherDocument = http.send(HttpRequest.newBuilder(server().http("/api/docs/other/messages"))
                    .header("Content-Type", "application/json").header("Concord-Message", "1")
                    .header("Concord-Session", sse.token()).POST(HttpRequest.BodyPublishers.ofString(ping)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertJsonError(410, otherDocument);
            String origin = server().http("/").toString().replaceAll("/$", "");
            HttpResponse<String> sameOrigin = sse.post(n, ping, "application/json; charset=UTF-8", "Origin", origin,
                    "Sec-Fetch-Site", "same-origin");
            assertEquals(202, sameOrigin.statusCode(), sameOrigin::body);
            sse.await("pong", TIMEOUT);
            HttpResponse<InputStream> foreignStream = http.send(HttpRequest.newBuilder(server().http("/api/docs/" + docId + "/events"))
                    .header("Origin", "http://evil.example").build(), HttpResponse.BodyHandlers.ofInputStream());
            foreignStream.body().close();
            assertEquals(403, foreignStream.statusCode());
            HttpResponse<String> badId = http.send(HttpRequest.newBuilder(server().http("/api/docs/bad.id/events")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertJsonError(400, badId);
        }
    }

    // ---------------------------------------------------------------- streams nobody reads

    @Test
    public void aQuietStreamGetsHeartbeatsAndASessionWithoutAStreamLeavesTheDocument() throws Exception {
        String docId = fresh("abandoned");
        Departures departures = new Departures();
        try (RemoteDocument ws = server().join(docId, "ws-ada", departures); EventStreamClient quiet = joined(docId, "sse-quiet");
                EventStreamClient gone = joined(docId, "sse-gone")) {
            ServerUnderTest.awaitPeer(ws, "sse-quiet", TIMEOUT);
            ServerUnderTest.awaitPeer(ws, "sse-gone", TIMEOUT);
            gone.dropStream();
            long start = System.nanoTime();
            // A stream ends unnoticed until a write fails (the next heartbeat); then the session has 30 s
            // to resume, and a session without messages ends after 75 s in any case.
            Thread.sleep(27_000);
            assertTrue(quiet.comments() > 0, "no heartbeat on a stream quiet for 27 s");
            quiet.send(ServerUnderTest.PING); // as clients do every 20 to 30 s
            quiet.await("pong", TIMEOUT);
            assertEquals("sse-gone", departures.next(Duration.ofSeconds(75)));
            assertTrue(System.nanoTime() - start > Duration.ofSeconds(30).toNanos(), "a resume had 30 s");
            assertJsonError(410, gone.post(ServerUnderTest.PING));
            quiet.send(ServerUnderTest.PING);
            quiet.await("pong", TIMEOUT);
        }
    }

    /**
     * A client that never reads its stream while a peer makes big edits: once more than
     * outboxFrames events wait for it, its session ends and it leaves the document; the peer
     * never waits for it.
     */
    @Test
    public void aReaderThatFallsBehindIsCutOffAndLeavesTheDocument() throws Exception {
        String docId = fresh("slow");
        Departures departures = new Departures();
        try (RemoteDocument ws = server().join(docId, "ws-ada", departures); Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096);
            slow.connect(new java.net.InetSocketAddress(ConcordDeployment.HOST, base.getPort()), (int) TIMEOUT.toMillis());
            OutputStream out = slow.getOutputStream();
            out.write(("GET /api/docs/" + docId + "/events HTTP/1.1\r\nHost: " + ConcordDeployment.HOST + ":" + base.getPort()
                    + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String token = readToken(slow.getInputStream());
            HttpRequest.Builder post = HttpRequest.newBuilder(server().http("/api/docs/" + docId + "/messages"))
                    .header("Content-Type", "application/json").header("Concord-Session", token);
            assertEquals(202, http.send(post.copy().header("Concord-Message", "1").POST(HttpRequest.BodyPublishers.ofString(
                    join("sse-slow", null))).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            ServerUnderTest.awaitPeer(ws, "sse-slow", TIMEOUT);
            String big = "w".repeat(20_000);
            int rev = 0;
            for (; rev < 3_000 && departures.none(); rev++) {
                acknowledged(ws.replace(0, ws.length(), big));
            }
            assertFalse(departures.none(), "still a member after " + rev + " unread edits of " + big.length() + " characters");
            assertEquals("sse-slow", departures.next(Duration.ZERO));
            assertTrue(rev > OUTBOX_FRAMES, "cut off after only " + rev + " edits");
            HttpResponse<String> after = http.send(post.copy().header("Concord-Message", "2").POST(
                    HttpRequest.BodyPublishers.ofString(ServerUnderTest.PING)).build(), HttpResponse.BodyHandlers.ofString());
            assertJsonError(410, after);
        }
    }

    /** The clients that left the document, as a library client hears of them. */
    private static final class Departures implements DocumentListener {
        private final BlockingQueue<String> left = new LinkedBlockingQueue<>();

        @Override
        public void peerLeft(Peer peer) {
            left.add(peer.client());
        }

        boolean none() {
            return left.isEmpty();
        }

        /** The next client to leave, waiting up to {@code timeout} for one. */
        String next(Duration timeout) throws InterruptedException {
            String client = left.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            assertTrue(client != null, "nobody left within " + timeout);
            return client;
        }
    }

    private static String readToken(InputStream in) throws Exception {
        StringBuilder seen = new StringBuilder();
        Pattern session = Pattern.compile("\"session\":\"([A-Za-z0-9_-]+)\"");
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("the stream ended before its session event: " + seen);
            }
            seen.append((char) b);
            Matcher m = session.matcher(seen);
            if (m.find()) {
                return m.group(1);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private void refusedBeforeJoin(String docId, String code, int close, String... messages) throws Exception {
        for (String message : messages) {
            try (EventStreamClient bad = open(docId)) {
                bad.send(message);
                assertRefused(bad, code, close);
            }
        }
    }

    private void refusedAfterJoin(String docId, String code, int close, String... messages) throws Exception {
        for (String message : messages) {
            try (EventStreamClient bad = joined(docId, "intruder")) {
                bad.send(message);
                assertRefused(bad, code, close);
            }
        }
    }

    /** The session answers with error {@code code}, then a close event with {@code close}, ends its stream and takes no more. */
    private void assertRefused(EventStreamClient bad, String code, int close) throws Exception {
        JsonObject error = bad.await("error", TIMEOUT).json();
        assertEquals(code, error.getString("code"), error::toString);
        assertFalse(error.getString("message").isBlank());
        EventStreamClient.Event closed = bad.next(TIMEOUT);
        assertEquals("close", closed.name(), closed::toString);
        assertEquals(close, closed.json().getInt("code"));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!bad.streamEnded() && System.nanoTime() < deadline) {
            Thread.sleep(20); // the end of a stream has no event to wait for
        }
        assertTrue(bad.streamEnded(), "the stream stays open after its close event");
        assertJsonError(410, bad.post(ServerUnderTest.PING));
    }

    private static void assertJsonError(int status, HttpResponse<String> response) {
        String where = response.request().uri() + " -> " + response.statusCode() + " " + response.body();
        assertEquals(status, response.statusCode(), where);
        JsonObject error = parse(response.body());
        assertFalse(error.getString("code").isBlank(), where);
        assertFalse(error.getString("message").isBlank(), where);
    }

    /** A random place between words, so that no insert splits another client's word. */
    private static int wordStart(String text, Random random) {
        List<Integer> starts = new ArrayList<>(List.of(0));
        for (int i = text.indexOf(' '); i >= 0; i = text.indexOf(' ', i + 1)) {
            starts.add(i + 1);
        }
        return starts.get(random.nextInt(starts.size()));
    }

    private EventStreamClient joinedForEditing(String docId, String client) throws Exception {
        EventStreamClient c = open(docId);
        c.send(join(client, null));
        return c;
    }

    /** A protocol client on the compatibility transport: a {@link ClientDocument} fed from the stream by {@link #pump}. */
    private static final class FallbackEditor implements AutoCloseable {
        final EventStreamClient stream;
        ClientDocument document;

        FallbackEditor(EventStreamClient stream) throws Exception {
            this.stream = stream;
            JsonObject welcome = stream.await("welcome", TIMEOUT).json();
            document = new ClientDocument(welcome.getString("client"), welcome.getInt("rev"), welcome.getString("text"));
        }

        void edit(TextOperation op) throws Exception {
            Optional<ClientDocument.Outgoing> out = document.applyLocal(op);
            if (out.isPresent()) {
                send(out.get());
            }
        }

        /** Handles the events that arrive within {@code wait}. */
        void pump(Duration wait) throws Exception {
            for (EventStreamClient.Event e = stream.poll(wait); e != null; e = stream.poll(Duration.ZERO)) {
                if ("close".equals(e.name())) {
                    throw new AssertionError("refused: " + e);
                }
                ServerMessage m = e.name() != null ? null : JsonCodec.decodeServerMessage(e.data()).orElse(null);
                if (m instanceof ServerMessage.Ack ack) {
                    document.ack(ack.rev(), ack.seq()).ifPresent(this::sendQuietly);
                } else if (m instanceof ServerMessage.Op op) {
                    Revision r = op.revision();
                    document.applyRemote(r.rev(), r.client(), r.seq(), r.operation()).send().ifPresent(this::sendQuietly);
                } else if (m instanceof ServerMessage.Error) {
                    throw new AssertionError("refused: " + e);
                }
            }
        }

        void awaitSynchronized(Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!document.isSynchronized()) {
                assertTrue(System.nanoTime() < deadline, "not synchronised: " + document.state());
                pump(Duration.ofMillis(50));
            }
        }

        void awaitRevision(int rev, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (document.revision() < rev) {
                assertTrue(System.nanoTime() < deadline, "at revision " + document.revision() + ", not " + rev);
                pump(Duration.ofMillis(50));
            }
        }

        private void send(ClientDocument.Outgoing out) throws Exception {
            stream.send(ServerUnderTest.opFrame(out.rev(), out.seq(), out.op()));
        }

        private void sendQuietly(ClientDocument.Outgoing out) {
            try {
                send(out);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public void close() throws Exception {
            stream.close();
        }
    }
}
