package app.concord.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.client.ClientOptions;
import app.concord.client.Concord;
import app.concord.client.ConcordException;
import app.concord.client.ConnectionState;
import app.concord.client.DocumentListener;
import app.concord.client.ReconnectPolicy;
import app.concord.client.RemoteChange;
import app.concord.client.RemoteDocument;
import app.concord.ot.TextOperation;
import app.concord.protocol.ClientMessage;
import app.concord.protocol.JsonCodec;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The integration tests' view of one running Concord server: its HTTP API through the shared
 * HTTP client, well-behaved clients (the client library), raw sockets for everything else,
 * the frames tests write by hand, and {@link HealthyPeer}, the client that checks that a
 * misbehaving one disturbed nobody.
 */
final class ServerUnderTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** On HTTP/1.1: see {@link ConcordDeployment#httpClient}. */
    static final HttpClient HTTP = ConcordDeployment.httpClient(TIMEOUT);

    /** {@code http://127.0.0.1:port/} */
    private final URI root;

    /** The server that Arquillian deployed to, from the injected {@code @ArquillianResource URL}. */
    ServerUnderTest(URL base) {
        this(ConcordDeployment.http(base, "/"));
    }

    /** The server whose context root is {@code root}, {@code http://host:port/}. */
    ServerUnderTest(URI root) {
        this.root = root;
    }

    /** {@code path} on this server: it starts with a slash, may end in a query, and is encoded here. */
    URI http(String path) {
        int query = path.indexOf('?');
        try {
            return new URI(root.getScheme(), null, root.getHost(), root.getPort(), query < 0 ? path : path.substring(0, query),
                    query < 0 ? null : path.substring(query + 1), null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(path, e);
        }
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(http(path)).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON object at {@code path}, which must answer 200. */
    JsonObject json(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = get(path);
        assertEquals(200, response.statusCode(), () -> path + ": " + response.body());
        return parse(response.body());
    }

    static JsonObject parse(String json) {
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        } catch (JsonException e) {
            throw new AssertionError("not a JSON object: " + RawWebSocket.clip(json), e);
        }
    }

    // ---------------------------------------------------------------- the library's clients

    /**
     * Options for client {@code client} (also its name) under the test servers' rate limit of
     * 2000 ops/s with bursts of 2000 (pom.xml, RestartIT, DatabaseOutageIT).
     */
    static ClientOptions options(String client) {
        return ClientOptions.defaults().clientId(client).name(client).opsPerSecond(1800, 1800);
    }

    RemoteDocument join(String doc, String client, DocumentListener... listeners) throws InterruptedException {
        return join(doc, options(client), listeners);
    }

    RemoteDocument join(String doc, ClientOptions options, DocumentListener... listeners) throws InterruptedException {
        return Concord.connect(root, doc, options, listeners);
    }

    /** Waits until {@code doc} has reached revision {@code rev}. */
    static void awaitRevision(RemoteDocument doc, int rev, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (doc.revision() < rev) {
            assertTrue(System.nanoTime() < deadline, () -> doc.clientId() + " stays at revision " + doc.revision() + " < " + rev
                    + " (" + doc.state() + ", " + doc.unacknowledgedEdits() + " edits unacknowledged)");
            Thread.sleep(5);
        }
    }

    /** Waits until {@code doc} lists peer {@code client}. */
    static void awaitPeer(RemoteDocument doc, String client, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (doc.peers().stream().noneMatch(p -> p.client().equals(client))) {
            assertTrue(System.nanoTime() < deadline, doc.clientId() + " never saw " + client + " join: " + doc.peers());
            Thread.sleep(5);
        }
    }

    // ---------------------------------------------------------------- raw sockets and hand-made frames

    /** A raw socket to document {@code doc}, handshake done, nothing sent. */
    RawWebSocket raw(String doc, Duration timeout) throws IOException {
        return raw("/ws/docs/" + doc, 0, timeout);
    }

    /** A raw socket to {@code path} (sent as it is), with a TCP receive buffer of {@code receiveBuffer} bytes (0: the default). */
    RawWebSocket raw(String path, int receiveBuffer, Duration timeout) throws IOException {
        return RawWebSocket.open(root.getHost(), root.getPort(), path, receiveBuffer, timeout);
    }

    /** A raw socket that has joined {@code doc} as {@code client} and read its welcome. */
    RawWebSocket rawJoined(String doc, String client) throws IOException {
        RawWebSocket ws = raw(doc, TIMEOUT);
        try {
            ws.sendText(joinFrame(client));
            ws.await("welcome", TIMEOUT);
            return ws;
        } catch (IOException | RuntimeException | AssertionError e) {
            ws.close();
            throw e;
        }
    }

    static final String PING = JsonCodec.encode(new ClientMessage.Ping());

    /** A join as {@code client}, named after it, for a fresh replica. */
    static String joinFrame(String client) {
        return JsonCodec.encode(new ClientMessage.Join(client, client, null));
    }

    /** A valid op frame, through the protocol's codec. */
    static String opFrame(int rev, long seq, TextOperation op) {
        return JsonCodec.encode(new ClientMessage.Op(rev, seq, op));
    }

    /** An op frame with {@code components} (a JSON array, perhaps a bad one) as they are. */
    static String rawOpFrame(int rev, long seq, String components) {
        return "{\"type\":\"op\",\"rev\":" + rev + ",\"seq\":" + seq + ",\"ops\":" + components + "}";
    }

    HealthyPeer healthyPeer(String doc, String initial) throws Exception {
        return new HealthyPeer(this, doc, initial);
    }

    /**
     * The well-behaved client of a test document, a library client that keeps on its own the
     * text and revision that its edits, and the others' edits a test expects, must make. It
     * checks that it hears nothing else: no error, no drop, no change it was not told of, and
     * that the server's document is exactly what those edits made.
     */
    static final class HealthyPeer implements AutoCloseable, DocumentListener {
        static final String CLIENT = "healthy";

        private final ServerUnderTest server;
        private final String doc;
        private final RemoteDocument replica;
        private final BlockingQueue<RemoteChange> changes = new LinkedBlockingQueue<>();
        private final List<String> trouble = new CopyOnWriteArrayList<>();
        private String text = "";
        private int rev;
        private int checks;

        private HealthyPeer(ServerUnderTest server, String doc, String initial) throws Exception {
            this.server = server;
            this.doc = doc;
            // A drop is a failure, so no reconnects; the welcome may take as long as any answer the tests wait for.
            replica = server.join(doc, options(CLIENT).reconnect(ReconnectPolicy.never()).handshakeTimeout(TIMEOUT)
                    .connectTimeout(TIMEOUT), this);
            assertEquals(0, replica.revision(), "a fresh document");
            if (!initial.isEmpty()) {
                replace(0, 0, initial);
            }
        }

        String doc() {
            return doc;
        }

        /** The text that the expected edits made. */
        String text() {
            return text;
        }

        int revision() {
            return rev;
        }

        /** Replaces {@code length} code units at {@code from} with {@code with} and waits for the ack: the next revision. */
        void replace(int from, int length, String with) throws Exception {
            int acknowledged;
            try {
                acknowledged = replica.replace(from, from + length, with).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("the healthy peer's edit was not acknowledged within " + TIMEOUT + "; " + trouble, e);
            }
            assertEquals(rev + 1, acknowledged, () -> "the revision of the healthy peer's edit; " + trouble);
            rev = acknowledged;
            text = text.substring(0, from) + with + text.substring(from + length);
        }

        /** Waits for the next change, which must be {@code client}'s and the next revision, and takes it into the text. */
        void othersEdit(String client) throws InterruptedException {
            RemoteChange change = changes.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(change != null, () -> "no change by " + client + " within " + TIMEOUT + "; " + trouble);
            assertEquals(client, change.author(), change::toString);
            assertEquals(rev + 1, change.revision(), change::toString);
            rev = change.revision();
            text = change.operation().apply(text);
        }

        /**
         * Still connected and editing, never told of an error or of a change it did not
         * expect, and the server's document is exactly what the expected edits made.
         */
        void assertUnaffected() throws Exception {
            replace(0, Math.min(1, text.length()), String.valueOf((char) ('A' + checks++ % 26)));
            assertTrue(trouble.isEmpty(), () -> "the healthy peer: " + trouble);
            assertTrue(changes.isEmpty(), () -> "the healthy peer got changes nobody made: " + changes);
            assertEquals(ConnectionState.CONNECTED, replica.state());
            assertTrue(text.equals(replica.text()), "the healthy peer's replica differs from what the valid edits made");
            JsonObject document = server.json("/api/docs/" + doc);
            assertEquals(rev, document.getInt("rev"), "revision");
            assertTrue(text.equals(document.getString("text")), () -> "the document's text is not what the valid edits made: "
                    + RawWebSocket.clip(document.getString("text")) + " instead of " + RawWebSocket.clip(text));
        }

        @Override
        public void changed(RemoteChange change) {
            changes.add(change);
        }

        @Override
        public void error(ConcordException error) {
            trouble.add("error: " + error.getMessage());
        }

        @Override
        public void stateChanged(ConnectionState state, Throwable cause) {
            if (state != ConnectionState.CONNECTED && !(state == ConnectionState.CLOSED && cause == null)) {
                trouble.add(state + ": " + cause);
            }
        }

        @Override
        public void close() {
            replica.close();
        }
    }
}
