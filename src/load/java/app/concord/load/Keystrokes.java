package app.concord.load;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.glassfish.tyrus.client.ClientManager;

/**
 * D documents, each with W writers typing K keys per second (a single character at a random
 * position of their replica) and L listeners. After a warm-up, latencies and counts are
 * recorded for the measured seconds, and the server's CPU time and RSS are read around that
 * window. Then typing stops, every writer waits for its acks and every replica of a document
 * must hold the same text at the same revision.
 */
final class Keystrokes {

    record Setup(String url, int docs, int writers, double rate, int listeners, double warmupSeconds,
                 double seconds, long seed) {
    }

    record Outcome(Report report, double deliveriesPerSecond, double p50Millis, boolean ok) {
    }

    private Keystrokes() {
    }

    static Outcome run(ClientManager container, Setup s, ServerStats server) throws Exception {
        return run(container, s, s.url(), server);
    }

    /**
     * As {@link #run(ClientManager, Setup, ServerStats)}, with the listeners connected to
     * {@code listenerUrl}: another node of a cluster, which follows the documents that the
     * writers' node sequences (the report's {@code listenerDelivery}).
     */
    static Outcome run(ClientManager container, Setup s, String listenerUrl, ServerStats server) throws Exception {
        Metrics metrics = new Metrics();
        String runId = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
        List<List<LoadClient>> docs = new ArrayList<>();
        List<LoadClient> writers = new ArrayList<>();
        for (int d = 0; d < s.docs(); d++) {
            String doc = "load-" + runId + "-" + d;
            List<LoadClient> members = new ArrayList<>();
            for (int i = 0; i < s.writers() + s.listeners(); i++) {
                boolean writer = i < s.writers();
                LoadClient c = new LoadClient(metrics, (writer ? "w" : "l") + runId + "_" + d + "_" + i, !writer);
                c.open(container, URI.create((writer ? s.url() : listenerUrl) + "/"), doc, 10_000);
                members.add(c);
                if (writer) {
                    writers.add(c);
                }
            }
            docs.add(members);
        }
        Typing typing = new Typing(s.rate(), s.seed());
        writers.forEach(w -> typing.start(w, LoadClient::type));
        Thread.sleep((long) (s.warmupSeconds() * 1000));
        Window window = Window.open(server);
        metrics.recording = true;
        Thread.sleep((long) (s.seconds() * 1000));
        metrics.recording = false;
        double elapsed = window.close();
        typing.close();
        boolean converged = converge(docs, 30_000);
        docs.forEach(members -> members.forEach(LoadClient::close));

        long acks = metrics.acks.sum();
        long keystrokes = metrics.keystrokes.sum();
        double deliveriesPerSecond = metrics.deliveries.sum() / elapsed;
        Report r = new Report().put("mode", "keystrokes").put("docs", s.docs()).put("writersPerDoc", s.writers())
                .put("keysPerSecondPerWriter", s.rate()).put("listenersPerDoc", s.listeners())
                .put("seconds", elapsed)
                .put("keystrokesPerSecond", keystrokes / elapsed)
                .put("opsAckedPerSecond", acks / elapsed).put("deliveriesPerSecond", deliveriesPerSecond);
        r.latency("delivery", metrics.delivery).latency("ack", metrics.ack);
        if (s.listeners() > 0) {
            r.put("listenersAt", listenerUrl).latency("listenerDelivery", metrics.listenerDelivery);
        }
        window.put(r, acks).put("serverCpuMsPerKeystroke", keystrokes > 0 ? window.serverCpuMillis() / keystrokes : Double.NaN);
        r.put("converged", converged).put("errors", metrics.errors.size());
        metrics.firstErrors(5).forEach(e -> System.err.println("error: " + e));
        return new Outcome(r, deliveriesPerSecond, metrics.delivery.percentileMillis(50),
                converged && metrics.errors.isEmpty());
    }

    /** Waits until every writer has its acks and every replica of a document is at the same revision and text. */
    static boolean converge(List<List<LoadClient>> docs, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        for (List<LoadClient> members : docs) {
            while (true) {
                boolean synced = members.stream().allMatch(LoadClient::isSynchronized);
                int rev = members.stream().mapToInt(LoadClient::revision).max().orElse(0);
                if (synced && members.stream().allMatch(c -> c.revision() == rev)) {
                    String text = members.get(0).text();
                    if (members.stream().allMatch(c -> c.text().equals(text))) {
                        break;
                    }
                    System.err.println("replicas differ at revision " + rev);
                    return false;
                }
                if (System.currentTimeMillis() > deadline || members.stream().anyMatch(c -> !c.isOpen())) {
                    System.err.println("replicas did not settle (revisions "
                            + members.stream().map(c -> String.valueOf(c.revision())).toList() + ")");
                    return false;
                }
                Thread.sleep(20);
            }
        }
        return true;
    }
}
