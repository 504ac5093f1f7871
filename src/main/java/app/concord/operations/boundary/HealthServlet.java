package app.concord.operations.boundary;

import app.concord.collab.DocumentStore;
import app.concord.documents.control.Collaboration;
import app.concord.operations.control.Health;
import app.concord.operations.control.Operations;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Health in the MicroProfile Health JSON shape, for load balancers and orchestrators, open to
 * everyone: 200 when every check is UP, else 503.
 * <ul>
 * <li>{@code GET /health/live}: the process works (no deadlocked threads);</li>
 * <li>{@code GET /health/ready}: the database answers, keeps what it stores across a crash,
 * and the application is not stopping: send users here;</li>
 * <li>{@code GET /health/started}: the collaboration core started;</li>
 * <li>{@code GET /health}: all of them.</li>
 * </ul>
 */
@WebServlet("/health/*")
public class HealthServlet extends HttpServlet {

    @Inject
    Collaboration collaboration;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        List<Health.Check> checks = new ArrayList<>();
        switch (path) {
            case "/live" -> checks.add(live());
            case "/ready" -> checks.addAll(ready());
            case "/started" -> checks.add(started());
            case "/" -> {
                checks.add(live());
                checks.addAll(ready());
                checks.add(started());
            }
            default -> {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
        }
        response.setStatus(Health.up(checks) ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setContentType("application/json;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(Health.json(checks));
    }

    private static Health.Check live() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] deadlocked = threads.findDeadlockedThreads();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("threads", threads.getThreadCount());
        data.put("deadlockedThreads", deadlocked == null ? 0 : deadlocked.length);
        return new Health.Check("threads", deadlocked == null, data);
    }

    /**
     * The database first: its name is what the readiness check has always reported first. An
     * application on its way down (its beans already gone) is not ready: 503, never 500, so a
     * load balancer reads it as it should.
     */
    private List<Health.Check> ready() {
        try {
            return readiness();
        } catch (RuntimeException stopping) {
            return List.of(new Health.Check("draining", false, Map.of("draining", true)));
        }
    }

    private List<Health.Check> readiness() {
        DocumentStore store = collaboration.documents().store();
        String unavailable;
        try {
            unavailable = store.unavailableReason();
        } catch (RuntimeException e) {
            unavailable = String.valueOf(e.getMessage());
        }
        Map<String, Object> database = new LinkedHashMap<>();
        database.put("database", store.description());
        if (unavailable != null) {
            database.put("reason", unavailable);
        }
        return List.of(
                new Health.Check("database", unavailable == null, database),
                new Health.Check("durability", store.isDurable(), Map.of("durable", store.isDurable())),
                new Health.Check("draining", !collaboration.isDraining(), Map.of("draining", collaboration.isDraining())));
    }

    private Health.Check started() {
        boolean started;
        try {
            started = collaboration.documents() != null;
        } catch (RuntimeException e) {
            started = false;
        }
        return new Health.Check("collaboration", started, Map.of("version", Operations.version()));
    }
}
