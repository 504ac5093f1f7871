package app.concord.documents.boundary;

import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The HTTP side of a WebSocket handshake, for {@link DocumentEndpointConfigurator}: the
 * standard {@code checkOrigin} hook sees only the Origin header, but deciding "same
 * origin" needs the Host header, and limiting connections per client needs the client's
 * address. The container runs the handshake on the thread that carries the upgrade
 * request through the web application, so the request is kept for that thread.
 */
@WebListener
public class HandshakeContext implements ServletRequestListener {

    private static final ThreadLocal<Handshake> CURRENT = new ThreadLocal<>();

    /** What the configurator needs to know of the request being upgraded. */
    public record Handshake(String host, String remoteAddress) {
    }

    /** The upgrade request on this thread, or null when the container gave none. */
    static Handshake current() {
        return CURRENT.get();
    }

    @Override
    public void requestInitialized(ServletRequestEvent event) {
        if (event.getServletRequest() instanceof HttpServletRequest request
                && "websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            CURRENT.set(new Handshake(request.getHeader("Host"), request.getRemoteAddr()));
        }
    }

    @Override
    public void requestDestroyed(ServletRequestEvent event) {
        CURRENT.remove();
    }
}
