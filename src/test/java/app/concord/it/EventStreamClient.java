package app.concord.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client of the compatibility transport (PROTOCOL.md) on the JDK's HttpClient: one event
 * stream read by a thread of its own, and numbered POSTs. Every event is queued with the
 * {@link System#nanoTime()} of its arrival; comment lines (heartbeats) are counted.
 */
final class EventStreamClient implements AutoCloseable {

    /** One event: {@code name} is null for a protocol message. */
    record Event(String id, String name, String data, long nanos) {
        JsonObject json() {
            try (JsonReader reader = Json.createReader(new StringReader(data))) {
                return reader.readObject();
            }
        }

        String type() {
            return name != null ? name : json().getString("type", null);
        }
    }

    private final HttpClient http;
    private final URI events;
    private final URI messages;
    private final Duration timeout;
    private final BlockingQueue<Event> inbox = new LinkedBlockingQueue<>();
    private final List<Event> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger comments = new AtomicInteger();
    private volatile InputStream stream;
    private volatile String lastEventId;
    private volatile boolean streamEnded;
    private volatile HttpResponse<InputStream> opened;
    private String token;
    private long nextMessage = 1;

    private EventStreamClient(HttpClient http, URI server, String docId, Duration timeout) {
        this.http = http;
        this.events = server.resolve("/api/docs/" + docId + "/events");
        this.messages = server.resolve("/api/docs/" + docId + "/messages");
        this.timeout = timeout;
    }

    /** Opens a new session on {@code docId} at {@code server} ({@code http://host:port/}) and waits for its token. */
    static EventStreamClient open(HttpClient http, URI server, String docId, Duration timeout) throws Exception {
        EventStreamClient client = new EventStreamClient(http, server, docId, timeout);
        int status = client.connect(null);
        if (status != 200) {
            throw new AssertionError("opening the event stream answered " + status);
        }
        Event session = client.next(timeout);
        if (!"session".equals(session.name())) {
            throw new AssertionError("the first event is not the session: " + session);
        }
        client.token = session.json().getString("session");
        return client;
    }

    /** Opens a stream, resuming after {@code lastId} when it is not null; the status, reading on when 200. */
    private int connect(String lastId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(events).header("Accept", "text/event-stream").GET();
        if (lastId != null) {
            request.header("Last-Event-ID", lastId);
        }
        HttpResponse<InputStream> response = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream())
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        opened = response;
        if (response.statusCode() != 200) {
            response.body().close();
            return response.statusCode();
        }
        streamEnded = false;
        stream = response.body();
        InputStream body = response.body();
        Thread reader = new Thread(() -> read(body), "event-stream-reader");
        reader.setDaemon(true);
        reader.start();
        return 200;
    }

    /** The response that opened the current stream (its headers). */
    HttpResponse<InputStream> openedBy() {
        return opened;
    }

    private void read(InputStream body) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            String name = null;
            StringBuilder data = null;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        if (id != null) {
                            lastEventId = id;
                        }
                        Event event = new Event(id, name, data.toString(), System.nanoTime());
                        received.add(event);
                        inbox.add(event);
                    }
                    id = null;
                    name = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    comments.incrementAndGet();
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> name = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        default -> { } // retry
                    }
                }
            }
        } catch (IOException e) {
            // the stream was dropped; streamEnded says so
        } finally {
            if (stream == body) {
                streamEnded = true;
            }
        }
    }

    /** Drops the stream at once, as a network failure would; the session stays on the server. */
    void dropStream() throws IOException {
        InputStream s = stream;
        stream = null;
        if (s != null) {
            s.close();
        }
    }

    /** Opens a new stream of this session after the last event received; the status (200: reading). */
    int resume() throws Exception {
        return resume(lastEventId);
    }

    int resume(String lastId) throws Exception {
        dropStream();
        return connect(lastId);
    }

    /** POSTs {@code json} as this session's next message; the answer. */
    HttpResponse<String> post(String json) throws Exception {
        return post(nextMessage++, json);
    }

    /** POSTs {@code json} as message {@code number}: a repeat when it was sent before. */
    HttpResponse<String> post(long number, String json) throws Exception {
        return post(number, json, "application/json");
    }

    HttpResponse<String> post(long number, String json, String contentType, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(messages).timeout(timeout)
                .header("Content-Type", contentType).header("Concord-Message", Long.toString(number))
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Concord-Session", token);
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POSTs {@code json} as the next message and fails unless it is accepted (202). */
    void send(String json) throws Exception {
        HttpResponse<String> response = post(json);
        if (response.statusCode() != 202) {
            throw new AssertionError(json + " -> " + response.statusCode() + " " + response.body());
        }
    }

    /** The number the next {@link #post(String)} will carry. */
    long nextMessage() {
        return nextMessage;
    }

    String token() {
        return token;
    }

    String lastEventId() {
        return lastEventId;
    }

    /** The next event, or an AssertionError after {@code wait}. */
    Event next(Duration wait) throws InterruptedException {
        Event event = inbox.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError("no event within " + wait + "; received " + received);
        }
        return event;
    }

    /** The next event, or null when none comes within {@code wait}. */
    Event poll(Duration wait) throws InterruptedException {
        return inbox.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Skips events until one of {@code type} (a protocol type, or {@code close}) and returns it. */
    Event await(String type, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Event event = left > 0 ? inbox.poll(left, TimeUnit.NANOSECONDS) : null;
            if (event == null) {
                throw new AssertionError("no " + type + " within " + wait + "; received " + received);
            }
            if (type.equals(event.type())) {
                return event;
            }
        }
    }

    /** Every event of this client so far, in order. */
    List<Event> received() {
        return List.copyOf(received);
    }

    int comments() {
        return comments.get();
    }

    boolean streamEnded() {
        return streamEnded;
    }

    @Override
    public void close() throws IOException {
        dropStream();
    }
}
