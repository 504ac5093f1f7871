package app.concord.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.ot.InvalidOperationException;
import app.concord.ot.TextOperation;
import app.concord.protocol.ErrorCode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The library against {@link InMemoryServer}, the real authority behind a fake WebSocket
 * container: thread-safety, exactly-once across drops, argument checks, server errors.
 */
class RemoteDocumentTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final URI SERVER = URI.create("http://test.invalid/");

    private static ClientOptions options(InMemoryServer server, String client) {
        return ClientOptions.defaults().clientId(client).name(client).container(server.container())
                .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(1), Duration.ofMillis(20)))
                .opsPerSecond(1_000_000, 1_000_000);
    }

    /**
     * With batches, the server holds messages back at random and sends them together; a silent
     * client gets what was held at its next ping, so pings are frequent here.
     */
    private static ClientOptions options(InMemoryServer server, String client, boolean batches) {
        server.holdForBatches = batches;
        ClientOptions options = options(server, client).batches(batches);
        return batches ? options.pingInterval(Duration.ofMillis(1)) : options;
    }

    private static void assertBatched(InMemoryServer server, boolean batches) {
        if (batches) {
            assertTrue(server.batchFrames.get() > 0, "no batch was sent");
        } else {
            assertEquals(0, server.batchFrames.get(), "batches sent to clients that did not ask for them");
        }
    }

    @ParameterizedTest(name = "batches: {0}")
    @ValueSource(booleans = {false, true})
    void threadsEditingOneDocumentAtOnceLoseNothingAndConvergeWithTheServer(boolean batches) throws Exception {
        InMemoryServer server = new InMemoryServer(1);
        List<RemoteDocument> docs = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            for (int d = 0; d < 2; d++) {
                docs.add(Concord.connect(SERVER, "doc", options(server, "c" + d, batches)));
            }
            List<Future<List<CompletableFuture<Integer>>>> typing = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                RemoteDocument doc = docs.get(t % 2);
                String token = "<" + t + ">";
                Random random = new Random(t);
                typing.add(threads.submit(() -> {
                    List<CompletableFuture<Integer>> acks = new ArrayList<>();
                    for (int k = 0; k < 200; k++) {
                        acks.add(doc.edit(text -> TextOperation.splice(text.length(), tokenBoundary(text, random), 0, token)));
                        if (k % 50 == 0) {
                            doc.text(); // readers interleave with writers
                        }
                    }
                    return acks;
                }));
            }
            for (Future<List<CompletableFuture<Integer>>> f : typing) {
                for (CompletableFuture<Integer> ack : f.get()) {
                    assertTrue(ack.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS) > 0);
                }
            }
            for (RemoteDocument doc : docs) {
                doc.awaitAcknowledged(TIMEOUT);
            }
            awaitRevision(docs, server.authority.revision());
            for (RemoteDocument doc : docs) {
                assertEquals(server.text(), doc.text());
                assertEquals(0, doc.unacknowledgedEdits());
            }
            for (int t = 0; t < 8; t++) {
                assertEquals(200, count(server.text(), "<" + t + ">"), "token " + t);
            }
            assertBatched(server, batches);
        } finally {
            threads.shutdownNow();
            docs.forEach(RemoteDocument::close);
        }
    }

    @ParameterizedTest(name = "batches: {0}")
    @ValueSource(booleans = {false, true})
    void editsCountExactlyOnceWhenConnectionsDropBeforeTheirAcknowledgement(boolean batches) throws Exception {
        InMemoryServer server = new InMemoryServer(2);
        server.dropAfterApply = 0.2;
        try (RemoteDocument a = Concord.connect(SERVER, "doc", options(server, "a", batches));
                RemoteDocument b = Concord.connect(SERVER, "doc", options(server, "b", batches))) {
            for (int k = 0; k < 150; k++) {
                a.append("a" + k + ";");
                b.insert(0, "b" + k + ";");
                if (k % 20 == 0) {
                    b.reconnect();
                }
                if (k % 7 == 0) {
                    a.awaitAcknowledged(TIMEOUT);
                }
            }
            a.awaitAcknowledged(TIMEOUT);
            b.awaitAcknowledged(TIMEOUT);
            awaitRevision(List.of(a, b), server.authority.revision());
            assertEquals(server.text(), a.text());
            assertEquals(server.text(), b.text());
            for (int k = 0; k < 150; k++) {
                assertEquals(1, count(server.text(), "a" + k + ";"), "a" + k);
                assertEquals(1, count(server.text(), "b" + k + ";"), "b" + k);
            }
            assertTrue(server.connections.get() > 4, "connections were dropped: " + server.connections.get());
            assertBatched(server, batches);
        }
    }

    @Test
    void badArgumentsAreRejectedBeforeAnythingIsSent() throws Exception {
        InMemoryServer server = new InMemoryServer(3);
        try (RemoteDocument doc = Concord.connect(SERVER, "doc", options(server, "a"))) {
            doc.append("hello").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            int frames = server.framesReceived.get();
            assertThrows(IndexOutOfBoundsException.class, () -> doc.insert(6, "x"));
            assertThrows(IndexOutOfBoundsException.class, () -> doc.delete(3, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> doc.replace(-1, 2, "x"));
            assertThrows(NullPointerException.class, () -> doc.insert(0, null));
            assertThrows(InvalidOperationException.class, () -> doc.insert(0, "\uD83D"));
            assertThrows(InvalidOperationException.class, () -> doc.apply(TextOperation.identity(4)));
            assertThrows(IndexOutOfBoundsException.class, () -> doc.select(0, 6));
            assertEquals(frames, server.framesReceived.get());
            assertEquals("hello", doc.text());
        }
        assertThrows(IllegalArgumentException.class, () -> Concord.documentUri(SERVER, "no spaces"));
        assertThrows(IllegalArgumentException.class, () -> Concord.documentUri(URI.create("ftp://x/"), "doc"));
        assertThrows(IllegalArgumentException.class, () -> ClientOptions.defaults().clientId("ä"));
        assertThrows(IllegalArgumentException.class, () -> ClientOptions.defaults().name("n".repeat(101)));
        assertEquals(URI.create("wss://example.org:8443/concord/ws/docs/notes"),
                Concord.documentUri(URI.create("https://example.org:8443/concord/"), "notes"));
    }

    @Test
    void aServerErrorClosesTheDocumentAndFailsItsPendingEdits() throws Exception {
        InMemoryServer server = new InMemoryServer(4);
        List<Object> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        DocumentListener listener = new DocumentListener() {
            @Override
            public void error(ConcordException error) {
                events.add(error);
            }

            @Override
            public void stateChanged(ConnectionState state, Throwable cause) {
                events.add(state);
            }
        };
        RemoteDocument doc = Concord.connect(SERVER, "doc", options(server, "a"), listener);
        server.answerOpsWith = ErrorCode.BAD_OP;
        CompletableFuture<Integer> edit = doc.append("x");
        ExecutionException failed = assertThrows(ExecutionException.class, () -> edit.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        DocumentClosedException closed = assertInstanceOf(DocumentClosedException.class, failed.getCause());
        assertEquals(ErrorCode.BAD_OP, assertInstanceOf(ServerErrorException.class, closed.getCause()).code());
        assertEquals(ConnectionState.CLOSED, doc.state());
        assertEquals(ErrorCode.BAD_OP, ((ServerErrorException) doc.failure()).code());
        assertThrows(DocumentClosedException.class, () -> doc.append("y"));
        // Listeners hear events on the library's event thread, possibly after the edit's future failed.
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!events.contains(ConnectionState.CLOSED) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(events.contains(ConnectionState.CLOSED), events.toString());
        assertTrue(events.stream().anyMatch(e -> e instanceof ServerErrorException), events.toString());
    }

    @Test
    void theAuthorSecretGoesWithEveryJoinAndIsNeverShown() throws Exception {
        InMemoryServer server = new InMemoryServer(5);
        String secret = "build-bot-secret-0123456789abcdef";
        ClientOptions options = options(server, "bot").author(secret);
        assertTrue(!options.toString().contains(secret), options.toString());
        try (RemoteDocument bot = Concord.connect(SERVER, "doc", options)) {
            bot.append("generated");
            bot.awaitAcknowledged(TIMEOUT);
            bot.reconnect();
            bot.append(" again");
            bot.awaitAcknowledged(TIMEOUT);
        }
        assertTrue(server.joins.size() >= 2, "joins: " + server.joins.size());
        server.joins.forEach(j -> assertEquals(secret, j.author()));
        InMemoryServer other = new InMemoryServer(6);
        try (RemoteDocument anonymous = Concord.connect(SERVER, "doc", options(other, "anon"))) {
            assertEquals(null, other.joins.get(0).author());
        }
        assertThrows(IllegalArgumentException.class, () -> ClientOptions.defaults().author("short"));
        assertThrows(IllegalArgumentException.class, () -> ClientOptions.defaults().author("not a secret: spaces and colons"));
        assertEquals(null, ClientOptions.defaults().author(secret).author(null).author());
    }

    @Test
    void aRateLimitedConnectionIsRenewedAndItsEditStillCountsOnce() throws Exception {
        InMemoryServer server = new InMemoryServer(5);
        try (RemoteDocument doc = Concord.connect(SERVER, "doc", options(server, "a"))) {
            server.answerOpsWith = ErrorCode.RATE_LIMITED;
            CompletableFuture<Integer> edit = doc.append("x");
            while (server.connections.get() < 3) {
                Thread.onSpinWait();
            }
            server.answerOpsWith = null;
            assertEquals(1, edit.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            assertEquals("x", server.text());
        }
    }

    /**
     * The timing hooks of the load tool: each operation is reported sent (again after a drop
     * that lost it) before it is reported acknowledged, and acknowledged exactly once, whether
     * by an ack or by the catch-up of a resume, with the revision that the server made of it.
     */
    @Test
    void everyOperationIsReportedSentBeforeItsOneAcknowledgement() throws Exception {
        InMemoryServer server = new InMemoryServer(6);
        server.dropAfterApply = 0.3;
        Map<Long, Long> sentAt = new ConcurrentHashMap<>();
        Map<Long, Integer> acknowledged = new ConcurrentHashMap<>();
        List<String> wrong = new java.util.concurrent.CopyOnWriteArrayList<>();
        DocumentListener timing = new DocumentListener() {
            @Override
            public void operationSent(long seq, long sentNanos) {
                if (acknowledged.containsKey(seq) || sentNanos > System.nanoTime()) {
                    wrong.add("sent " + seq + " after its acknowledgement, or in the future");
                }
                sentAt.put(seq, sentNanos);
            }

            @Override
            public void operationAcknowledged(long seq, int revision) {
                if (!sentAt.containsKey(seq) || acknowledged.put(seq, revision) != null) {
                    wrong.add("acknowledged " + seq + " without a send, or twice");
                }
            }
        };
        try (RemoteDocument doc = Concord.connect(SERVER, "doc", options(server, "a"), timing)) {
            for (int k = 0; k < 60; k++) {
                doc.append("<" + k + ">");
                if (k % 5 == 0) {
                    doc.awaitAcknowledged(TIMEOUT);
                }
            }
            int last = doc.awaitAcknowledged(TIMEOUT);
            assertTrue(server.connections.get() > 2, "no connection was dropped");
            assertEquals(List.of(), wrong);
            assertEquals(sentAt.keySet(), acknowledged.keySet());
            List<Integer> revisions = new ArrayList<>(new java.util.TreeMap<>(acknowledged).values());
            for (int i = 1; i < revisions.size(); i++) {
                assertTrue(revisions.get(i) > revisions.get(i - 1), "revisions in the order of the seqs: " + revisions);
            }
            assertEquals(last, revisions.get(revisions.size() - 1));
        }
    }

    private static void awaitRevision(List<RemoteDocument> docs, int rev) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (RemoteDocument doc : docs) {
            while (doc.revision() < rev) {
                assertTrue(System.nanoTime() < deadline, "revision " + rev + " not reached: " + doc.revision());
                Thread.sleep(5);
            }
        }
    }

    /** A position not inside a token, so that every token survives whole. */
    private static int tokenBoundary(String text, Random random) {
        int pos = random.nextInt(text.length() + 1);
        while (pos < text.length() && text.charAt(pos) != '<') {
            pos++;
        }
        return pos;
    }

    private static int count(String text, String token) {
        int n = 0;
        for (int i = text.indexOf(token); i >= 0; i = text.indexOf(token, i + 1)) {
            n++;
        }
        return n;
    }
}
