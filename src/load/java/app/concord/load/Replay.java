package app.concord.load;

import app.concord.traces.Trace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.glassfish.tyrus.client.ClientManager;

/**
 * One writer replays a trace into a fresh document, each patch a local edit of its
 * {@link app.concord.client.RemoteDocument} (so at full speed many patches are composed into
 * one buffered operation, as a real client would), while L listeners follow. Paced mode keeps
 * the trace's own timing divided by {@code speed}, with idle gaps capped at {@code maxGapMillis}.
 * At the end every replica and the server's text (GET /api/docs/{id}/text) must equal
 * {@code endContent}.
 */
final class Replay {

    private Replay() {
    }

    static Report run(ClientManager container, String url, String traceName, double speed, long maxGapMillis,
                      int listeners, ServerStats server) throws Exception {
        Trace trace = Trace.load(traceName);
        int patchCount = trace.patches().size();
        if (!trace.startContent().isEmpty()) {
            throw new IllegalArgumentException("traces with a start content are not supported");
        }
        Metrics metrics = new Metrics();
        String doc = "replay-" + Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
        URI concord = URI.create(url + "/");
        List<LoadClient> members = new ArrayList<>();
        LoadClient writer = new LoadClient(metrics, doc + "-w");
        writer.open(container, concord, doc, 10_000);
        members.add(writer);
        for (int i = 0; i < listeners; i++) {
            LoadClient listener = new LoadClient(metrics, doc + "-l" + i);
            listener.open(container, concord, doc, 10_000);
            members.add(listener);
        }
        double cpuBefore = server.cpuMillis();
        metrics.recording = true;
        long start = System.nanoTime();
        long virtualNanos = 0;
        long previous = trace.txns().isEmpty() ? 0 : trace.txns().get(0).millis();
        for (Trace.Txn txn : trace.txns()) {
            if (speed > 0) {
                long gap = Math.max(0, Math.min(txn.millis() - previous, maxGapMillis));
                previous = txn.millis();
                virtualNanos += (long) (gap * 1e6 / speed);
                long wait = start + virtualNanos - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            for (Trace.Patch p : txn.patches()) {
                writer.replace(p.pos(), p.pos() + p.deleteCount(), p.inserted());
            }
            if (!metrics.errors.isEmpty()) {
                break;
            }
        }
        long typed = System.nanoTime();
        boolean converged = Keystrokes.converge(List.of(members), 120_000);
        double elapsed = (System.nanoTime() - start) / 1e9;
        metrics.recording = false;
        double cpuAfter = server.cpuMillis();
        boolean replicasMatch = converged && members.stream().allMatch(c -> c.text().equals(trace.endContent()));
        members.forEach(LoadClient::close);
        String serverText = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url.replaceFirst("^ws", "http") + "/api/docs/" + doc + "/text")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        long acks = metrics.acks.sum();
        Report r = new Report().put("mode", "replay").put("trace", trace.name()).put("patches", patchCount)
                .put("speed", speed > 0 ? String.valueOf(speed) : "full").put("listeners", listeners)
                .put("typingSeconds", (typed - start) / 1e9).put("seconds", elapsed)
                .put("patchesPerSecond", patchCount / elapsed).put("opsAcked", acks)
                .put("deliveriesPerSecond", metrics.deliveries.sum() / elapsed);
        r.latency("delivery", metrics.delivery).latency("ack", metrics.ack);
        r.put("serverCpuMsPerOp", server.enabled() && acks > 0 ? (cpuAfter - cpuBefore) / acks : Double.NaN)
                .put("serverCpuMsPerPatch", server.enabled() ? (cpuAfter - cpuBefore) / patchCount : Double.NaN)
                .put("replicasEqualEndContent", replicasMatch)
                .put("serverTextEqualsEndContent", serverText.equals(trace.endContent()))
                .put("errors", metrics.errors.size());
        metrics.firstErrors(5).forEach(e -> System.err.println("error: " + e));
        return r;
    }
}
