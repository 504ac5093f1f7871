package app.concord.operations.boundary;

import app.concord.collab.DocumentStore;
import app.concord.documents.control.Collaboration;
import app.concord.operations.control.Operations;
import app.concord.operations.control.StatusReport;
import jakarta.inject.Inject;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The status page for people: {@code GET /ops/status} is the page (ops-status.html, whose
 * script draws the figures), {@code GET /ops/status.json} what it polls. {@link OpsAccessFilter}
 * decides who may see them.
 */
@WebServlet({"/ops/status", "/ops/status.json"})
public class StatusServlet extends HttpServlet {

    static final String PAGE = "/WEB-INF/ops-status.html";

    @Inject
    Operations operations;

    @Inject
    Collaboration collaboration;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        if (request.getServletPath().equals("/ops/status")) {
            request.getRequestDispatcher(PAGE).forward(request, response);
            return;
        }
        DocumentStore store = collaboration.documents().store();
        Map<String, String> about = new LinkedHashMap<>();
        about.put("version", Operations.version());
        about.put("server", getServletContext().getServerInfo());
        about.put("store", store.description());
        about.put("durable", Boolean.toString(store.isDurable()));
        about.put("uptimeSeconds", Long.toString(ManagementFactory.getRuntimeMXBean().getUptime() / 1000));
        response.setContentType("application/json;charset=UTF-8");
        response.getWriter().write(StatusReport.json(about, operations.metrics().figures(), operations.history().samples()));
    }
}
