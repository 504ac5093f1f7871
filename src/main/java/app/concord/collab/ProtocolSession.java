package app.concord.collab;

import app.concord.admission.RateLimiter;
import app.concord.protocol.ClientMessage;
import app.concord.protocol.ErrorCode;
import app.concord.protocol.ServerMessage;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One connection's protocol v1, whatever carries it (a WebSocket, or an event stream with
 * POSTs): {@code join} first and only once, the operation rate limit, the join timeout, and
 * every refusal answered with {@code error} and, where PROTOCOL.md says so, a close. Decoded
 * messages go in through {@link #receive}; everything the client is told goes out through
 * its {@link Connection}, which must not call back into this session while it holds a lock.
 */
public final class ProtocolSession {

    private static final System.Logger LOG = System.getLogger(ProtocolSession.class.getName());
    /** How long a connection may stay open without joining. */
    public static final long JOIN_TIMEOUT_MILLIS = 30_000;

    private final LiveDocuments documents;
    private final String docId;
    private final Connection connection;
    private final SessionEvents events;
    private final RateLimiter opRate;
    private final Future<?> joinTimeout;
    private Membership membership;
    /** Set once the connection has sent {@code join}; read by the join timeout's thread. */
    private volatile boolean joined;
    private boolean ended;

    /**
     * Starts the join timeout on {@code timers}.
     *
     * @param docId the id from the connection's address, already checked against {@code JsonCodec.ID}
     */
    public ProtocolSession(LiveDocuments documents, String docId, Connection connection, ScheduledExecutorService timers) {
        this(documents, docId, connection, timers, SessionEvents.NONE);
    }

    /** As above, with {@code events} hearing of operations and server errors. */
    public ProtocolSession(LiveDocuments documents, String docId, Connection connection, ScheduledExecutorService timers,
            SessionEvents events) {
        this.events = events;
        this.documents = documents;
        this.docId = docId;
        this.connection = connection;
        this.opRate = new RateLimiter(documents.limits().opsPerSecond(), documents.limits().opsBurst(), System.nanoTime());
        this.joinTimeout = timers.schedule(() -> {
            if (!joined) {
                connection.send(new ServerMessage.Error(ErrorCode.BAD_MESSAGE, "no join within " + JOIN_TIMEOUT_MILLIS / 1000 + " s"));
                connection.close(ErrorCode.BAD_MESSAGE.closeCode(), ErrorCode.BAD_MESSAGE.wire());
            }
        }, JOIN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Handles one message; a refusal is answered on the connection, never thrown. */
    public synchronized void receive(ClientMessage message) {
        if (message instanceof ClientMessage.Op op) {
            events.operationReceived(op.seq(), System.nanoTime());
        }
        try {
            dispatch(message);
        } catch (ProtocolException e) {
            if (message instanceof ClientMessage.Op op) {
                events.operationRefused(op.seq(), e.code());
            }
            if (e.code() == ErrorCode.SERVER_ERROR) {
                serverError(e.getCause() != null ? e.getCause() : e, e.getMessage());
            } else {
                refuse(e.code(), e.getMessage());
            }
        } catch (ServerStoppingException e) {
            connection.close(1012, e.getMessage());
        } catch (StoreUnavailableException e) {
            LOG.log(System.Logger.Level.WARNING, "event=message-refused reason=store-unavailable: " + e.getMessage());
            refuse(ErrorCode.SERVER_ERROR, "the document cannot be opened now: the database is unavailable;"
                    + " reconnect shortly (unsaved edits are kept)");
        } catch (RuntimeException e) {
            serverError(e, "the server failed to handle this message");
        }
    }

    /**
     * Answers {@code server-error} with the incident id of {@code failure}, which the log
     * prints with its stack trace (at ERROR, without the document id: ids are capabilities).
     */
    private void serverError(Throwable failure, String text) {
        String id = Incidents.idOf(failure);
        events.serverError(id);
        LOG.log(System.Logger.Level.ERROR, "event=server-error id=" + id, failure);
        LOG.log(System.Logger.Level.DEBUG, () -> "event=server-error id=" + id + " doc=" + docId);
        connection.send(new ServerMessage.Error(ErrorCode.SERVER_ERROR, text, id));
        connection.close(ErrorCode.SERVER_ERROR.closeCode(), ErrorCode.SERVER_ERROR.wire());
    }

    /** Answers {@code code} with {@code error}, and closes the connection when the code says so. */
    public void refuse(ErrorCode code, String text) {
        LOG.log(System.Logger.Level.DEBUG, () -> "event=refused doc=" + docId + " code=" + code.wire() + " message=\"" + text + "\"");
        connection.send(new ServerMessage.Error(code, text));
        if (code.closes()) {
            connection.close(code.closeCode(), code.wire());
        }
    }

    private void dispatch(ClientMessage message) {
        if (message instanceof ClientMessage.Invalid invalid) {
            if (invalid.code() == ErrorCode.BAD_OP) {
                events.operationRefused(-1, ErrorCode.BAD_OP);
            }
            refuse(invalid.code(), invalid.message());
        } else if (message instanceof ClientMessage.Join join) {
            if (membership != null) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "this connection has already joined");
            }
            joined = true;
            joinTimeout.cancel(false);
            membership = documents.open(docId, connection, join);
        } else if (membership == null) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, "the first message must be join");
        } else if (message instanceof ClientMessage.Ping) {
            connection.send(new ServerMessage.Pong());
        } else if (message instanceof ClientMessage.Op op) {
            if (!opRate.tryAcquire(System.nanoTime())) {
                throw new ProtocolException(ErrorCode.RATE_LIMITED, "more than " + documents.limits().opsPerSecond()
                        + " operations per second");
            }
            membership.submit(op);
        } else if (message instanceof ClientMessage.Cursor cursor) {
            membership.cursor(cursor);
        }
    }

    /** The connection has ended: the client leaves its document. Idempotent. */
    public synchronized void ended() {
        joinTimeout.cancel(false);
        if (ended) {
            return;
        }
        ended = true;
        if (membership != null) {
            membership.close();
        }
    }
}
