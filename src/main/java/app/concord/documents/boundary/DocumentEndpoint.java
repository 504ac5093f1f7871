package app.concord.documents.boundary;

import app.concord.collab.Incidents;
import app.concord.collab.LiveDocument;
import app.concord.collab.LiveDocuments;
import app.concord.collab.ProtocolException;
import app.concord.collab.RateLimiter;
import app.concord.documents.control.Collaboration;
import app.concord.operations.control.ConcordMetrics;
import app.concord.operations.control.Operations;
import app.concord.protocol.ClientMessage;
import app.concord.protocol.ErrorCode;
import app.concord.protocol.JsonCodec;
import app.concord.protocol.ServerMessage;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Protocol v1 over WebSocket, one instance per connection. It only translates: decoded
 * messages become calls on the document's {@link LiveDocument}, refusals become the
 * protocol's {@code error} and close code.
 */
@ServerEndpoint(value = "/ws/docs/{docId}", decoders = ClientMessageDecoder.class, encoders = ServerMessageEncoder.class,
        configurator = DocumentEndpointConfigurator.class)
public class DocumentEndpoint {

    private static final System.Logger LOG = System.getLogger(DocumentEndpoint.class.getName());
    /** How long a connection may stay open without joining. */
    static final long JOIN_TIMEOUT_MILLIS = 30_000;

    @Inject
    Collaboration collaboration;

    @Inject
    Operations operations;

    private LiveDocuments documents;
    private ConcordMetrics metrics;
    private String docId;
    private WebSocketConnection connection;
    private RateLimiter opRate;
    private LiveDocument document;
    private LiveDocument.Member member;
    /** Set once the connection has sent {@code join}; read by the join timeout's thread. */
    private volatile boolean joined;
    private Future<?> joinTimeout;

    @OnOpen
    public void open(Session session, @PathParam("docId") String docId) throws IOException {
        metrics = operations.metrics();
        if (!JsonCodec.ID.matcher(docId).matches()) {
            metrics.handshakeRefused("document-id");
            LOG.log(System.Logger.Level.DEBUG, "event=handshake-refused reason=document-id");
            // Closed off this thread: closing inside @OnOpen races with Payara finishing the upgrade,
            // which then loses the close frame (1006) or breaks another connection's handshake.
            CloseReason refusal = new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "document id must match [A-Za-z0-9_-]{1,64}");
            collaboration.executor().execute(() -> {
                try {
                    session.close(refusal);
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "close failed", e);
                }
            });
            return;
        }
        this.docId = docId;
        documents = collaboration.documents();
        int maxChars = documents.limits().maxMessageChars();
        // Room above the limit, so that an oversized message still reaches the decoder and is answered with too-large.
        session.setMaxTextMessageBufferSize((int) Math.min(Integer.MAX_VALUE - 8, 4L * maxChars + 65_536));
        connection = new WebSocketConnection(session, documents.limits().outboxFrames(), collaboration.executor(),
                collaboration.timers(), collaboration.sendingLoader(), metrics);
        // A connection that does not join in time is closed: the container does not report every
        // connection dropped right after its handshake, and only a timeout ends those. Not with
        // the session's idle timeout: Tyrus applies a change of it asynchronously, and a timer
        // armed under the default (none) can then close the connection at once.
        WebSocketConnection opened = connection;
        joinTimeout = collaboration.timers().schedule(() -> {
            if (!joined) {
                opened.send(new ServerMessage.Error(ErrorCode.BAD_MESSAGE, "no join within " + JOIN_TIMEOUT_MILLIS / 1000 + " s"));
                opened.close(ErrorCode.BAD_MESSAGE.closeCode(), ErrorCode.BAD_MESSAGE.wire());
            }
        }, JOIN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        collaboration.connectionOpened();
        metrics.connectionOpened();
        opRate = new RateLimiter(documents.limits().opsPerSecond(), documents.limits().opsBurst(), System.nanoTime());
    }

    @OnMessage
    public void message(ClientMessage message) {
        if (connection == null || connection.isClosing()) {
            return;
        }
        if (message instanceof ClientMessage.Op op) {
            connection.acks().arrived(op.seq(), System.nanoTime());
        }
        try {
            dispatch(message);
        } catch (ProtocolException e) {
            if (message instanceof ClientMessage.Op op) {
                connection.acks().refused(op.seq());
                metrics.operationRefused(e.code());
            }
            if (e.code() == ErrorCode.SERVER_ERROR) {
                serverError(e.getCause() != null ? e.getCause() : e, e.getMessage());
            } else {
                refuse(e.code(), e.getMessage());
            }
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
        metrics.serverError();
        LOG.log(System.Logger.Level.ERROR, "event=server-error id=" + id, failure);
        LOG.log(System.Logger.Level.DEBUG, () -> "event=server-error id=" + id + " doc=" + docId);
        connection.send(new ServerMessage.Error(ErrorCode.SERVER_ERROR, text, id));
        connection.close(ErrorCode.SERVER_ERROR.closeCode(), ErrorCode.SERVER_ERROR.wire());
    }

    /** A binary frame is no protocol message: refused like text that is not JSON. */
    @OnMessage
    public void binary(ByteBuffer frame) {
        if (connection != null && !connection.isClosing()) {
            refuse(ErrorCode.BAD_MESSAGE, "a message must be JSON in a text frame");
        }
    }

    private void dispatch(ClientMessage message) {
        if (message instanceof ClientMessage.Invalid invalid) {
            if (invalid.code() == ErrorCode.BAD_OP) {
                metrics.operationRefused(ErrorCode.BAD_OP);
            }
            refuse(invalid.code(), invalid.message());
        } else if (message instanceof ClientMessage.Join join) {
            if (member != null) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "this connection has already joined");
            }
            joined = true;
            joinTimeout.cancel(false);
            LiveDocuments.Access access = documents.access(docId);
            document = documents.acquire(access.docId());
            try {
                member = document.join(connection, join, access.publicId(), access.readOnly());
            } catch (RuntimeException e) {
                documents.release(document);
                document = null;
                throw e;
            }
        } else if (member == null) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, "the first message must be join");
        } else if (message instanceof ClientMessage.Ping) {
            connection.send(new ServerMessage.Pong());
        } else if (message instanceof ClientMessage.Op op) {
            if (!opRate.tryAcquire(System.nanoTime())) {
                throw new ProtocolException(ErrorCode.RATE_LIMITED, "more than " + documents.limits().opsPerSecond()
                        + " operations per second");
            }
            document.submit(member, op);
        } else if (message instanceof ClientMessage.Cursor cursor) {
            document.cursor(member, cursor);
        }
    }

    private void refuse(ErrorCode code, String text) {
        LOG.log(System.Logger.Level.DEBUG, () -> "event=refused doc=" + docId + " code=" + code.wire() + " message=\"" + text + "\"");
        connection.send(new ServerMessage.Error(code, text));
        if (code.closes()) {
            connection.close(code.closeCode(), code.wire());
        }
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        if (connection != null) {
            joinTimeout.cancel(false);
            connection.closed();
            collaboration.connectionClosed();
            int code = reason.getCloseCode().getCode();
            metrics.connectionClosed(code);
            LOG.log(System.Logger.Level.DEBUG, () -> "event=connection-closed doc=" + docId + " code=" + code
                    + " reason=\"" + reason.getReasonPhrase() + "\"");
        }
        if (document != null) {
            if (member != null) {
                document.leave(member);
            }
            documents.release(document);
            document = null;
        }
    }

    @OnError
    public void error(Session session, Throwable failure) {
        LOG.log(System.Logger.Level.DEBUG, () -> "event=connection-error doc=" + docId, failure);
    }
}
