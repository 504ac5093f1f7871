package app.concord.load;

import app.concord.client.ClientDocument;
import app.concord.ot.TextOperation;
import app.concord.protocol.JsonCodec;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.glassfish.tyrus.client.ClientManager;

/**
 * One protocol v1 connection of the load tool: a {@link ClientDocument} (one operation in
 * flight, later edits buffered and composed, as in the browser) behind a Tyrus session. It
 * reports to {@link Metrics}: the send time of every operation, its ack, and every remote
 * operation it receives. No reconnects: a closed connection is an error of the run.
 */
final class LoadClient {

    /**
     * Made once: {@code Json.createReader} looks the provider up with a ServiceLoader, reading
     * every jar on the class path, on every call; that was half of the load tool's CPU.
     */
    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

    private final Metrics metrics;
    private final String client;
    private ClientDocument document;
    /** Length of the local text, kept here because {@link ClientDocument#text()} copies it. */
    private int length;
    private Session session;
    private boolean welcomed;
    private boolean closed;

    LoadClient(Metrics metrics, String client) {
        this.metrics = metrics;
        this.client = client;
    }

    /** Connects to {@code uri}, joins as a fresh client and waits for the welcome. */
    void open(ClientManager container, URI uri, long timeoutMillis) throws Exception {
        Session s = container.connectToServer(new Listener(), ClientEndpointConfig.Builder.create().build(), uri);
        synchronized (this) {
            session = s;
        }
        s.getBasicRemote().sendText("{\"type\":\"join\",\"client\":\"" + client + "\",\"name\":\"" + client + "\"}");
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (this) {
            while (!welcomed) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0 || closed) {
                    throw new IllegalStateException(client + ": no welcome from " + uri + (closed ? " (closed)" : ""));
                }
                wait(left);
            }
        }
    }

    /** One keystroke: a single character inserted at a random position of the local text. */
    synchronized void type(Random random) {
        if (!welcomed || closed) {
            return;
        }
        char c = (char) ('a' + random.nextInt(26));
        edit(TextOperation.splice(length, random.nextInt(length + 1), 0, String.valueOf(c)));
    }

    /** A local edit against the local text, sent now or buffered until the ack. */
    synchronized void edit(TextOperation op) {
        metrics.typed();
        document.applyLocal(op).ifPresent(this::send);
        length = op.targetLength();
    }

    /** A protocol ping, as the browser sends every 20 s to keep an idle connection open. */
    synchronized void ping() {
        if (welcomed && !closed) {
            session.getAsyncRemote().sendText("{\"type\":\"ping\"}");
        }
    }

    synchronized int textLength() {
        return length;
    }

    synchronized String text() {
        return document.text();
    }

    synchronized int revision() {
        return document.revision();
    }

    synchronized boolean isSynchronized() {
        return document.isSynchronized();
    }

    synchronized boolean isOpen() {
        return !closed;
    }

    void close() {
        Session s;
        synchronized (this) {
            s = session;
            closed = true;
        }
        try {
            if (s != null && s.isOpen()) {
                s.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
    }

    private void send(ClientDocument.Outgoing out) {
        StringBuilder frame = new StringBuilder(48).append("{\"type\":\"op\",\"rev\":").append(out.rev())
                .append(",\"seq\":").append(out.seq()).append(",\"ops\":");
        JsonCodec.operation(out.op(), frame);
        metrics.sent(client, out.seq());
        try {
            session.getBasicRemote().sendText(frame.append('}').toString());
        } catch (IOException e) {
            metrics.error(client + ": send failed: " + e);
        }
    }

    private synchronized void receive(String frame) {
        JsonObject m;
        try (JsonReader reader = READERS.createReader(new StringReader(frame))) {
            m = reader.readObject();
        }
        try {
            switch (m.getString("type")) {
                case "welcome" -> {
                    document = new ClientDocument(client, m.getInt("rev"), m.getString("text"));
                    length = m.getString("text").length();
                    welcomed = true;
                }
                case "ack" -> {
                    long seq = m.getJsonNumber("seq").longValue();
                    metrics.acknowledged(client, seq);
                    document.ack(m.getInt("rev"), seq).ifPresent(this::send);
                }
                case "op" -> {
                    String author = m.getString("client");
                    long seq = m.getJsonNumber("seq").longValue();
                    metrics.delivered(author, seq);
                    ClientDocument.Remote remote = document.applyRemote(m.getInt("rev"), author, seq,
                            operation(m.getJsonArray("ops")));
                    length = remote.operation().targetLength();
                    remote.send().ifPresent(this::send);
                }
                case "error" -> metrics.error(client + ": " + frame);
                default -> {
                    // presence and pongs
                }
            }
        } catch (RuntimeException e) {
            metrics.error(client + " failed on " + frame + ": " + e);
        }
        notifyAll();
    }

    private static TextOperation operation(JsonArray ops) {
        List<Object> wire = new ArrayList<>(ops.size());
        for (JsonValue v : ops) {
            wire.add(v instanceof JsonString s ? s.getString() : ((JsonNumber) v).bigDecimalValue());
        }
        return TextOperation.fromWire(wire);
    }

    private final class Listener extends Endpoint {
        @Override
        public void onOpen(Session s, EndpointConfig config) {
            s.addMessageHandler(String.class, (MessageHandler.Whole<String>) LoadClient.this::receive);
        }

        @Override
        public void onClose(Session s, CloseReason reason) {
            synchronized (LoadClient.this) {
                if (!closed) {
                    metrics.error(client + ": closed by the server: " + reason);
                }
                closed = true;
                LoadClient.this.notifyAll();
            }
        }
    }
}
