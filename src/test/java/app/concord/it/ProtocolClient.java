package app.concord.it;

import app.concord.client.ClientDocument;
import app.concord.protocol.Revision;
import app.concord.ot.TextOperation;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.glassfish.tyrus.client.ClientManager;

/**
 * A protocol v1 client as a user's Java program would write one: a {@link ClientDocument}
 * state machine behind a Tyrus WebSocket, with reconnects that resume through
 * {@code join.rev}. Local edits are made with {@link #edit}; everything else is driven by
 * the server's messages. Waiting uses the monitor with timeouts, never fixed sleeps.
 */
public final class ProtocolClient implements AutoCloseable {

    private final URI uri;
    private final String client;
    private final String name;
    private final ClientManager container = ClientManager.createClient();
    private final List<String> errors = new ArrayList<>();
    private ClientDocument document;
    private Session session;
    private boolean welcomed;
    private CloseReason closeReason;
    /** The highest seq the server has acknowledged. */
    private long acknowledgedSeq;
    /** Labels of local edits not yet sent, and of those sent, by the seq that carried them. */
    private final List<String> unsentLabels = new ArrayList<>();
    private final java.util.TreeMap<Long, List<String>> labelsBySeq = new java.util.TreeMap<>();

    private ProtocolClient(URI uri, String client, String name) {
        this.uri = uri;
        this.client = client;
        this.name = name;
    }

    /** Connects to {@code ws://.../ws/docs/{id}}, joins as {@code client} and waits for the welcome. */
    public static ProtocolClient join(URI uri, String client, String name, Duration timeout) throws Exception {
        ProtocolClient c = new ProtocolClient(uri, client, name);
        c.connect(timeout);
        return c;
    }

    /**
     * Opens a new connection and resumes from the last known revision (or joins fresh). When
     * no welcome comes within a third of {@code timeout}, it drops that connection and tries
     * once more, as the browser does: under load Payara now and then loses a new connection's
     * first message (FaultsIT counts such losses).
     */
    public synchronized void connect(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        openAndJoin();
        try {
            long firstTry = System.nanoTime() + timeout.toNanos() / 3;
            while (!welcomed) {
                waitUntil(firstTry, "welcome");
            }
        } catch (AssertionError noWelcome) {
            if (!errors.isEmpty()) {
                throw noWelcome;
            }
            drop();
            openAndJoin();
            while (!welcomed) {
                waitUntil(deadline, "welcome");
            }
        }
    }

    private void openAndJoin() throws Exception {
        welcomed = false;
        closeReason = null;
        session = container.connectToServer(new Listener(), ClientEndpointConfig.Builder.create().build(), uri);
        var join = Json.createObjectBuilder().add("type", "join").add("client", client).add("name", name);
        if (document != null) {
            join.add("rev", document.revision());
        }
        session.getBasicRemote().sendText(join.build().toString());
    }

    /** Drops the connection at once, as a network failure would; local state is kept for {@link #connect}. */
    public synchronized void drop() throws IOException {
        Session s = session;
        session = null;
        welcomed = false;
        if (s != null && s.isOpen()) {
            s.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "dropped by the test"));
        }
    }

    /** Applies a local edit (built against {@link #text()}) and sends it when nothing is in flight. */
    public synchronized void edit(TextOperation op) throws IOException {
        edit(op, null);
    }

    /**
     * Like {@link #edit(TextOperation)}, remembering {@code label} with the edit so that a
     * test can ask which edits the server has acknowledged ({@link #acknowledgedLabels}).
     */
    public synchronized void edit(TextOperation op, String label) throws IOException {
        if (label != null) {
            unsentLabels.add(label);
        }
        Optional<ClientDocument.Outgoing> out = document.applyLocal(op);
        if (out.isPresent()) {
            send(out.get());
        }
    }

    /** Inserts {@code text} at {@code pos} of the local text. */
    public synchronized void insert(int pos, String text) throws IOException {
        edit(TextOperation.splice(document.text().length(), pos, 0, text));
    }

    public synchronized String text() {
        return document.text();
    }

    public synchronized int revision() {
        return document.revision();
    }

    /** The highest seq the server has acknowledged: every edit up to it is durable. */
    public synchronized long acknowledgedSeq() {
        return acknowledgedSeq;
    }

    /** Labels of the edits carried by acknowledged operations: edits the server has made durable. */
    public synchronized List<String> acknowledgedLabels() {
        List<String> labels = new ArrayList<>();
        labelsBySeq.headMap(acknowledgedSeq, true).values().forEach(labels::addAll);
        return labels;
    }

    public synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    public synchronized boolean isConnected() {
        return session != null && session.isOpen() && welcomed;
    }

    /** Waits until nothing is in flight or buffered: the server has every local edit. */
    public synchronized void awaitSynchronized(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!document.isSynchronized()) {
            waitUntil(deadline, "all edits acknowledged");
        }
    }

    /** Waits until the local revision reaches {@code rev}. */
    public synchronized void awaitRevision(int rev, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (document.revision() < rev) {
            waitUntil(deadline, "revision " + rev);
        }
    }

    /** Waits until the server closes the connection and returns why. */
    public synchronized CloseReason awaitClosed(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (closeReason == null) {
            waitUntil(deadline, "close");
        }
        return closeReason;
    }

    private void waitUntil(long deadline, String what) throws InterruptedException {
        if (!errors.isEmpty()) {
            throw new AssertionError(client + " received errors while waiting for " + what + ": " + errors);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new AssertionError(client + " timed out waiting for " + what + " (rev "
                    + (document == null ? "-" : document.revision() + ", state " + document.state()) + ")");
        }
        wait(Math.max(1, left / 1_000_000));
    }

    private void send(ClientDocument.Outgoing out) throws IOException {
        if (!unsentLabels.isEmpty()) {
            labelsBySeq.computeIfAbsent(out.seq(), s -> new ArrayList<>()).addAll(unsentLabels);
            unsentLabels.clear();
        }
        if (session == null || !welcomed) {
            return; // sent again by resend() after the next welcome
        }
        StringBuilder frame = new StringBuilder("{\"type\":\"op\",\"rev\":").append(out.rev())
                .append(",\"seq\":").append(out.seq()).append(",\"ops\":");
        app.concord.protocol.JsonCodec.operation(out.op(), frame);
        session.getBasicRemote().sendText(frame.append('}').toString());
    }

    /**
     * A frame from {@code from}; ignored unless that is still the current connection: after
     * {@link #drop} the old one can still deliver what was in flight (an ack, say), and this
     * replica must not apply it behind the back of the join it has already sent.
     */
    private synchronized void receive(Session from, String frame) {
        if (from != session) {
            return;
        }
        JsonObject m;
        try (JsonReader reader = Json.createReader(new StringReader(frame))) {
            m = reader.readObject();
        }
        try {
            switch (m.getString("type")) {
                case "welcome" -> welcome(m);
                case "ack" -> {
                    long seq = m.getJsonNumber("seq").longValue();
                    acknowledgedSeq = Math.max(acknowledgedSeq, seq);
                    document.ack(m.getInt("rev"), seq).ifPresent(this::sendQuietly);
                }
                case "op" -> {
                    Revision r = revision(m);
                    ClientDocument.Remote remote = document.applyRemote(r.rev(), r.client(), r.seq(), r.operation());
                    remote.send().ifPresent(this::sendQuietly);
                }
                case "error" -> errors.add(frame);
                default -> {
                    // presence and pongs are not tracked by this client
                }
            }
        } catch (RuntimeException e) {
            errors.add("client failed on " + frame + ": " + e);
        }
        notifyAll();
    }

    private void welcome(JsonObject m) {
        if (m.containsKey("text")) {
            if (document != null && !document.isSynchronized()) {
                errors.add("snapshot welcome while edits are pending: " + m);
            }
            long nextSeq = document == null ? 1 : document.nextSeq();
            document = new ClientDocument(client, m.getInt("rev"), m.getString("text"), nextSeq);
        } else {
            List<Revision> catchUp = new ArrayList<>();
            for (JsonValue v : m.getJsonArray("ops")) {
                catchUp.add(revision(v.asJsonObject()));
            }
            ClientDocument.CatchUp result = document.catchUp(catchUp);
            acknowledgedSeq = Math.max(acknowledgedSeq, inFlightAcknowledged(catchUp));
            welcomed = true;
            result.send().ifPresent(this::sendQuietly);
            return;
        }
        welcomed = true;
    }

    private long inFlightAcknowledged(List<Revision> catchUp) {
        long seq = 0;
        for (Revision r : catchUp) {
            if (r.client().equals(client)) {
                seq = Math.max(seq, r.seq());
            }
        }
        return seq;
    }

    private void sendQuietly(ClientDocument.Outgoing out) {
        try {
            send(out);
        } catch (IOException e) {
            errors.add("send failed: " + e);
        }
    }

    static Revision revision(JsonObject m) {
        JsonArray ops = m.getJsonArray("ops");
        List<Object> wire = new ArrayList<>(ops.size());
        for (JsonValue v : ops) {
            wire.add(v instanceof JsonString s ? s.getString() : ((JsonNumber) v).bigDecimalValue());
        }
        return new Revision(m.getInt("rev"), m.getString("client"), m.getJsonNumber("seq").longValue(),
                TextOperation.fromWire(wire));
    }

    private final class Listener extends Endpoint {
        @Override
        public void onOpen(Session s, EndpointConfig config) {
            s.addMessageHandler(String.class, (MessageHandler.Whole<String>) frame -> receive(s, frame));
        }

        @Override
        public void onClose(Session s, CloseReason reason) {
            synchronized (ProtocolClient.this) {
                if (s == session) {
                    closeReason = reason;
                    welcomed = false;
                }
                ProtocolClient.this.notifyAll();
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            drop();
        } finally {
            container.shutdown();
        }
    }
}
