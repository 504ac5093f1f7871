package app.concord.documents.boundary;

import app.concord.documents.control.Collaboration;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.server.ServerEndpointConfig;

/**
 * Admits a WebSocket handshake only as {@link Admission} allows: from an allowed origin and
 * while the client's address stays under its connection rate. A refused handshake is
 * answered 403 by the container; nothing reaches a document.
 */
public class DocumentEndpointConfigurator extends ServerEndpointConfig.Configurator {

    @Override
    public boolean checkOrigin(String origin) {
        HandshakeContext.Handshake handshake = HandshakeContext.current();
        Collaboration collaboration = CDI.current().select(Collaboration.class).get();
        return Admission.admits(collaboration, origin, handshake == null ? null : handshake.host(),
                handshake == null ? null : handshake.remoteAddress(), "WebSocket");
    }
}
