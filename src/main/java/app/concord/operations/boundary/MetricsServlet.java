package app.concord.operations.boundary;

import app.concord.operations.control.Operations;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.exporter.servlet.jakarta.HttpExchangeAdapter;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /ops/metrics}: Concord's metrics in the Prometheus exposition formats (text,
 * OpenMetrics or protobuf, as the scraper's Accept header asks). Not {@code /metrics}, which
 * Payara keeps for its own. {@link OpsAccessFilter} decides who may scrape.
 */
@WebServlet("/ops/metrics")
public class MetricsServlet extends HttpServlet {

    @Inject
    Operations operations;

    private PrometheusScrapeHandler scrapes;

    @Override
    public void init() {
        scrapes = new PrometheusScrapeHandler(operations.metrics().registry());
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        scrapes.handleRequest(new HttpExchangeAdapter(request, response));
    }
}
