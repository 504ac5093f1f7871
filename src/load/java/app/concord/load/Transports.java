package app.concord.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.glassfish.tyrus.client.ClientManager;

/**
 * The keystroke load on both transports at once, against one server: the {@link Keystrokes.Setup}
 * (D documents × W writers × K keys/s, L listeners) once over WebSocket and once over the
 * compatibility transport (event stream + POSTs), on separate documents. Three windows follow
 * the warm-up:
 * <ol>
 *   <li>mixed: both transports type; delivery and ack latency per transport (each transport's
 *       writers and receivers are on its own documents, so a latency is that transport's both
 *       ways) and the server's CPU per edit for the two together;</li>
 *   <li>WebSocket only, then 3. fallback only: the other transport's writers pause (their
 *       connections stay open), and the server's CPU per edit is that transport's.</li>
 * </ol>
 * Edits are counted from the documents' revisions (one per applied operation). Then typing
 * stops and every replica of every document must hold the same text at the same revision.
 */
final class Transports {

    /** What the run needs of a connection, whichever transport carries it. */
    interface Member {
        void type(Random random);

        void ping();

        boolean isSynchronized();

        int revision();

        String text();

        boolean isOpen();

        void close();
    }

    /** One transport's documents, figures and switch. */
    private static final class Side {
        final String name;
        final Metrics metrics = new Metrics();
        final List<List<Member>> docs = new ArrayList<>();
        final List<Member> writers = new ArrayList<>();
        volatile boolean typing = true;

        Side(String name) {
            this.name = name;
        }

        /** Operations applied to this side's documents so far. */
        long revisions() {
            return docs.stream().mapToLong(members -> members.stream().mapToInt(Member::revision).max().orElse(0)).sum();
        }
    }

    /** The counters a window is measured between. */
    private record Reading(long nanos, double cpu, double jit, double ownCpu, long[] machine, long wsRevs,
                           long fallbackRevs) {
        static Reading take(ServerStats server, Side ws, Side fallback) {
            return new Reading(System.nanoTime(), server.cpuMillis(), server.jitCpuMillis(), ServerStats.ownCpuMillis(),
                    ServerStats.machineTicks(), ws.revisions(), fallback.revisions());
        }
    }

    private Transports() {
    }

    static Report run(ClientManager container, Keystrokes.Setup s, double phaseSeconds, ServerStats server)
            throws Exception {
        String runId = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        Side ws = new Side("ws");
        Side fallback = new Side("fallback");
        for (Side side : List.of(ws, fallback)) {
            for (int d = 0; d < s.docs(); d++) {
                String docId = "load-" + runId + "-" + side.name + "-" + d;
                List<Member> members = new ArrayList<>();
                for (int i = 0; i < s.writers() + s.listeners(); i++) {
                    String client = (i < s.writers() ? "w" : "l") + runId + "_" + side.name + d + "_" + i;
                    Member m = side == ws
                            ? webSocket(container, URI.create(s.url() + "/"), docId, side.metrics, client)
                            : FallbackClient.open(http, s.url().replaceFirst("^ws", "http") + "/api/docs/" + docId,
                            side.metrics, client, 10_000);
                    members.add(m);
                    if (i < s.writers()) {
                        side.writers.add(m);
                    }
                }
                side.docs.add(members);
            }
        }

        Typing typing = new Typing(s.rate(), s.seed());
        for (Side side : List.of(ws, fallback)) {
            for (Member w : side.writers) {
                typing.start(w, (writer, random) -> {
                    if (side.typing) {
                        writer.type(random);
                    }
                });
            }
        }
        List<Member> everyone = List.of(ws, fallback).stream().flatMap(side -> side.docs.stream())
                .flatMap(List::stream).toList();
        typing.every(20, () -> everyone.forEach(Member::ping));

        Report r = new Report().put("mode", "transports").put("docsPerTransport", s.docs())
                .put("writersPerDoc", s.writers()).put("keysPerSecondPerWriter", s.rate())
                .put("listenersPerDoc", s.listeners());
        Thread.sleep((long) (s.warmupSeconds() * 1000));

        ws.metrics.recording = true;
        fallback.metrics.recording = true;
        Reading start = Reading.take(server, ws, fallback);
        Thread.sleep((long) (s.seconds() * 1000));
        ws.metrics.recording = false;
        fallback.metrics.recording = false;
        Reading end = Reading.take(server, ws, fallback);
        double seconds = (end.nanos - start.nanos) / 1e9;
        for (Side side : List.of(ws, fallback)) {
            Metrics m = side.metrics;
            r.put(side.name + "KeystrokesPerSecond", m.keystrokes.sum() / seconds)
                    .put(side.name + "OpsAckedPerSecond", m.acks.sum() / seconds)
                    .put(side.name + "DeliveriesPerSecond", m.deliveries.sum() / seconds)
                    .latency(side.name + "Delivery", m.delivery).latency(side.name + "Ack", m.ack);
        }
        window(r, "mixed", start, end, server);

        // a pause lets the paused side's operations in flight finish before the next window
        long settleMillis = 2_000;
        fallback.typing = false;
        Thread.sleep(settleMillis);
        start = Reading.take(server, ws, fallback);
        Thread.sleep((long) (phaseSeconds * 1000));
        window(r, "wsOnly", start, Reading.take(server, ws, fallback), server);

        ws.typing = false;
        fallback.typing = true;
        Thread.sleep(settleMillis);
        start = Reading.take(server, ws, fallback);
        Thread.sleep((long) (phaseSeconds * 1000));
        window(r, "fallbackOnly", start, Reading.take(server, ws, fallback), server);

        typing.close();
        boolean converged = converge(ws.docs, 30_000) & converge(fallback.docs, 30_000);
        everyone.forEach(Member::close);
        int errors = ws.metrics.errors.size() + fallback.metrics.errors.size();
        r.put("converged", converged).put("wsErrors", ws.metrics.errors.size())
                .put("fallbackErrors", fallback.metrics.errors.size());
        ws.metrics.firstErrors(5).forEach(e -> System.err.println("error: " + e));
        fallback.metrics.firstErrors(5).forEach(e -> System.err.println("error: " + e));
        if (errors > 0 || !converged) {
            System.err.println("the run failed: its figures are not to be used");
        }
        return r;
    }

    /** Edits per second on each side, the server's CPU per edit and the machine's state between two readings. */
    private static void window(Report r, String name, Reading a, Reading b, ServerStats server) {
        double seconds = (b.nanos - a.nanos) / 1e9;
        long edits = b.wsRevs - a.wsRevs + b.fallbackRevs - a.fallbackRevs;
        double cpu = b.cpu - a.cpu;
        double jit = a.jit >= 0 && b.jit >= 0 ? b.jit - a.jit : Double.NaN;
        r.put(name + "Seconds", seconds)
                .put(name + "WsEditsPerSecond", (b.wsRevs - a.wsRevs) / seconds)
                .put(name + "FallbackEditsPerSecond", (b.fallbackRevs - a.fallbackRevs) / seconds)
                .put(name + "ServerCpuPercent", server.enabled() ? cpu / (seconds * 10) : Double.NaN)
                .put(name + "ServerCpuMsPerEdit", server.enabled() && edits > 0 ? cpu / edits : Double.NaN)
                .put(name + "ServerCpuMsPerEditWithoutJit", server.enabled() && edits > 0 ? (cpu - jit) / edits : Double.NaN)
                .put(name + "LoadToolCpuPercent", (b.ownCpu - a.ownCpu) / (seconds * 10));
        if (a.machine != null && b.machine != null && b.machine[0] > a.machine[0]) {
            double ticks = b.machine[0] - a.machine[0];
            int cores = Runtime.getRuntime().availableProcessors();
            // as a share of one core, like the CPU figures: 200 = both of 2 cores
            r.put(name + "MachineBusyPercent", 100.0 * cores * (ticks - (b.machine[1] - a.machine[1])) / ticks)
                    .put(name + "MachineStealPercent", 100.0 * cores * (b.machine[2] - a.machine[2]) / ticks);
        }
    }

    /** Waits until every replica of each document is synchronized at one revision, then compares their texts. */
    private static boolean converge(List<List<Member>> docs, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        for (List<Member> members : docs) {
            while (!members.stream().allMatch(Member::isSynchronized)
                    || members.stream().mapToInt(Member::revision).distinct().count() > 1) {
                if (System.currentTimeMillis() > deadline || !members.stream().allMatch(Member::isOpen)) {
                    System.err.println("replicas did not settle at revisions "
                            + members.stream().map(m -> String.valueOf(m.revision())).toList());
                    return false;
                }
                Thread.sleep(20);
            }
            if (members.stream().map(Member::text).distinct().count() > 1) {
                System.err.println("replicas differ at revision " + members.get(0).revision());
                return false;
            }
        }
        return true;
    }

    private static Member webSocket(ClientManager container, URI server, String docId, Metrics metrics, String client)
            throws Exception {
        LoadClient c = new LoadClient(metrics, client);
        c.open(container, server, docId, 10_000);
        return new Member() {
            @Override
            public void type(Random random) {
                c.type(random);
            }

            /** The library pings an idle connection by itself. */
            @Override
            public void ping() {
            }

            @Override
            public boolean isSynchronized() {
                return c.isSynchronized();
            }

            @Override
            public int revision() {
                return c.revision();
            }

            @Override
            public String text() {
                return c.text();
            }

            @Override
            public boolean isOpen() {
                return c.isOpen();
            }

            @Override
            public void close() {
                c.close();
            }
        };
    }
}
