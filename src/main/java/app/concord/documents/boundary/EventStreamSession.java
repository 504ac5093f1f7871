package app.concord.documents.boundary;

import app.concord.collab.Connection;
import app.concord.collab.ProtocolSession;
import app.concord.protocol.ClientMessage;
import app.concord.protocol.JsonCodec;
import app.concord.protocol.ServerMessage;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One client's protocol v1 connection over the compatibility transport: the server's messages
 * as numbered events on an event stream, the client's as numbered POSTs. To its document it is
 * a {@link Connection} like any WebSocket.
 *
 * <p>Out: every event gets the next number of this session, and its SSE id is
 * {@code <token>.<number>}. Events wait in a queue and one writer per stream hands them to the
 * stream in order, so the document's lock never waits for a client. The last {@code replay}
 * events handed to a stream are kept: a stream that drops is resumed by a new one whose
 * {@code Last-Event-ID} names the last event the client has, and gets exactly the events after
 * it. A client that lets {@code maxQueued} events pile up, or stays without a stream or
 * without a message for too long, is cut off: its session ends and it rejoins with its
 * revision, as after a dropped WebSocket.
 *
 * <p>In: POSTs carry a message number (1, 2, 3, ...), and each number is handled once and in
 * order, so a POST whose answer was lost can be sent again unchanged.
 */
final class EventStreamSession implements Connection {

    private static final System.Logger LOG = System.getLogger(EventStreamSession.class.getName());
    /** The SSE retry delay the server asks of a browser whose stream dropped. */
    static final long RECONNECT_MILLIS = 1_000;
    /** Longest wait for the stream to take one event; a stream stuck longer is dropped. */
    static final long WRITE_TIMEOUT_MILLIS = 20_000;

    /** An event of this session: a protocol message ({@code name} null), or a control event. */
    record Event(long number, String name, String data) {
    }

    /** What became of a POSTed message. */
    enum Delivery { HANDLED, REPEATED, OUT_OF_ORDER, ENDED }

    private final String token;
    private final String docId;
    private final int maxQueued;
    private final int replay;
    private final Executor writers;
    private final Runnable onEnd;
    private ProtocolSession protocol;
    private final ArrayDeque<Event> queued = new ArrayDeque<>();
    private final ArrayDeque<Event> handedOver = new ArrayDeque<>();
    private long nextNumber;
    private Stream stream;
    private boolean closing;
    private boolean ended;
    private long detachedSince = System.nanoTime();
    private long lastHeard = System.nanoTime();
    private long lastMessage;

    /** One attached event stream, with at most one writer. */
    private static final class Stream {
        final SseEventSink sink;
        final Sse sse;
        boolean writing;
        long lastWrite = System.nanoTime();

        Stream(SseEventSink sink, Sse sse) {
            this.sink = sink;
            this.sse = sse;
        }
    }

    /**
     * @param writers runs the writers, which may block on a slow client
     * @param onEnd   runs once when the session ends, off every lock
     */
    EventStreamSession(String token, String docId, int maxQueued, int replay, Executor writers, Runnable onEnd) {
        this.token = token;
        this.docId = docId;
        this.maxQueued = maxQueued;
        this.replay = replay;
        this.writers = writers;
        this.onEnd = onEnd;
        queued.add(new Event(nextNumber++, "session", "{\"session\":\"" + token + "\"}"));
    }

    /** Binds the protocol handler; called once, before the session is shared. */
    void handledBy(ProtocolSession protocol) {
        this.protocol = protocol;
    }

    String token() {
        return token;
    }

    String docId() {
        return docId;
    }

    /** The SSE id of event {@code number}. */
    String eventId(long number) {
        return token + "." + number;
    }

    /** The event number in {@code lastEventId} of this session, or -1 when it names none. */
    static long numberIn(String lastEventId, String token) {
        if (lastEventId == null || !lastEventId.startsWith(token + ".")) {
            return -1;
        }
        try {
            return Long.parseLong(lastEventId.substring(token.length() + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The token in a {@code Last-Event-ID}, or null. */
    static String tokenIn(String lastEventId) {
        int dot = lastEventId == null ? -1 : lastEventId.lastIndexOf('.');
        return dot <= 0 ? null : lastEventId.substring(0, dot);
    }

    /**
     * Queues {@code message}. A client with {@code maxQueued} events waiting is cut off: its
     * session ends off this thread (the caller may hold its document's lock, which ending takes).
     */
    @Override
    public synchronized void send(ServerMessage message) {
        if (closing || ended) {
            return;
        }
        if (queued.size() >= maxQueued) {
            LOG.log(System.Logger.Level.DEBUG, "event stream session on " + docId + " cut off: " + maxQueued + " events queued");
            closing = true;
            queued.clear();
            writers.execute(this::end);
            return;
        }
        queued.addLast(new Event(nextNumber++, null, JsonCodec.encode(message)));
        kick();
    }

    /**
     * Sends what is queued, then a {@code close} event with {@code code} (WebSocket's close
     * code) and {@code reason}; the session ends once the stream has taken it.
     */
    @Override
    public synchronized void close(int code, String reason) {
        if (closing || ended) {
            return;
        }
        closing = true;
        StringBuilder data = new StringBuilder("{\"code\":").append(code).append(",\"reason\":");
        JsonCodec.quote(reason, data);
        queued.addLast(new Event(nextNumber++, "close", data.append('}').toString()));
        kick();
    }

    /**
     * Message {@code number} from the client, decoded. Each number is handled once, in order;
     * a number already handled is a repeat of a POST whose answer was lost.
     */
    Delivery deliver(long number, ClientMessage message) {
        synchronized (this) {
            if (closing || ended) {
                return Delivery.ENDED;
            }
            lastHeard = System.nanoTime();
        }
        // One message at a time, in the order of their numbers; not under this session's
        // monitor, which the document takes when it sends (document lock, then this one).
        synchronized (protocol) {
            if (number <= lastMessage) {
                return Delivery.REPEATED;
            }
            if (number != lastMessage + 1) {
                return Delivery.OUT_OF_ORDER;
            }
            lastMessage = number;
            protocol.receive(message);
            return Delivery.HANDLED;
        }
    }

    /**
     * Attaches a new stream that has every event up to {@code lastNumber} (-1: none yet);
     * false when this session can no longer give it exactly the events after that.
     */
    boolean attach(SseEventSink sink, Sse sse, long lastNumber) {
        Stream previous;
        synchronized (this) {
            long oldest = handedOver.isEmpty() ? (queued.isEmpty() ? nextNumber : queued.peekFirst().number())
                    : handedOver.peekFirst().number();
            if (ended || lastNumber < oldest - 1 || lastNumber >= nextNumber) {
                return false;
            }
            while (!handedOver.isEmpty() && handedOver.peekLast().number() > lastNumber) {
                queued.addFirst(handedOver.pollLast());
            }
            while (!queued.isEmpty() && queued.peekFirst().number() <= lastNumber) {
                queued.pollFirst();
            }
            previous = stream;
            stream = new Stream(sink, sse);
            kick();
        }
        if (previous != null) {
            writers.execute(() -> closeQuietly(previous.sink));
        }
        return true;
    }

    /**
     * Called now and then: writes a comment to a stream idle for {@code heartbeatNanos}, and
     * ends the session when it has had no stream for {@code detachedNanos} or no message for
     * {@code silentNanos}.
     */
    void tick(long now, long heartbeatNanos, long detachedNanos, long silentNanos) {
        boolean expired;
        synchronized (this) {
            expired = !ended && (stream == null && now - detachedSince > detachedNanos || now - lastHeard > silentNanos);
            Stream s = stream;
            if (!expired && s != null && !s.writing && now - s.lastWrite > heartbeatNanos) {
                s.writing = true;
                writers.execute(() -> write(s, true));
            }
        }
        if (expired) {
            end();
        }
    }

    /** Ends the session: its client leaves the document and its stream is closed. */
    void end() {
        Stream last;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            queued.clear();
            handedOver.clear();
            last = stream;
            stream = null;
        }
        protocol.ended();
        onEnd.run();
        if (last != null) {
            writers.execute(() -> closeQuietly(last.sink));
        }
    }

    synchronized boolean hasEnded() {
        return ended;
    }

    /** Starts the stream's writer if it is idle. Caller holds the lock. */
    private void kick() {
        Stream s = stream;
        if (s != null && !s.writing && !queued.isEmpty()) {
            s.writing = true;
            writers.execute(() -> write(s, false));
        }
    }

    /** The writer of {@code s}: hands it the queued events, in order, until none is left. */
    private void write(Stream s, boolean heartbeat) {
        try {
            if (heartbeat) {
                push(s, s.sse.newEventBuilder().comment("keep-alive").build());
            }
            while (true) {
                Event next = nextFor(s);
                if (next == null) {
                    return;
                }
                OutboundSseEvent.Builder event = s.sse.newEventBuilder().id(eventId(next.number()))
                        .mediaType(MediaType.TEXT_PLAIN_TYPE).data(String.class, next.data());
                if (next.name() != null) {
                    event.name(next.name());
                }
                if (next.number() == 0) {
                    event.reconnectDelay(RECONNECT_MILLIS);
                }
                push(s, event.build());
                if ("close".equals(next.name())) {
                    end();
                    return;
                }
            }
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "event stream on " + docId + " dropped", e);
            detach(s);
        }
    }

    private void push(Stream s, OutboundSseEvent event) throws Exception {
        s.sink.send(event).toCompletableFuture().get(WRITE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        synchronized (this) {
            s.lastWrite = System.nanoTime();
        }
    }

    /** The next event for {@code s}, now counted as handed over; null when none or {@code s} is no longer attached. */
    private synchronized Event nextFor(Stream s) {
        Event next = stream == s && !ended ? queued.pollFirst() : null;
        if (next == null) {
            s.writing = false;
            return null;
        }
        handedOver.addLast(next);
        while (handedOver.size() > replay) {
            handedOver.pollFirst();
        }
        return next;
    }

    private void detach(Stream s) {
        synchronized (this) {
            s.writing = false;
            if (stream == s) {
                stream = null;
                detachedSince = System.nanoTime();
            }
        }
        closeQuietly(s.sink);
    }

    private static void closeQuietly(SseEventSink sink) {
        try {
            sink.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing an event stream failed", e);
        }
    }
}
