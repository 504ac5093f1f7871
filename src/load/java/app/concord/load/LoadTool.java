package app.concord.load;

import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;

/**
 * Drives a running Concord server over protocol v1 from one JVM and prints a table and one
 * JSON line (BENCHMARKS.md). Every run is bounded in connections and time and stops by itself.
 */
public final class LoadTool {

    private static final String USAGE = """
            usage: LoadTool MODE --url ws://127.0.0.1:8080 [--pid SERVER_PID] [options]
              keystrokes  --docs 5 --writers 10 --rate 20 --listeners 0 --warmup 5 --seconds 30 --seed 1
              replay      --trace automerge-paper|PATH.json.gz --speed 0 (0 = full speed, else x trace time)
                          --max-gap-ms 1000 --listeners 1
              idle        --connections 1000 --per-doc 100 --settle 5
              saturation  keystrokes options, --step-seconds 10 --grow writers|rate --factor 1.5
                          --max-steps 8 --p50-limit-ms 50
              transports  keystrokes options per transport (WebSocket, event stream + POSTs), --phase-seconds 10
              failover    --url of a cluster's HAProxy --nodes node1=PID,node2=PID,... --writers 4 --rate 20
                          --warmup 5 --after 5: kill -9 of the node serving a document, time to the next acks
              frames      keystrokes options, against the container-floor endpoint (src/load/container-floor.sh)
              profile     --file CPU.collapsed --top 25: where the CPU of an async-profiler profile goes
              summary     --file RUNS.jsonl --baseline node: the table of a comparison script's runs (compare-node.sh)
            keystrokes --listener-url ws://...: the listeners on another node of a cluster (listenerDelivery)
            --pid: the server's process id, for CPU ms per edit and RSS (from /proc); the nodes of a
                   cluster: their ids separated by commas (their sums)
            --no-batches: clients do not ask for batch frames at join (PROTOCOL.md "Extension: batches")""";

    private LoadTool() {
    }

    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv);
        if (a.mode.equals("help")) {
            System.out.println(USAGE);
            return;
        }
        if (a.mode.equals("profile")) {
            Profile.print(java.nio.file.Path.of(a.string("file", "cpu.collapsed")), a.integer("top", 25));
            return;
        }
        if (a.mode.equals("summary")) {
            Summary.print(java.nio.file.Path.of(a.string("file", "runs.jsonl")), a.string("baseline", "node"));
            return;
        }
        String url = a.string("url", "ws://127.0.0.1:8080").replaceAll("/+$", "");
        String listenerUrl = a.string("listener-url", url).replaceAll("/+$", "");
        for (String target : new String[] {url, listenerUrl}) {
            if (!target.matches("wss?://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:\\d+)?(/.*)?") && !a.flag("allow-remote")) {
                throw new IllegalArgumentException("load goes to the local machine only (127.0.0.1); --allow-remote to override");
            }
        }
        ServerStats server = new ServerStats(a.string("pid", ""));
        LoadClient.batches = !a.flag("no-batches");
        ClientManager container = ClientManager.createClient();
        container.getProperties().put(ClientProperties.SHARED_CONTAINER, true);
        Keystrokes.Setup setup = new Keystrokes.Setup(url, a.integer("docs", 5), a.integer("writers", 10),
                a.decimal("rate", 20), a.integer("listeners", 0), a.decimal("warmup", 5),
                a.decimal(a.mode.equals("saturation") ? "step-seconds" : "seconds", a.mode.equals("saturation") ? 10 : 30),
                a.longValue("seed", 1));
        Report report;
        switch (a.mode) {
            case "keystrokes" -> report = Keystrokes.run(container, setup, listenerUrl, server).report();
            case "frames" -> report = FrameLoad.run(container, setup, server);
            case "failover" -> report = Failover.run(container, url, Failover.nodes(a.string("nodes", "")),
                    a.integer("writers", 4), a.decimal("rate", 20), a.decimal("warmup", 5), a.decimal("after", 5));
            case "transports" -> report = Transports.run(container, setup, a.decimal("phase-seconds", 10), server);
            case "replay" -> report = Replay.run(container, url, a.string("trace", "automerge-paper"),
                    a.decimal("speed", 0), a.longValue("max-gap-ms", 1000), a.integer("listeners", 1), server);
            case "idle" -> report = Idle.run(container, url, a.integer("connections", 1000), a.integer("per-doc", 100),
                    a.decimal("settle", 5), server);
            case "saturation" -> report = Saturation.run(container, setup, a.string("grow", "writers").equals("rate"),
                    a.decimal("factor", 1.5), a.integer("max-steps", 8), a.decimal("p50-limit-ms", 50), server);
            default -> throw new IllegalArgumentException("unknown mode " + a.mode + "\n" + USAGE);
        }
        report.put("batches", LoadClient.batches).print();
        container.shutdown();
        System.exit(0);
    }
}
