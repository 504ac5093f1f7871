package app.concord.documents.boundary;

import app.concord.collab.Limits;
import app.concord.protocol.ClientMessage;
import app.concord.protocol.JsonCodec;
import jakarta.websocket.Decoder;
import jakarta.websocket.EndpointConfig;

/**
 * Decodes every text frame into a {@link ClientMessage}. It accepts every frame and never
 * throws: a frame that is not a valid message becomes {@link ClientMessage.Invalid}, so
 * the endpoint answers it with the protocol's error on every WebSocket implementation.
 */
public class ClientMessageDecoder implements Decoder.Text<ClientMessage> {

    private int maxMessageChars = Limits.DEFAULTS.maxMessageChars();

    @Override
    public void init(EndpointConfig config) {
        maxMessageChars = Limits.fromEnvironment().maxMessageChars();
    }

    @Override
    public ClientMessage decode(String frame) {
        return JsonCodec.decode(frame, maxMessageChars);
    }

    /** Every frame is decoded; the type is read from its JSON, never guessed from its text. */
    @Override
    public boolean willDecode(String frame) {
        return true;
    }
}
