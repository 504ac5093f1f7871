package app.concord.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A lean WebSocket client on the JDK's {@link HttpClient}, for tests that open many
 * connections or read many frames: one shared HttpClient serves every connection (a Tyrus
 * {@code ClientManager} per connection, as in {@link JsonWsClient}, is too heavy for
 * thousands), and each text frame is queued with the {@link System#nanoTime()} of its arrival.
 */
final class JdkWsClient implements AutoCloseable {

    /** A received text message and when it arrived. */
    record Received(String text, long nanos) {
        JsonObject json() {
            try (JsonReader reader = Json.createReader(new StringReader(text))) {
                return reader.readObject();
            }
        }

        String type() {
            return json().getString("type", null);
        }
    }

    /** Marks a binary message from the server, which the protocol never sends. */
    static final String BINARY = "<binary message>";

    private final BlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private final WebSocket ws;

    private JdkWsClient(HttpClient http, URI uri, Duration timeout) throws Exception {
        CompletableFuture<WebSocket> opening = http.newWebSocketBuilder().connectTimeout(timeout).buildAsync(uri, new Listener());
        try {
            ws = opening.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            opening.thenAccept(WebSocket::abort); // should the answer still come
            throw e;
        }
    }

    /** Opens a connection (the handshake only). */
    static JdkWsClient connect(HttpClient http, URI uri, Duration timeout) throws Exception {
        return new JdkWsClient(http, uri, timeout);
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                inbox.add(new Received(partial.toString(), System.nanoTime()));
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            if (last) {
                inbox.add(new Received(BINARY, System.nanoTime()));
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
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    void send(String text, Duration timeout) throws Exception {
        ws.sendText(text, true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    void sendBinary(byte[] data, Duration timeout) throws Exception {
        ws.sendBinary(ByteBuffer.wrap(data), true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next message, or null after {@code timeout}. */
    Received poll(Duration timeout) throws InterruptedException {
        return inbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The next message of {@code type}; others before it are dropped, and listed if it never comes. */
    JsonObject await(String type, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> skipped = new ArrayList<>();
        while (true) {
            Received r = inbox.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (r == null) {
                throw new AssertionError("no \"" + type + "\" within " + timeout + "; skipped " + clip(skipped.toString())
                        + (closed.isDone() ? "; closed: " + closed.handle((code, failure) -> code != null ? code : failure).join() : ""));
            }
            if (!r.text().equals(BINARY)) {
                JsonObject message = r.json();
                if (type.equals(message.getString("type", null))) {
                    return message;
                }
            }
            skipped.add(r.text());
        }
    }

    /** Completes with the close code the server sent, or exceptionally when the connection failed. */
    CompletableFuture<Integer> closed() {
        return closed;
    }

    boolean isOpen() {
        return !ws.isInputClosed() && !ws.isOutputClosed();
    }

    /** Ends the connection properly: a close frame, then waits briefly for the server's. */
    void closeGracefully(Duration timeout) throws Exception {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            ws.abort();
        }
    }

    /** Drops the TCP connection without a close frame, as a crashed browser or a lost network would. */
    void abort() {
        ws.abort();
    }

    @Override
    public void close() {
        ws.abort();
    }

    static String clip(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "... (" + s.length() + " chars)";
    }
}
