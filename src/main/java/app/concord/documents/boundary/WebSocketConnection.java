package app.concord.documents.boundary;

import app.concord.collab.Connection;
import app.concord.operations.control.ConcordMetrics;
import app.concord.protocol.JsonCodec;
import app.concord.protocol.ServerMessage;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket session with a bounded outgoing queue and one asynchronous send in flight,
 * so a sender never waits for a receiver. A receiver that lets {@code maxQueued} frames
 * pile up is closed (1013, try again later): it can resume from its last revision, and
 * everyone else keeps receiving at full speed.
 *
 * <p>A client that asked for batches at {@code join} gets what is queued for it in one
 * {@code batch} frame (PROTOCOL.md "Extension: batches"), written by {@code writer} rather
 * than by the thread that queued them: the thread that makes revisions durable queues a group
 * commit's messages for every connection and goes back to committing, and the writer finds
 * them waiting. One frame costs the container about as much as the next, whatever it holds.
 */
final class WebSocketConnection implements Connection {

    private static final System.Logger LOG = System.getLogger(WebSocketConnection.class.getName());
    /**
     * How long a connection whose send failed is left to the container before it is closed
     * here. A send fails when the client's close frame has just been read: Undertow (WildFly)
     * then refuses every other frame, and a session closed before the container has answered
     * that close frame never answers it at all, so the client waits for its close handshake
     * in vain and the server keeps the socket open. The container reports such a close itself
     * within milliseconds; only a connection that it never reports (seen on Payara) needs this.
     */
    static final long CLOSE_AFTER_FAILED_SEND_MILLIS = 1_000;
    /** Most messages in one batch frame. */
    static final int MAX_BATCH_MESSAGES = 256;
    /** A batch frame grows past this many characters only by its first message. */
    static final int MAX_BATCH_CHARS = 256 * 1024;

    private final Session session;
    private final int maxQueued;
    private final Executor closer;
    private final Executor writer;
    private final ScheduledExecutorService timer;
    private final ClassLoader sendingLoader;
    private final ConcordMetrics metrics;
    private final AckTimer acks = new AckTimer();
    private final ArrayDeque<ServerMessage> queue = new ArrayDeque<>();
    private boolean sending;
    private boolean batches;
    private boolean pumpScheduled;
    private boolean inSend;
    private boolean completedInline;
    private CloseReason closeWhenFlushed;
    private boolean closed;

    /**
     * @param closer        runs closes, which may block
     * @param writer        writes the frames of a client that takes batches: one thread, so that
     *                      its tasks queue while it sends and one wake-up serves many
     * @param timer         delays the close of a connection whose send failed (its task only hands the
     *                      close to {@code closer})
     * @param sendingLoader the context class loader for handing messages to the container
     *                      (see {@code ContextProviderLookupCache})
     * @param metrics       hears of frames queued and of acks
     */
    WebSocketConnection(Session session, int maxQueued, Executor closer, Executor writer, ScheduledExecutorService timer,
            ClassLoader sendingLoader, ConcordMetrics metrics) {
        this.session = session;
        this.maxQueued = maxQueued;
        this.closer = closer;
        this.writer = writer;
        this.timer = timer;
        this.sendingLoader = sendingLoader;
        this.metrics = metrics;
    }

    /** The client's operations, timed from arrival to ack. */
    AckTimer acks() {
        return acks;
    }

    /** The client asked for batches: from now on, what is queued for it goes out in batch frames. */
    synchronized void sendBatches() {
        batches = true;
    }

    @Override
    public void send(ServerMessage message) {
        synchronized (this) {
            if (closed || closeWhenFlushed != null) {
                return;
            }
            if (message instanceof ServerMessage.Ack ack) {
                long nanos = acks.acknowledged(ack.seq(), System.nanoTime());
                if (nanos >= 0) {
                    metrics.acknowledged(nanos);
                }
            }
            if (queue.size() >= maxQueued) {
                discardQueue();
                closeNow(new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "too slow: resume from your last revision"));
                return;
            }
            queue.addLast(message);
            metrics.framesQueued(1);
            if (batches && pumpLater()) {
                return;
            }
        }
        pump();
    }

    @Override
    public void close(int code, String reason) {
        synchronized (this) {
            if (closed || closeWhenFlushed != null) {
                return;
            }
            closeWhenFlushed = new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason);
            if (pumpScheduled) {
                return; // that pump closes once the queue is sent
            }
        }
        pump();
    }

    /** The container reported the session closed. */
    synchronized void closed() {
        closed = true;
        discardQueue();
    }

    private void discardQueue() {
        metrics.framesQueued(-queue.size());
        queue.clear();
    }

    synchronized boolean isClosing() {
        return closed || closeWhenFlushed != null;
    }

    /**
     * Has {@code writer} start the sends unless they are under way; false when it takes no more
     * work (the application is stopping), and the caller must pump. Caller holds the lock.
     */
    private boolean pumpLater() {
        if (sending || pumpScheduled) {
            return true;
        }
        pumpScheduled = true;
        try {
            writer.execute(this::pumpQueued);
            return true;
        } catch (RuntimeException stopping) {
            pumpScheduled = false;
            return false;
        }
    }

    private void pumpQueued() {
        synchronized (this) {
            pumpScheduled = false;
        }
        pump();
    }

    /**
     * Starts sends until one is in flight or the queue is empty. Never called holding this
     * connection's lock: a failed write can end the session on this very thread, and the
     * close goes on to the document, whose lock another thread may hold while it waits for
     * this connection's.
     */
    private void pump() {
        while (true) {
            ServerMessage frame;
            synchronized (this) {
                if (sending || closed) {
                    return;
                }
                frame = nextFrame();
                if (frame == null) {
                    if (closeWhenFlushed != null) {
                        closeNow(closeWhenFlushed);
                    }
                    return;
                }
                sending = true;
                inSend = true;
                completedInline = false;
            }
            RuntimeException failure = null;
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(sendingLoader);
            try {
                session.getAsyncRemote().sendObject(frame, this::sent);
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                thread.setContextClassLoader(previous);
            }
            synchronized (this) {
                inSend = false;
                if (failure != null) {
                    LOG.log(System.Logger.Level.DEBUG, "send failed", failure);
                    closeAfterFailedSend();
                    return;
                }
                if (!completedInline) {
                    return; // sent() goes on when the container is done with it
                }
                sending = false;
            }
        }
    }

    /**
     * The next frame: the first queued message, or for a client that takes batches every
     * queued message up to the limits of a batch, encoded as one; null when nothing is queued.
     */
    private ServerMessage nextFrame() {
        ServerMessage first = queue.pollFirst();
        if (first == null) {
            return null;
        }
        if (!batches || queue.isEmpty()) {
            metrics.framesQueued(-1);
            return first;
        }
        String json = JsonCodec.encode(first);
        List<String> frames = new ArrayList<>(Math.min(queue.size() + 1, MAX_BATCH_MESSAGES));
        frames.add(json);
        int chars = json.length();
        ServerMessage next;
        while (frames.size() < MAX_BATCH_MESSAGES && (next = queue.peekFirst()) != null) {
            String encoded = JsonCodec.encode(next);
            if (chars + encoded.length() > MAX_BATCH_CHARS) {
                break;
            }
            queue.pollFirst();
            frames.add(encoded);
            chars += encoded.length();
        }
        metrics.framesQueued(-frames.size());
        return frames.size() == 1 ? first : new ServerMessage.Encoded(JsonCodec.batch(frames));
    }

    private void sent(SendResult result) {
        synchronized (this) {
            if (!result.isOK()) {
                LOG.log(System.Logger.Level.DEBUG, "send failed", result.getException());
                discardQueue();
                closeAfterFailedSend();
                return;
            }
            if (inSend) {
                completedInline = true;
                return;
            }
            sending = false;
        }
        pump();
    }

    /** Closes off the caller's thread: closing may wait on a peer that does not read. */
    private void closeNow(CloseReason reason) {
        closed = true;
        try {
            closer.execute(() -> closeSession(reason));
        } catch (RuntimeException stopping) {
            // The application is stopping and its executor takes no more work: close here.
            closeSession(reason);
        }
    }

    /**
     * Sends nothing more, and closes the session if the container has not closed it within
     * {@link #CLOSE_AFTER_FAILED_SEND_MILLIS}: the container does not always report a dead
     * connection, and until it does, the client stays a member of its document.
     */
    private void closeAfterFailedSend() {
        closed = true;
        CloseReason reason = new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "send failed");
        try {
            timer.schedule(() -> closer.execute(() -> closeSession(reason)), CLOSE_AFTER_FAILED_SEND_MILLIS,
                    TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) { // the application is stopping
            LOG.log(System.Logger.Level.DEBUG, "cannot delay the close", e);
            closer.execute(() -> closeSession(reason));
        }
    }

    private void closeSession(CloseReason reason) {
        try {
            if (session.isOpen()) {
                session.close(reason);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "close failed", e);
        }
    }
}
