package app.concord.load;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.glassfish.tyrus.client.ClientManager;

/**
 * Opens N connections that join and then stay idle, spread over documents of
 * {@code perDoc} connections (under the server's maxConnectionsPerDocument), and reports,
 * per 1,000 connections after {@code settleSeconds}, the growth of the server's live heap
 * (after a full collection, see {@link ServerStats#liveHeapBytes}) and of its RSS. RSS alone
 * misleads both ways: a heap grown by earlier runs takes new objects without growing, and a
 * collector may commit more than it needs. Each connection pings when it has been silent for
 * 20 s, as an idle browser tab does (WildFly, as configured by default, dropped ping-less
 * connections after one to two minutes): the client library does that by itself.
 * The server's connection rate limit per address must allow N connections from 127.0.0.1.
 */
final class Idle {

    private Idle() {
    }

    static Report run(ClientManager container, String url, int connections, int perDoc, double settleSeconds,
                      ServerStats server) throws Exception {
        Metrics metrics = new Metrics();
        String runId = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
        long rssBefore = server.rssKib();
        long heapBefore = server.liveHeapBytes();
        List<LoadClient> clients = new ArrayList<>(connections);
        long start = System.nanoTime();
        try {
            for (int i = 0; i < connections; i++) {
                LoadClient c = new LoadClient(metrics, "i" + runId + "_" + i);
                c.open(container, URI.create(url + "/"), "idle-" + runId + "-" + (i / perDoc), 10_000);
                clients.add(c);
            }
            double openSeconds = (System.nanoTime() - start) / 1e9;
            Thread.sleep((long) (settleSeconds * 1000));
            long rssAfter = server.rssKib();
            long heapAfter = server.liveHeapBytes();
            long open = clients.stream().filter(LoadClient::isOpen).count();
            return new Report().put("mode", "idle").put("connections", connections).put("stillOpen", open)
                    .put("openSeconds", openSeconds)
                    .put("serverRssBeforeMb", server.enabled() ? rssBefore / 1024.0 : Double.NaN)
                    .put("serverRssAfterMb", server.enabled() ? rssAfter / 1024.0 : Double.NaN)
                    .put("serverRssMbPer1000", server.enabled() ? (rssAfter - rssBefore) / 1024.0 * 1000 / connections
                            : Double.NaN)
                    .put("serverLiveHeapBeforeMb", heapBefore >= 0 ? heapBefore / 1048576.0 : Double.NaN)
                    .put("serverLiveHeapAfterMb", heapAfter >= 0 ? heapAfter / 1048576.0 : Double.NaN)
                    .put("serverLiveHeapMbPer1000", heapBefore >= 0 && heapAfter >= 0
                            ? (heapAfter - heapBefore) / 1048576.0 * 1000 / connections : Double.NaN)
                    .put("errors", metrics.errors.size());
        } finally {
            clients.forEach(LoadClient::close);
            metrics.firstErrors(5).forEach(e -> System.err.println("error: " + e));
        }
    }
}
