package app.concord.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.client.ConnectionState;
import app.concord.client.RemoteDocument;
import app.concord.ot.Range;
import app.concord.ot.TextOperation;
import app.concord.protocol.ClientMessage;
import app.concord.protocol.JsonCodec;
import app.concord.traces.Trace;
import jakarta.json.JsonObject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Clients editing one document together through the deployed WAR end with the same text as
 * the HTTP API, lose nothing across dropped connections, and see each other arrive,
 * move and leave.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class CollaborationIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return ConcordDeployment.war();
    }

    @ArquillianResource
    private URL base;

    private ServerUnderTest server() {
        return new ServerUnderTest(base);
    }

    private JsonObject rest(String path) throws Exception {
        return server().json(path);
    }

    /** A library client on {@code doc}, under the test server's rate limit. */
    private RemoteDocument join(String doc, String client, String name) throws InterruptedException {
        return server().join(doc, ServerUnderTest.options(client).name(name));
    }

    private static void awaitRevision(RemoteDocument doc, int rev) throws InterruptedException {
        ServerUnderTest.awaitRevision(doc, rev, TIMEOUT);
    }

    @ParameterizedTest(name = "{0} clients typing at once converge on the text the HTTP API shows")
    @ValueSource(ints = {2, 5})
    void clientsTypingAtOnceConvergeOnTheServersText(int count) throws Exception {
        String doc = "converge-" + count;
        List<RemoteDocument> clients = new ArrayList<>();
        ExecutorService typists = Executors.newFixedThreadPool(count);
        try {
            for (int i = 0; i < count; i++) {
                clients.add(join(doc, "c" + i, "Client " + i));
            }
            List<Future<?>> typing = new ArrayList<>();
            int[] tokensTyped = new int[count];
            for (int i = 0; i < count; i++) {
                RemoteDocument c = clients.get(i);
                Random random = new Random(1234L * count + i);
                String token = "<" + i + ">";
                int index = i;
                typing.add(typists.submit((Callable<Void>) () -> {
                    for (int k = 0; k < 150; k++) {
                        c.edit(text -> {
                            int dot = text.indexOf('.', random.nextInt(text.length() + 1));
                            if (dot >= 0 && random.nextInt(4) == 0) {
                                // deletes remove filler dots only, so every token can be counted at the end
                                return TextOperation.splice(text.length(), dot, 1, "");
                            }
                            boolean typed = random.nextBoolean();
                            tokensTyped[index] += typed ? 1 : 0;
                            return TextOperation.splice(text.length(),
                                    boundaryAtOrAfter(text, random.nextInt(text.length() + 1)), 0, typed ? token : "..");
                        });
                        if (k % 10 == 0) {
                            Thread.yield();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : typing) {
                f.get();
            }
            for (RemoteDocument c : clients) {
                c.awaitAcknowledged(TIMEOUT);
            }
            int finalRev = clients.stream().mapToInt(RemoteDocument::revision).max().orElseThrow();
            for (RemoteDocument c : clients) {
                awaitRevision(c, finalRev);
            }
            JsonObject server = rest("/api/docs/" + doc);
            for (RemoteDocument c : clients) {
                assertEquals(server.getString("text"), c.text(), "replica of " + clients.indexOf(c));
                assertEquals(server.getInt("rev"), c.revision());
                assertEquals(ConnectionState.CONNECTED, c.state(), String.valueOf(c.failure()));
            }
            for (int i = 0; i < count; i++) {
                assertEquals(tokensTyped[i], occurrences(server.getString("text"), "<" + i + ">"), "edits of client " + i);
            }
        } finally {
            typists.shutdownNow();
            clients.forEach(RemoteDocument::close);
        }
    }

    /** The first position at or after {@code pos} that is not inside a token, so tokens stay whole. */
    static int boundaryAtOrAfter(String text, int pos) {
        while (pos > 0 && pos < text.length() && text.lastIndexOf('<', pos - 1) > text.lastIndexOf('>', pos - 1)) {
            pos++;
        }
        return pos;
    }

    static int occurrences(String text, String token) {
        int n = 0;
        for (int i = text.indexOf(token); i >= 0; i = text.indexOf(token, i + token.length())) {
            n++;
        }
        return n;
    }

    @Test
    void anEditSentRightBeforeTheConnectionDropsLandsExactlyOnce() throws Exception {
        String doc = "resume";
        try (RemoteDocument writer = join(doc, "w", "Writer");
                RemoteDocument watcher = join(doc, "v", "Watcher")) {
            for (int round = 0; round < 20; round++) {
                writer.append("[" + round + "]");
                writer.reconnect();
                writer.awaitAcknowledged(TIMEOUT);
            }
            awaitRevision(watcher, writer.revision());
            String text = rest("/api/docs/" + doc).getString("text");
            for (int round = 0; round < 20; round++) {
                assertEquals(1, occurrences(text, "[" + round + "]"), "round " + round + " in " + text);
            }
            assertEquals(text, writer.text());
            assertEquals(text, watcher.text());
            assertEquals(20, writer.revision(), "one revision per edit, none applied twice");
        }
    }

    @Test
    void aRecordedTraceReplayedThroughTheEndpointEndsAtItsFinalText() throws Exception {
        Trace trace = Trace.load("sveltecomponent");
        try (RemoteDocument writer = join("trace", "t", "Trace");
                RemoteDocument reader = join("trace", "r", "Reader")) {
            for (Trace.Patch patch : trace.patches()) {
                writer.replace(patch.pos(), patch.pos() + patch.deleteCount(), patch.inserted());
            }
            writer.awaitAcknowledged(TIMEOUT);
            awaitRevision(reader, writer.revision());
            assertEquals(trace.endContent(), writer.text());
            assertEquals(trace.endContent(), reader.text());
            assertEquals(trace.endContent(), rest("/api/docs/trace").getString("text"));
        }
    }

    /** On raw sockets, to see the frames themselves: the welcome's peers and catch-up, presence, a cursor moved by the server. */
    @Test
    void peersSeeEachOtherArriveMoveAndLeave() throws Exception {
        String doc = "presence";
        try (RawWebSocket ada = server().raw(doc, TIMEOUT)) {
            ada.sendText(JsonCodec.encode(new ClientMessage.Join("ada", "Ada", null)));
            assertEquals(0, ada.await("welcome", TIMEOUT).getJsonArray("peers").size());
            ada.sendText(ServerUnderTest.opFrame(0, 1, TextOperation.splice(0, 0, 0, "hello")));
            ada.await("ack", TIMEOUT);
            try (RawWebSocket bob = server().raw(doc, TIMEOUT)) {
                bob.sendText(JsonCodec.encode(new ClientMessage.Join("bob", "Bob", 0)));
                JsonObject welcome = bob.await("welcome", TIMEOUT);
                assertEquals(1, welcome.getInt("rev"));
                assertEquals("ada", welcome.getJsonArray("ops").getJsonObject(0).getString("client"));
                JsonObject adaPeer = welcome.getJsonArray("peers").getJsonObject(0);
                assertEquals("Ada", adaPeer.getString("name"));
                assertTrue(adaPeer.getString("color").matches("#[0-9a-f]{6}"));
                JsonObject joined = ada.await("peer-joined", TIMEOUT).getJsonObject("peer");
                assertEquals("bob", joined.getString("client"));
                assertEquals("Bob", joined.getString("name"));

                // Bob's caret after "hello" at revision 1; Ada has meanwhile typed at the start.
                ada.sendText(ServerUnderTest.opFrame(1, 2, TextOperation.splice(5, 0, 0, ">> ")));
                ada.await("ack", TIMEOUT);
                bob.sendText(JsonCodec.encode(new ClientMessage.Cursor(1, List.of(new Range(5, 5)))));
                JsonObject cursor = ada.await("cursor", TIMEOUT);
                assertEquals("bob", cursor.getString("client"));
                assertEquals(2, cursor.getInt("rev"));
                assertEquals(8, cursor.getJsonArray("ranges").getJsonArray(0).getInt(0));

                bob.sendText(JsonCodec.encode(new ClientMessage.Ping()));
                bob.await("pong", TIMEOUT);
                bob.closeGracefully(TIMEOUT);
            }
            assertEquals("bob", ada.await("peer-left", TIMEOUT).getString("client"));
        }
    }

    /**
     * On raw sockets: a client that asked for batches at join gets every operation once and in
     * order, those that wait together in one batch frame; a client that did not ask never gets
     * a batch. Operations sent back to back without waiting for acks are committed in groups,
     * so that many wait together.
     */
    @Test
    void aClientThatAskedForBatchesGetsWaitingMessagesInOneFrame() throws Exception {
        String doc = "batches";
        int ops = 300;
        try (RawWebSocket plain = server().rawJoined(doc, "plain");
                RawWebSocket batched = server().raw(doc, TIMEOUT);
                RawWebSocket writer = server().rawJoined(doc, "writer")) {
            batched.sendText(JsonCodec.encode(new ClientMessage.Join("batched", null, null, null, true)));
            batched.await("welcome", TIMEOUT);
            for (int i = 0; i < ops; i++) {
                writer.sendText(ServerUnderTest.opFrame(i, i + 1, TextOperation.splice(i, 0, 0, "x")));
            }
            assertTrue(opsInOrder(batched, ops, true) > 0, "no batch frame among " + ops + " operations");
            opsInOrder(plain, ops, false);
        }
    }

    /**
     * Reads {@code ws} until revision {@code ops} has come, checking that revisions 1..ops come
     * in order; returns how many batch frames carried them (none allowed unless {@code batches}).
     */
    private static int opsInOrder(RawWebSocket ws, int ops, boolean batches) throws Exception {
        int rev = 0;
        int batchFrames = 0;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (rev < ops) {
            RawWebSocket.Frame frame = ws.read(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            assertEquals(RawWebSocket.TEXT, frame.opcode(), "frame of opcode " + frame.opcode() + " after revision " + rev);
            JsonObject message = ServerUnderTest.parse(frame.text());
            List<JsonObject> messages = new ArrayList<>();
            if (message.getString("type").equals("batch")) {
                assertTrue(batches, "a batch for a client that did not ask for it: " + RawWebSocket.clip(frame.text()));
                batchFrames++;
                message.getJsonArray("messages").forEach(m -> messages.add(m.asJsonObject()));
            } else {
                messages.add(message);
            }
            for (JsonObject m : messages) {
                if (m.getString("type").equals("op")) {
                    assertEquals(++rev, m.getInt("rev"));
                }
            }
        }
        return batchFrames;
    }

    /** On raw sockets: the library would take the replacement for a dropped connection and come back. */
    @Test
    void aSecondConnectionOfTheSameClientReplacesTheFirst() throws Exception {
        String doc = "replace";
        try (RawWebSocket watcher = server().rawJoined(doc, "w");
                RawWebSocket first = server().rawJoined(doc, "tab")) {
            watcher.await("peer-joined", TIMEOUT);
            try (RawWebSocket second = server().raw(doc, TIMEOUT)) {
                second.sendText(JsonCodec.encode(new ClientMessage.Join("tab", null, 0)));
                second.await("welcome", TIMEOUT);
                first.awaitClose(TIMEOUT);
                second.sendText(ServerUnderTest.opFrame(0, 1, TextOperation.splice(0, 0, 0, "still here")));
                second.await("ack", TIMEOUT);
                JsonObject op = watcher.await("op", TIMEOUT);
                assertEquals("tab", op.getString("client"));
                watcher.expectSilence(Duration.ofMillis(300));
            }
        }
    }
}
