package app.concord.load;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.glassfish.tyrus.client.ClientManager;

/**
 * Opens N connections that join and then stay idle, spread over documents of
 * {@code perDoc} connections (under the server's maxConnectionsPerDocument), and reports the
 * server's RSS growth per 1,000 connections after {@code settleSeconds}. The server's
 * connection rate limit per address must allow N connections from 127.0.0.1.
 */
final class Idle {

    private Idle() {
    }

    static Report run(ClientManager container, String url, int connections, int perDoc, double settleSeconds,
                      ServerStats server) throws Exception {
        Metrics metrics = new Metrics();
        String runId = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
        long rssBefore = server.rssKib();
        List<LoadClient> clients = new ArrayList<>(connections);
        long start = System.nanoTime();
        try {
            for (int i = 0; i < connections; i++) {
                LoadClient c = new LoadClient(metrics, "i" + runId + "_" + i);
                c.open(container, URI.create(url + "/ws/docs/idle-" + runId + "-" + (i / perDoc)), 10_000);
                clients.add(c);
            }
            double openSeconds = (System.nanoTime() - start) / 1e9;
            Thread.sleep((long) (settleSeconds * 1000));
            long rssAfter = server.rssKib();
            long open = clients.stream().filter(LoadClient::isOpen).count();
            return new Report().put("mode", "idle").put("connections", connections).put("stillOpen", open)
                    .put("openSeconds", openSeconds)
                    .put("serverRssBeforeMb", server.enabled() ? rssBefore / 1024.0 : Double.NaN)
                    .put("serverRssAfterMb", server.enabled() ? rssAfter / 1024.0 : Double.NaN)
                    .put("serverRssMbPer1000", server.enabled() ? (rssAfter - rssBefore) / 1024.0 * 1000 / connections
                            : Double.NaN)
                    .put("errors", metrics.errors.size());
        } finally {
            clients.forEach(LoadClient::close);
            metrics.firstErrors(5).forEach(e -> System.err.println("error: " + e));
        }
    }
}
