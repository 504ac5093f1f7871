package app.concord.load;

import app.concord.client.ClientOptions;
import app.concord.client.Concord;
import app.concord.client.DocumentListener;
import app.concord.client.RemoteDocument;
import jakarta.websocket.WebSocketContainer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Failover time of a cluster (server-config/cluster/README.md): W writers type into one
 * document through the load balancer at {@code url}, with the client library's own reconnect
 * policy, as users would; after the warm-up the node serving the document (the load
 * balancer's {@code X-Concord-Node} answer, mapped to a process by {@code --nodes
 * node1=PID,...}) is killed with SIGKILL. Measured from the kill: the first acknowledged edit
 * of any writer, and the time by which every writer had one. Then typing stops; every
 * replica must hold the same text, as long as the keystrokes typed (each inserts one
 * character), so that no edit was lost or doubled. The killed node stays down: starting it
 * again is the caller's (src/load/compare-cluster.sh does).
 */
final class Failover {

    private Failover() {
    }

    static Report run(WebSocketContainer container, String url, Map<String, Long> nodes, int writers, double rate,
            double warmupSeconds, double afterSeconds) throws Exception {
        String doc = "failover-" + Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
        URI http = URI.create(url.replaceFirst("^ws", "http") + "/");
        List<RemoteDocument> docs = new ArrayList<>();
        List<AtomicLong> firstAckAfterKill = new ArrayList<>();
        AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
        long[] typed = new long[writers];
        for (int i = 0; i < writers; i++) {
            AtomicLong first = new AtomicLong(-1);
            firstAckAfterKill.add(first);
            DocumentListener acks = new DocumentListener() {
                @Override
                public void operationAcknowledged(long seq, int revision) {
                    long now = System.nanoTime();
                    if (now > killedAt.get()) {
                        first.compareAndSet(-1, now);
                    }
                }
            };
            String client = "f" + doc + "_" + i;
            docs.add(Concord.connect(http, doc, ClientOptions.defaults().clientId(client).name(client).container(container)
                    .opsPerSecond(1e9, Integer.MAX_VALUE), acks));
        }
        ScheduledExecutorService typists = Executors.newScheduledThreadPool(2);
        long period = (long) (1e9 / rate);
        List<ScheduledFuture<?>> typing = new ArrayList<>();
        Random seeds = new Random(7);
        for (int i = 0; i < writers; i++) {
            RemoteDocument d = docs.get(i);
            Random random = new Random(seeds.nextLong());
            int index = i;
            typing.add(typists.scheduleAtFixedRate(() -> {
                d.insert(random.nextInt(d.length() + 1), String.valueOf((char) ('a' + random.nextInt(26))));
                typed[index]++;
            }, random.nextLong(period), period, TimeUnit.NANOSECONDS));
        }
        Thread.sleep((long) (warmupSeconds * 1000));

        String node = servingNode(http, doc);
        Long pid = nodes.get(node);
        if (pid == null) {
            throw new IllegalArgumentException("the load balancer serves " + doc + " from " + node + ", not in --nodes " + nodes);
        }
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
        killedAt.set(System.nanoTime());
        process.destroyForcibly();
        process.onExit().get(30, TimeUnit.SECONDS);
        long deadline = killedAt.get() + TimeUnit.SECONDS.toNanos(60);
        while (firstAckAfterKill.stream().anyMatch(t -> t.get() < 0) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep((long) (afterSeconds * 1000));
        typing.forEach(f -> f.cancel(false));
        typists.shutdown();
        typists.awaitTermination(5, TimeUnit.SECONDS);

        boolean converged = true;
        for (RemoteDocument d : docs) {
            try {
                d.awaitAcknowledged(Duration.ofSeconds(60));
            } catch (TimeoutException e) {
                converged = false;
            }
        }
        int rev = docs.stream().mapToInt(RemoteDocument::revision).max().orElse(0);
        long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (docs.stream().anyMatch(d -> d.revision() < rev) && System.nanoTime() < settle) {
            Thread.sleep(10);
        }
        String text = docs.get(0).text();
        converged &= docs.stream().allMatch(d -> d.revision() == rev && d.text().equals(text));
        long keystrokes = 0;
        for (long n : typed) {
            keystrokes += n;
        }
        docs.forEach(RemoteDocument::close);

        List<Long> millis = firstAckAfterKill.stream()
                .map(t -> t.get() < 0 ? -1 : (t.get() - killedAt.get()) / 1_000_000).toList();
        return new Report().put("mode", "failover").put("killed", node).put("writers", writers)
                .put("keysPerSecondPerWriter", rate)
                .put("firstAckAfterKillMs", millis.stream().filter(m -> m >= 0).min(Long::compare).orElse(-1L))
                .put("everyWriterAckedAfterKillMs", millis.contains(-1L) ? -1L : millis.stream().max(Long::compare).orElse(-1L))
                .put("writersAckedAfterKillMs", millis.toString())
                .put("keystrokes", keystrokes).put("textLength", text.length())
                .put("converged", converged && text.length() == keystrokes);
    }

    /** The node the load balancer sends {@code doc} to: its {@code X-Concord-Node} answer for the editor page. */
    private static String servingNode(URI http, String doc) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<Void> page = client.send(HttpRequest.newBuilder(http.resolve("/d/" + doc)).build(),
                HttpResponse.BodyHandlers.discarding());
        return page.headers().firstValue("X-Concord-Node")
                .orElseThrow(() -> new IllegalStateException(http + " names no node (X-Concord-Node): not the cluster's HAProxy?"));
    }

    /** {@code node1=123,node2=124}: the nodes' names, as the load balancer gives them, and process ids. */
    static Map<String, Long> nodes(String spec) {
        Map<String, Long> nodes = new HashMap<>();
        for (String pair : spec.split(",")) {
            String[] p = pair.trim().split("=");
            if (p.length != 2) {
                throw new IllegalArgumentException("--nodes is node1=PID,node2=PID,..., not " + spec);
            }
            nodes.put(p[0], Long.parseLong(p[1]));
        }
        return nodes;
    }
}
