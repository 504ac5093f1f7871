package app.concord.documents.boundary;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Whatever reaches the web application under {@code /ws/} is a request the WebSocket container
 * did not upgrade. A WebSocket handshake for a document (whose origin or connection rate
 * {@link DocumentEndpointConfigurator} refused) is answered 403, anything else 404. Containers
 * differ here: Tyrus (Payara) answers a refused handshake with 403 itself, whereas Undertow
 * (WildFly) passes it on down the filter chain, where the default servlet would answer 404.
 */
@WebServlet("/ws/*")
public class RefusedHandshakeServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        boolean documentPath = path != null && path.startsWith("/docs/") && path.indexOf('/', "/docs/".length()) < 0;
        boolean handshake = "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
        response.setHeader("Cache-Control", "no-store");
        response.sendError(handshake && documentPath ? HttpServletResponse.SC_FORBIDDEN : HttpServletResponse.SC_NOT_FOUND);
    }
}
