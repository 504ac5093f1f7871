package app.concord.client;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;

/**
 * One WebSocket connection of a {@link RemoteDocument}, from opening to its end. A document
 * makes a new link for every attempt and ignores whatever an old link still delivers, so
 * that a late frame of a dropped connection never reaches the replica behind the back of
 * the resume.
 */
final class Link extends Endpoint {

    /** Incoming frames may hold a whole document (a snapshot welcome): 64 MiB. */
    static final int MAX_FRAME_BYTES = 64 << 20;

    private final RemoteDocument owner;
    final long startedNanos = System.nanoTime();
    /** Set once the handshake has completed; read by writers on other threads. */
    volatile Session session;
    /** Guarded by the owner's lock. */
    boolean welcomed;

    Link(RemoteDocument owner) {
        this.owner = owner;
    }

    @Override
    public void onOpen(Session s, EndpointConfig config) {
        s.setMaxTextMessageBufferSize(MAX_FRAME_BYTES);
        s.addMessageHandler(String.class, (MessageHandler.Whole<String>) frame -> owner.received(this, frame));
    }

    @Override
    public void onClose(Session s, CloseReason reason) {
        owner.lost(this, "closed by the server: " + reason.getCloseCode().getCode()
                + (reason.getReasonPhrase() == null || reason.getReasonPhrase().isEmpty() ? "" : " " + reason.getReasonPhrase()),
                null);
    }

    @Override
    public void onError(Session s, Throwable error) {
        owner.lost(this, "connection failed", error);
    }

    /** Writes one text frame; false when the connection is gone or the write failed. */
    boolean write(String frame) {
        Session s = session;
        if (s == null || !s.isOpen()) {
            return false;
        }
        try {
            s.getBasicRemote().sendText(frame);
            return true;
        } catch (IOException | RuntimeException e) {
            owner.lost(this, "send failed", e);
            return false;
        }
    }

    /** Ends the connection with a normal close; failures are of no interest any more. */
    void close() {
        Session s = session;
        if (s != null && s.isOpen()) {
            try {
                s.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "bye"));
            } catch (IOException | RuntimeException e) {
                // the connection is going away either way
            }
        }
    }
}
