package app.concord.load;

import app.concord.client.ClientDocument;
import app.concord.ot.TextOperation;
import app.concord.protocol.ClientMessage;
import app.concord.protocol.JsonCodec;
import app.concord.protocol.Revision;
import app.concord.protocol.ServerMessage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
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
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One protocol v1 session of the load tool over the compatibility transport (PROTOCOL.md):
 * server messages from one event stream, read by a thread of its own, and client messages as
 * numbered POSTs, one at a time, each sent when the previous one was answered (later ones
 * wait in a queue, so typing never blocks on the network). The replica and the figures are
 * those of the WebSocket clients: a {@link ClientDocument} with one operation in flight, and
 * {@link Metrics} stamped when an operation is handed to the transport. No resumes: a stream
 * that ends or a POST that is refused is an error of the run.
 */
final class FallbackClient implements Transports.Member {

    /** For the session event only (messages go through {@link JsonCodec}); made once, as a ServiceLoader look-up is slow. */
    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

    private final HttpClient http;
    private final URI messages;
    private final Metrics metrics;
    private final String client;
    private final Queue<String> outbox = new ArrayDeque<>();
    private String token;
    private long nextMessage = 1;
    private boolean posting;
    private ClientDocument document;
    private boolean welcomed;
    private boolean closed;
    private InputStream stream;

    private FallbackClient(HttpClient http, String base, Metrics metrics, String client) {
        this.http = http;
        this.messages = URI.create(base + "/messages");
        this.metrics = metrics;
        this.client = client;
    }

    /**
     * Opens a session on the document at {@code documentUrl} ({@code http://host:port/api/docs/ID}),
     * joins as a fresh client and waits for the welcome.
     */
    static FallbackClient open(HttpClient http, String documentUrl, Metrics metrics, String client,
                               long timeoutMillis) throws Exception {
        FallbackClient c = new FallbackClient(http, documentUrl, metrics, client);
        HttpRequest request = HttpRequest.newBuilder(URI.create(documentUrl + "/events"))
                .header("Accept", "text/event-stream").GET().build();
        HttpResponse<InputStream> response = http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .get(timeoutMillis, TimeUnit.MILLISECONDS);
        if (response.statusCode() != 200) {
            String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
            throw new IllegalStateException(client + ": the event stream of " + documentUrl + " answered "
                    + response.statusCode() + " " + body);
        }
        synchronized (c) {
            c.stream = response.body();
        }
        Thread reader = new Thread(() -> c.read(response.body()), "event-stream " + client);
        reader.setDaemon(true);
        reader.start();
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (c) {
            while (!c.welcomed) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0 || c.closed) {
                    throw new IllegalStateException(client + ": no welcome from " + documentUrl
                            + (c.closed ? " (closed)" : ""));
                }
                c.wait(left);
            }
        }
        return c;
    }

    /** One keystroke: a single character inserted at a random position of the local text. */
    @Override
    public synchronized void type(Random random) {
        if (!welcomed || closed) {
            return;
        }
        char c = (char) ('a' + random.nextInt(26));
        int length = document.length();
        TextOperation op = TextOperation.splice(length, random.nextInt(length + 1), 0, String.valueOf(c));
        metrics.typed();
        document.applyLocal(op).ifPresent(this::send);
    }

    /** A protocol ping, as the browser sends every 20 s: a session without messages for 75 s ends. */
    @Override
    public synchronized void ping() {
        if (welcomed && !closed) {
            post(JsonCodec.encode(new ClientMessage.Ping()));
        }
    }

    @Override
    public synchronized String text() {
        return document.text();
    }

    @Override
    public synchronized int revision() {
        return document.revision();
    }

    @Override
    public synchronized boolean isSynchronized() {
        return document.isSynchronized();
    }

    @Override
    public synchronized boolean isOpen() {
        return !closed;
    }

    /** Drops the stream; the server ends the session when it has had no stream for a while. */
    @Override
    public void close() {
        InputStream s;
        synchronized (this) {
            closed = true;
            s = stream;
        }
        try {
            if (s != null) {
                s.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
    }

    private void send(ClientDocument.Outgoing out) {
        metrics.sent(client, out.seq(), System.nanoTime());
        post(JsonCodec.encode(new ClientMessage.Op(out.rev(), out.seq(), out.op())));
    }

    /** Queues one message; it is POSTed when every earlier one has been answered. */
    private synchronized void post(String json) {
        outbox.add(json);
        if (!posting) {
            postNext();
        }
    }

    private synchronized void postNext() {
        String json = outbox.poll();
        posting = json != null && !closed; // the token came before the first message (the join)
        if (!posting) {
            return;
        }
        long number = nextMessage++;
        HttpRequest request = HttpRequest.newBuilder(messages).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Concord-Session", token)
                .header("Concord-Message", Long.toString(number))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
            if (failure != null) {
                metrics.error(client + ": POST " + number + " failed: " + failure);
            } else if (response.statusCode() != 202) {
                metrics.error(client + ": POST " + number + " " + json + " answered " + response.statusCode()
                        + " " + response.body());
            }
            postNext();
        });
    }

    /** Reads events until the stream ends: {@code session} gives the token (then the join goes out), messages go to the replica. */
    private void read(InputStream body) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String name = null;
            String data = null;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isEmpty()) {
                    if (data != null) {
                        event(name, data);
                    }
                    name = null;
                    data = null;
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    // the server writes every message on one line
                    data = line.substring(line.startsWith("data: ") ? 6 : 5);
                }
                // ids, retry and comment lines (heartbeats) are of no use without resumes
            }
        } catch (IOException e) {
            // dropped: reported below unless this client closed it
        }
        synchronized (this) {
            if (!closed) {
                metrics.error(client + ": the event stream ended");
            }
            closed = true;
            notifyAll();
        }
    }

    private void event(String name, String data) {
        if (name == null) {
            receive(data);
        } else if (name.equals("session")) {
            JsonObject session;
            try (JsonReader reader = READERS.createReader(new StringReader(data))) {
                session = reader.readObject();
            }
            synchronized (this) {
                token = session.getString("session");
                post(JsonCodec.encode(new ClientMessage.Join(client, client, null)));
            }
        } else if (name.equals("close")) {
            synchronized (this) {
                if (!closed) {
                    metrics.error(client + ": closed by the server: " + data);
                }
                closed = true;
                notifyAll();
            }
        }
    }

    private synchronized void receive(String data) {
        try {
            ServerMessage message = JsonCodec.decodeServerMessage(data).orElse(null);
            if (message instanceof ServerMessage.Welcome w) {
                document = new ClientDocument(client, w.rev(), w.text());
                welcomed = true;
            } else if (message instanceof ServerMessage.Ack a) {
                metrics.acknowledged(client, a.seq());
                document.ack(a.rev(), a.seq()).ifPresent(this::send);
            } else if (message instanceof ServerMessage.Op o) {
                Revision r = o.revision();
                metrics.delivered(r.client(), r.seq());
                document.applyRemote(r.rev(), r.client(), r.seq(), r.operation()).send().ifPresent(this::send);
            } else if (message instanceof ServerMessage.Error) {
                metrics.error(client + ": " + data);
            }
            // presence and pongs are of no use here
        } catch (RuntimeException e) {
            metrics.error(client + " failed on " + data + ": " + e);
        }
        notifyAll();
    }
}
