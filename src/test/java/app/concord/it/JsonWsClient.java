package app.concord.it;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;

import org.glassfish.tyrus.client.ClientManager;

/**
 * Blocking WebSocket test client (Tyrus) for JSON text messages.
 *
 * <p>Every received text frame is queued; tests take them with {@link #next(Duration)} or
 * {@link #await(String, Duration)}, which block up to a timeout (no sleeping). Everything
 * received stays in {@link #received()} for failure messages.
 *
 * <pre>{@code
 * try (JsonWsClient c = JsonWsClient.connect(ConcordDeployment.ws(base, "/ws/docs/smoke"))) {
 *     c.send(Json.createObjectBuilder().add("type", "join").add("client", "it1").build());
 *     JsonObject welcome = c.await("welcome", Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class JsonWsClient implements AutoCloseable {

    /** A received frame that was not a JSON object (kept as raw text). */
    private record Frame(String text) {
    }

    private final ClientManager container;
    private final BlockingQueue<Frame> inbox = new LinkedBlockingQueue<>();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile CloseReason closeReason;
    private volatile Throwable error;
    private volatile Session session;

    private JsonWsClient(ClientManager container) {
        this.container = container;
    }

    /** Opens a connection to {@code uri} (ws://...), failing if the handshake does not succeed. */
    public static JsonWsClient connect(URI uri) throws IOException, DeploymentException {
        ClientManager container = ClientManager.createClient();
        JsonWsClient client = new JsonWsClient(container);
        try {
            client.session = container.connectToServer(client.new Listener(),
                    ClientEndpointConfig.Builder.create().build(), uri);
        } catch (IOException | DeploymentException | RuntimeException e) {
            container.shutdown();
            throw e;
        }
        return client;
    }

    private final class Listener extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
                received.add(text);
                inbox.add(new Frame(text));
            });
        }

        @Override
        public void onClose(Session session, CloseReason reason) {
            closeReason = reason;
            closed.countDown();
        }

        @Override
        public void onError(Session session, Throwable thr) {
            error = thr;
        }
    }

    /** Sends one JSON object as a text frame. */
    public void send(JsonObject message) throws IOException {
        send(message.toString());
    }

    /** Sends raw text (for malformed-input tests). */
    public void send(String text) throws IOException {
        try {
            session.getBasicRemote().sendText(text);
        } catch (RejectedExecutionException connectionEnded) {
            // Tyrus writes the frame, then re-arms the session's idle timer on the client's
            // executor, which it shuts down as soon as the connection has ended: a server that
            // answers the frame at once by closing (as with every bad message) can be faster than
            // that. The frame was written (or its write failed, the connection having ended);
            // either way, what the server answered is for the caller to check.
        } catch (RuntimeException e) {
            throw new AssertionError("cannot send" + describe(), e);
        }
    }

    /** The next received message, waiting up to {@code timeout}; fails on timeout or non-JSON text. */
    public JsonObject next(Duration timeout) throws InterruptedException {
        Frame frame = inbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (frame == null) {
            throw new AssertionError("no message within " + timeout + describe());
        }
        return parse(frame.text());
    }

    /**
     * The next message whose {@code "type"} is {@code type}, waiting up to {@code timeout} in all.
     * Messages of other types received before it are consumed (they stay in {@link #received()}).
     */
    public JsonObject await(String type, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> skipped = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            Frame frame = left > 0 ? inbox.poll(left, TimeUnit.NANOSECONDS) : inbox.poll();
            if (frame == null) {
                throw new AssertionError("no message of type \"" + type + "\" within " + timeout
                        + "; skipped meanwhile: " + skipped + describe());
            }
            JsonObject message = parse(frame.text());
            if (type.equals(message.getString("type", null))) {
                return message;
            }
            skipped.add(frame.text());
        }
    }

    /** Asserts that no message arrives within {@code window}. */
    public void expectNoMessage(Duration window) throws InterruptedException {
        Frame frame = inbox.poll(window.toNanos(), TimeUnit.NANOSECONDS);
        if (frame != null) {
            throw new AssertionError("expected no message within " + window + " but got " + frame.text());
        }
    }

    /** Waits until the server closes the connection and returns its close reason. */
    public CloseReason awaitClose(Duration timeout) throws InterruptedException {
        if (!closed.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new AssertionError("connection not closed within " + timeout + describe());
        }
        return closeReason;
    }

    /** Every text frame received so far, in order. */
    public List<String> received() {
        return List.copyOf(received);
    }

    public boolean isOpen() {
        Session s = session;
        return s != null && s.isOpen();
    }

    @Override
    public void close() throws IOException {
        try {
            Session s = session;
            if (s != null && s.isOpen()) {
                s.close();
            }
        } finally {
            container.shutdown();
        }
    }

    private static JsonObject parse(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        } catch (JsonException e) {
            throw new AssertionError("received text is not a JSON object: " + text, e);
        }
    }

    private String describe() {
        StringBuilder sb = new StringBuilder("; received so far: ").append(received);
        if (closeReason != null) {
            sb.append("; closed: ").append(closeReason);
        }
        if (error != null) {
            sb.append("; error: ").append(error);
        }
        return sb.toString();
    }
}
