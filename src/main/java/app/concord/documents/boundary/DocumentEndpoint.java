package app.concord.documents.boundary;

import app.concord.collab.LiveDocument;
import app.concord.collab.ProtocolSession;
import app.concord.collab.SessionEvents;
import app.concord.documents.control.Collaboration;
import app.concord.operations.control.ConcordMetrics;
import app.concord.operations.control.Operations;
import app.concord.protocol.ClientMessage;
import app.concord.protocol.ErrorCode;
import app.concord.protocol.JsonCodec;
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

/**
 * Protocol v1 over WebSocket, one instance per connection. It only translates: decoded
 * messages go to the connection's {@link ProtocolSession}, which makes them calls on the
 * document's {@link LiveDocument} and refusals the protocol's {@code error} and close code.
 */
@ServerEndpoint(value = "/ws/docs/{docId}", decoders = ClientMessageDecoder.class, encoders = ServerMessageEncoder.class,
        configurator = DocumentEndpointConfigurator.class)
public class DocumentEndpoint {

    private static final System.Logger LOG = System.getLogger(DocumentEndpoint.class.getName());

    @Inject
    Collaboration collaboration;

    @Inject
    Operations operations;

    private ConcordMetrics metrics;
    private String docId;
    private WebSocketConnection connection;
    private ProtocolSession protocol;

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
        int maxChars = collaboration.documents().limits().maxMessageChars();
        // Room above the limit, so that an oversized message still reaches the decoder and is answered with too-large.
        session.setMaxTextMessageBufferSize((int) Math.min(Integer.MAX_VALUE - 8, 4L * maxChars + 65_536));
        connection = new WebSocketConnection(session, collaboration.documents().limits().outboxFrames(), collaboration.executor(),
                collaboration.frameWriter(), collaboration.timers(), collaboration.sendingLoader(), metrics);
        // A connection that does not join in time is closed: the container does not report every
        // connection dropped right after its handshake, and only a timeout ends those. Not with
        // the session's idle timeout: Tyrus applies a change of it asynchronously, and a timer
        // armed under the default (none) can then close the connection at once.
        WebSocketConnection opened = connection;
        protocol = new ProtocolSession(collaboration.documents(), docId, connection, collaboration.timers(),
                new SessionEvents() {
                    @Override
                    public void operationReceived(long seq, long nanos) {
                        opened.acks().arrived(seq, nanos);
                    }

                    @Override
                    public void operationRefused(long seq, ErrorCode code) {
                        if (seq >= 0) {
                            opened.acks().refused(seq);
                        }
                        metrics.operationRefused(code);
                    }

                    @Override
                    public void serverError(String incidentId) {
                        metrics.serverError();
                    }
                });
        collaboration.connectionOpened();
        metrics.connectionOpened();
    }

    @OnMessage
    public void message(ClientMessage message) {
        if (connection == null || connection.isClosing()) {
            return;
        }
        if (message instanceof ClientMessage.Join join && join.batch()) {
            connection.sendBatches(); // before the join: its welcome may be sent at once
        }
        protocol.receive(message);
    }

    /** A binary frame is no protocol message: refused like text that is not JSON. */
    @OnMessage
    public void binary(ByteBuffer frame) {
        if (connection != null && !connection.isClosing()) {
            protocol.refuse(ErrorCode.BAD_MESSAGE, "a message must be JSON in a text frame");
        }
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        if (connection != null) {
            connection.closed();
            protocol.ended();
            collaboration.connectionClosed();
            int code = reason.getCloseCode().getCode();
            metrics.connectionClosed(code);
            LOG.log(System.Logger.Level.DEBUG, () -> "event=connection-closed doc=" + docId + " code=" + code
                    + " reason=\"" + reason.getReasonPhrase() + "\"");
        }
    }

    @OnError
    public void error(Session session, Throwable failure) {
        LOG.log(System.Logger.Level.DEBUG, () -> "event=connection-error doc=" + docId, failure);
    }
}
