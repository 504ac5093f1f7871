package app.concord.load;

import app.concord.client.ClientOptions;
import app.concord.client.Concord;
import app.concord.client.ConcordException;
import app.concord.client.ConnectionState;
import app.concord.client.DocumentListener;
import app.concord.client.ReconnectPolicy;
import app.concord.client.RemoteChange;
import app.concord.client.RemoteDocument;
import jakarta.websocket.WebSocketContainer;
import java.net.URI;
import java.time.Duration;
import java.util.Random;

/**
 * One connection of the load tool: a {@link RemoteDocument} of the client library (one
 * operation in flight, later edits composed into the next, as in the browser) that reports
 * to {@link Metrics} when each of its operations is sent and acknowledged, and every remote
 * operation it receives. Unlike the library's default it sends as fast as it is asked to
 * (the server's rate limit decides), waits for acks as long as they take, and never
 * reconnects: a dropped connection is an error of the run.
 */
final class LoadClient implements DocumentListener {

    /** Whether clients ask for batches at join (the library's default); {@code --no-batches} turns it off. */
    static volatile boolean batches = true;

    private final Metrics metrics;
    private final String client;
    private final boolean listener;
    private RemoteDocument document;
    private volatile boolean closing;

    LoadClient(Metrics metrics, String client) {
        this(metrics, client, false);
    }

    /** A connection that, if {@code listener}, only reads: its deliveries are also counted as a listener's. */
    LoadClient(Metrics metrics, String client, boolean listener) {
        this.metrics = metrics;
        this.client = client;
        this.listener = listener;
    }

    /** Connects to document {@code docId} on {@code server} as a fresh client and waits for the welcome. */
    void open(WebSocketContainer container, URI server, String docId, long timeoutMillis) throws InterruptedException {
        ClientOptions options = ClientOptions.defaults().clientId(client).name(client).container(container)
                .connectTimeout(Duration.ofMillis(timeoutMillis)).ackTimeout(Duration.ofHours(1))
                .reconnect(ReconnectPolicy.never()).opsPerSecond(1e9, Integer.MAX_VALUE).batches(batches);
        document = Concord.connect(server, docId, options, this);
    }

    /**
     * One keystroke: a single character inserted at a random position of the local text. The
     * load tool only inserts, so the text can only grow between reading its length and the
     * insert, and the position stays within it.
     */
    void type(Random random) {
        char c = (char) ('a' + random.nextInt(26));
        int pos = random.nextInt(document.length() + 1);
        try {
            metrics.typed();
            document.insert(pos, String.valueOf(c));
        } catch (ConcordException closed) {
            // reported by stateChanged
        }
    }

    /** A local edit of the code units {@code from..to}, sent now or composed into the next operation. */
    void replace(int from, int to, String text) {
        metrics.typed();
        document.replace(from, to, text);
    }

    int textLength() {
        return document.length();
    }

    String text() {
        return document.text();
    }

    int revision() {
        return document.revision();
    }

    boolean isSynchronized() {
        return document.unacknowledgedEdits() == 0;
    }

    boolean isOpen() {
        return document.state() != ConnectionState.CLOSED;
    }

    void close() {
        closing = true;
        document.close();
    }

    @Override
    public void operationSent(long seq, long sentNanos) {
        metrics.sent(client, seq, sentNanos);
    }

    @Override
    public void operationAcknowledged(long seq, int revision) {
        metrics.acknowledged(client, seq);
    }

    @Override
    public void changed(RemoteChange change) {
        if (change.author() != null) {
            metrics.delivered(change.author(), change.seq(), listener);
        }
    }

    @Override
    public void error(ConcordException error) {
        metrics.error(client + ": " + error.getMessage());
    }

    @Override
    public void stateChanged(ConnectionState state, Throwable cause) {
        if (state == ConnectionState.CLOSED && !closing) {
            metrics.error(client + ": closed: " + cause);
        }
    }
}
