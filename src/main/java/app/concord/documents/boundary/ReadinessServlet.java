package app.concord.documents.boundary;

import app.concord.collab.DocumentStore;
import app.concord.documents.control.Collaboration;
import app.concord.protocol.JsonCodec;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /health/ready}: 200 when the database answers and keeps what it commits, 503
 * (with the reason) when it does not, so a load balancer sends no one to a server that could
 * not keep their edits.
 */
@WebServlet("/health/ready")
public class ReadinessServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    Collaboration collaboration;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        DocumentStore store = collaboration.documents().store();
        String unavailable = store.unavailableReason();
        boolean durable = store.isDurable();
        boolean ready = unavailable == null && durable;
        StringBuilder json = new StringBuilder("{\"status\":\"").append(ready ? "UP" : "DOWN")
                .append("\",\"checks\":[{\"name\":\"database\",\"status\":\"").append(unavailable == null ? "UP" : "DOWN")
                .append("\",\"data\":{\"database\":");
        JsonCodec.quote(store.description(), json);
        if (unavailable != null) {
            json.append(",\"reason\":");
            JsonCodec.quote(unavailable, json);
        }
        json.append("}},{\"name\":\"durable\",\"status\":\"").append(durable ? "UP" : "DOWN").append("\"}]}");
        response.setStatus(ready ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setContentType("application/json;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(json.toString());
    }
}
