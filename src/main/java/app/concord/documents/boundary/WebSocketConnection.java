package app.concord.documents.boundary;

import app.concord.collab.Connection;
import app.concord.operations.control.ConcordMetrics;
import app.concord.protocol.ServerMessage;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket session with a bounded outgoing queue and one asynchronous send in flight,
 * so a sender never waits for a receiver. A receiver that lets {@code maxQueued} frames
 * pile up is closed (1013, try again later): it can resume from its last revision, and
 * everyone else keeps receiving at full speed.
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

    private final Session session;
    private final int maxQueued;
    private final Executor closer;
    private final ScheduledExecutorService timer;
    private final ClassLoader sendingLoader;
    private final ConcordMetrics metrics;
    private final AckTimer acks = new AckTimer();
    private final ArrayDeque<ServerMessage> queue = new ArrayDeque<>();
    private boolean sending;
    private boolean inSend;
    private boolean completedInline;
    private CloseReason closeWhenFlushed;
    private boolean closed;

    /**
     * @param closer        runs closes, which may block
     * @param timer         delays the close of a connection whose send failed (its task only hands the
     *                      close to {@code closer})
     * @param sendingLoader the context class loader for handing messages to the container
     *                      (see {@code ContextProviderLookupCache})
     * @param metrics       hears of frames queued and of acks
     */
    WebSocketConnection(Session session, int maxQueued, Executor closer, ScheduledExecutorService timer,
            ClassLoader sendingLoader, ConcordMetrics metrics) {
        this.session = session;
        this.maxQueued = maxQueued;
        this.closer = closer;
        this.timer = timer;
        this.sendingLoader = sendingLoader;
        this.metrics = metrics;
    }

    /** The client's operations, timed from arrival to ack. */
    AckTimer acks() {
        return acks;
    }

    @Override
    public synchronized void send(ServerMessage message) {
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
        pump();
    }

    @Override
    public synchronized void close(int code, String reason) {
        if (closed || closeWhenFlushed != null) {
            return;
        }
        closeWhenFlushed = new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason);
        if (!sending) {
            pump();
        }
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

    /** Starts sends until one is in flight or the queue is empty. Caller holds the lock. */
    private void pump() {
        while (!sending && !closed) {
            ServerMessage next = queue.pollFirst();
            if (next == null) {
                if (closeWhenFlushed != null) {
                    closeNow(closeWhenFlushed);
                }
                return;
            }
            metrics.framesQueued(-1);
            sending = true;
            inSend = true;
            completedInline = false;
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(sendingLoader);
            try {
                session.getAsyncRemote().sendObject(next, this::sent);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "send failed", e);
                closeAfterFailedSend();
                return;
            } finally {
                thread.setContextClassLoader(previous);
                inSend = false;
            }
            if (completedInline) {
                sending = false;
            }
        }
    }

    private synchronized void sent(SendResult result) {
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
