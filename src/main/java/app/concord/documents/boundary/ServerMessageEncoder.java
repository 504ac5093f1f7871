package app.concord.documents.boundary;

import app.concord.protocol.JsonCodec;
import app.concord.protocol.ServerMessage;
import jakarta.websocket.Encoder;

/** Encodes server messages; a broadcast arrives here already encoded and passes through. */
public class ServerMessageEncoder implements Encoder.Text<ServerMessage> {

    @Override
    public String encode(ServerMessage message) {
        return JsonCodec.encode(message);
    }
}
