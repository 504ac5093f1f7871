package app.concord.documents.boundary;

import app.concord.documents.control.Collaboration;
import app.concord.operations.control.Operations;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.server.ServerEndpointConfig;

/**
 * Admits a WebSocket handshake only from an allowed origin (cross-site WebSocket
 * hijacking is refused) and only while the client's address stays under its connection
 * rate. A refused handshake is answered 403 by the container; nothing reaches a document.
 */
public class DocumentEndpointConfigurator extends ServerEndpointConfig.Configurator {

    private static final System.Logger LOG = System.getLogger(DocumentEndpointConfigurator.class.getName());

    @Override
    public boolean checkOrigin(String origin) {
        HandshakeContext.Handshake handshake = HandshakeContext.current();
        Collaboration collaboration = CDI.current().select(Collaboration.class).get();
        String host = handshake == null ? null : handshake.host();
        if (!collaboration.origins().allows(origin, host)) {
            refused("origin", () -> "event=handshake-refused reason=origin origin=" + origin + " host=" + host);
            return false;
        }
        if (handshake != null && !collaboration.addresses().tryConnect(handshake.remoteAddress(), System.nanoTime())) {
            refused("address-rate", () -> "event=handshake-refused reason=address-rate address=" + handshake.remoteAddress());
            return false;
        }
        return true;
    }

    private static void refused(String reason, java.util.function.Supplier<String> line) {
        CDI.current().select(Operations.class).get().metrics().handshakeRefused(reason);
        LOG.log(System.Logger.Level.DEBUG, line);
    }
}
