package app.concord.collab;

import app.concord.protocol.ServerMessage;

/**
 * One client's WebSocket as the collaboration core sees it. Implementations never block
 * the caller: they queue, and a connection that falls too far behind closes itself.
 */
public interface Connection {

    /** Queues {@code message} for sending; ignored once the connection is closing. */
    void send(ServerMessage message);

    /** Sends what is queued, then closes with {@code code}; the reason is for people. */
    void close(int code, String reason);
}
