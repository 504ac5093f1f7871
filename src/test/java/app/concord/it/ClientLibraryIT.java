package app.concord.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.client.ClientOptions;
import app.concord.client.Concord;
import app.concord.client.ConcordException;
import app.concord.client.ConnectionState;
import app.concord.client.DocumentClosedException;
import app.concord.client.DocumentListener;
import app.concord.client.ReconnectPolicy;
import app.concord.client.RemoteChange;
import app.concord.client.RemoteDocument;
import app.concord.client.ServerErrorException;
import app.concord.ot.Range;
import app.concord.ot.TextOperation;
import app.concord.protocol.ErrorCode;
import app.concord.protocol.Peer;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Java client library (app.concord.client) against the deployed WAR: several clients
 * converge while their connections drop at random, every edit counts exactly once across
 * reconnects, presence reaches the others, the server's errors arrive typed, and one client
 * keeps up thousands of acknowledged edits a second.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
public class ClientLibraryIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return ConcordDeployment.war();
    }

    @ArquillianResource
    private URL base;

    private URI server() {
        return ConcordDeployment.http(base, "/");
    }

    /** The test server allows 2000 ops/s with bursts of 2000 (pom.xml): the clients stay under it. */
    private static ClientOptions options(String client) {
        return ClientOptions.defaults().clientId(client).name("Client " + client).opsPerSecond(1800, 1800)
                .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(20), Duration.ofSeconds(1)));
    }

    private JsonObject rest(String path) throws Exception {
        return new ServerUnderTest(base).json(path);
    }

    @Test
    void clientsWhoseConnectionsDropAtRandomConvergeOnTheServersTextWithEveryEditOnce() throws Exception {
        String doc = "library-converge";
        int count = 4;
        List<RemoteDocument> clients = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                clients.add(Concord.connect(server(), doc, options("c" + i)));
            }
            Random random = new Random(16);
            for (int k = 0; k < 150; k++) {
                int i = random.nextInt(count);
                RemoteDocument c = clients.get(i);
                String token = "<" + i + ":" + k + ">";
                c.edit(text -> {
                    int pos = random.nextInt(text.length() + 1);
                    while (pos < text.length() && text.charAt(pos) != '<') {
                        pos++; // never inside another token
                    }
                    return TextOperation.splice(text.length(), pos, 0, token);
                });
                if (random.nextInt(15) == 0) {
                    clients.get(random.nextInt(count)).reconnect();
                }
            }
            for (RemoteDocument c : clients) {
                c.awaitAcknowledged(TIMEOUT);
            }
            JsonObject state = awaitSameRevision(doc, clients);
            String text = state.getString("text");
            for (RemoteDocument c : clients) {
                assertEquals(text, c.text(), c.clientId());
            }
            for (int k = 0; k < 150; k++) {
                int found = 0;
                for (int i = 0; i < count; i++) {
                    found += CollaborationIT.occurrences(text, "<" + i + ":" + k + ">");
                }
                assertEquals(1, found, "edit " + k + " in " + text);
            }
        } finally {
            clients.forEach(RemoteDocument::close);
        }
    }

    @Test
    void editsMadeWhileReconnectingReachTheServerExactlyOnce() throws Exception {
        String doc = "library-exactly-once";
        try (RemoteDocument writer = Concord.connect(server(), doc, options("writer"))) {
            List<CompletableFuture<Integer>> acks = new ArrayList<>();
            for (int round = 0; round < 20; round++) {
                writer.reconnect();
                for (int k = 0; k < 5; k++) {
                    acks.add(writer.append("[" + round + "." + k + "]"));
                }
            }
            for (CompletableFuture<Integer> ack : acks) {
                assertTrue(ack.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS) > 0);
            }
            String text = rest("/api/docs/" + doc).getString("text");
            StringBuilder expected = new StringBuilder();
            for (int round = 0; round < 20; round++) {
                for (int k = 0; k < 5; k++) {
                    expected.append("[").append(round).append(".").append(k).append("]");
                }
            }
            assertEquals(expected.toString(), text);
            assertEquals(text, writer.text());
        }
    }

    @Test
    void peersSeeEachOtherArriveEditMoveTheirCursorAndLeave() throws Exception {
        String doc = "library-presence";
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        DocumentListener watcher = new DocumentListener() {
            @Override
            public void peerJoined(Peer peer) {
                seen.add("joined " + peer.client() + " " + peer.name());
            }

            @Override
            public void peerLeft(Peer peer) {
                seen.add("left " + peer.client());
            }

            @Override
            public void cursorMoved(Peer peer) {
                seen.add("cursor " + peer.client() + " " + peer.ranges());
            }

            @Override
            public void changed(RemoteChange change) {
                seen.add("change by " + change.author() + " " + change.operation());
            }
        };
        try (RemoteDocument ada = Concord.connect(server(), doc, options("ada"), watcher)) {
            ada.append("Hello").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            RemoteDocument bob = Concord.connect(server(), doc, options("bob"));
            assertEquals("joined bob Client bob", next(seen, "joined"));
            assertEquals("Hello", bob.text());
            assertEquals(List.of("ada"), bob.peers().stream().map(Peer::client).toList());
            bob.append(" world").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertEquals("change by bob [5,\" world\"]", next(seen, "change"));
            bob.select(0, 5);
            assertEquals("cursor bob [Range[anchor=0, head=5]]", next(seen, "cursor"));
            assertEquals(List.of(new Range(0, 5)), ada.peers().get(0).ranges());
            bob.close();
            assertEquals("left bob", next(seen, "left"));
            assertEquals("Hello world", ada.text());
        }
    }

    @Test
    void aReadOnlyLinkWatchesButCannotEdit() throws Exception {
        String doc = "library-read-only";
        String readOnlyId = rest("/api/docs/" + doc + "/read-only").getString("readOnlyId");
        try (RemoteDocument writer = Concord.connect(server(), doc, options("author"));
                RemoteDocument reader = Concord.connect(server(), readOnlyId, options("reader"))) {
            assertTrue(reader.isReadOnly());
            assertThrows(IllegalStateException.class, () -> reader.append("x"));
            writer.append("news").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!reader.text().equals("news")) {
                assertTrue(System.nanoTime() < deadline, "the reader never saw the edit: " + reader.text());
                Thread.sleep(10);
            }
        }
    }

    @Test
    void anEditTheServerRefusesClosesTheDocumentWithTheServersErrorCode() throws Exception {
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        DocumentListener listener = new DocumentListener() {
            @Override
            public void stateChanged(ConnectionState state, Throwable cause) {
                events.add(state);
            }

            @Override
            public void error(ConcordException error) {
                events.add(error);
            }
        };
        RemoteDocument doc = Concord.connect(server(), "library-too-large", options("big"), listener);
        // The test server takes messages of at most 65536 characters.
        CompletableFuture<Integer> edit = doc.append("x".repeat(70_000));
        ExecutionException failed = assertThrows(ExecutionException.class, () -> edit.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        ServerErrorException error = assertInstanceOf(ServerErrorException.class,
                assertInstanceOf(DocumentClosedException.class, failed.getCause()).getCause());
        assertEquals(ErrorCode.TOO_LARGE, error.code());
        assertEquals(ConnectionState.CLOSED, doc.state());
        assertThrows(DocumentClosedException.class, () -> doc.append("y"));
        assertEquals(0, rest("/api/docs/library-too-large").getInt("rev"));
        List<Object> seen = new ArrayList<>();
        events.drainTo(seen);
        assertTrue(seen.contains(ConnectionState.CLOSED) && seen.contains(error), seen.toString());
    }

    @Test
    void aServerThatIsNotThereFailsTheConnectAfterItsTimeout() {
        URI nowhere = URI.create("http://127.0.0.1:9/");
        ConcordException e = assertThrows(ConcordException.class, () -> Concord.connect(nowhere, "doc",
                options("lost").connectTimeout(Duration.ofSeconds(2))));
        assertTrue(e.getMessage().contains("no connection to ws://127.0.0.1:9/ws/docs/doc"), e.getMessage());
    }

    /**
     * A client offered 3,000 single-character edits a second for five seconds (three every
     * millisecond, as a fast bot or a paste-by-keystroke would) keeps up: the edits are
     * acknowledged at the rate they are made, composed into one operation message per round
     * trip. The figures are printed to the test's output; only a generous floor is asserted.
     */
    @Test
    void oneClientSustainsThousandsOfAcknowledgedEditsASecond() throws Exception {
        int perMilli = 3;
        int millis = 5_000;
        try (RemoteDocument doc = Concord.connect(server(), "library-throughput", options("fast"))) {
            doc.append("warm-up").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            int revBefore = doc.revision();
            long start = System.nanoTime();
            CompletableFuture<Integer> last = null;
            for (int ms = 0; ms < millis; ms++) {
                while (System.nanoTime() - start < ms * 1_000_000L) {
                    Thread.onSpinWait();
                }
                for (int k = 0; k < perMilli; k++) {
                    last = doc.insert(doc.length(), String.valueOf((char) ('a' + (ms + k) % 26)));
                }
            }
            last.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;
            int edits = perMilli * millis;
            int messages = doc.revision() - revBefore;
            double perSecond = edits / seconds;
            System.out.printf("ClientLibraryIT throughput: %d edits offered at %d/s, all acknowledged after %.2f s = %.0f "
                    + "acknowledged edits/s, in %d operation messages (%.0f/s, %.1f edits each)%n", edits, perMilli * 1000,
                    seconds, perSecond, messages, messages / seconds, (double) edits / messages);
            assertEquals(7 + edits, rest("/api/docs/library-throughput").getString("text").length());
            assertTrue(perSecond >= 1000, "only " + perSecond + " acknowledged edits a second");
        }
    }

    /** Waits until the server and every client are at the same revision; returns the server's state. */
    private JsonObject awaitSameRevision(String doc, List<RemoteDocument> clients) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            JsonObject state = rest("/api/docs/" + doc);
            if (clients.stream().allMatch(c -> c.revision() == state.getInt("rev"))) {
                return state;
            }
            assertTrue(System.nanoTime() < deadline, "revisions differ: server " + state.getInt("rev") + ", clients "
                    + clients.stream().map(RemoteDocument::revision).toList());
            Thread.sleep(20);
        }
    }

    /** The next event starting with {@code kind}, skipping others. */
    private static String next(BlockingQueue<String> events, String kind) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<String> skipped = new ArrayList<>();
        while (true) {
            String e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("no \"" + kind + "\" event; skipped " + skipped);
            }
            if (e.startsWith(kind)) {
                return e;
            }
            skipped.add(e);
        }
    }
}
