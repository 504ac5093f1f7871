package app.concord.load;

/**
 * The measured seconds of a run, as the server and the machine saw them: the server's CPU
 * time (all of it, and its JIT compiler's) and resident memory, the load tool's own CPU, and
 * how busy the machine's cores were and how much the hypervisor took (steal), read at the
 * start and at the end of the window.
 */
final class Window {

    private final ServerStats server;
    private final double cpuBefore;
    private final double jitBefore;
    private final long rssBefore;
    private final double ownCpuBefore;
    private final long[] machineBefore;
    private final long start = System.nanoTime();
    private double cpuAfter;
    private double jitAfter;
    private long rssAfter;
    private double ownCpuAfter;
    private long[] machineAfter;
    private double elapsed;

    private Window(ServerStats server) {
        this.server = server;
        cpuBefore = server.cpuMillis();
        jitBefore = server.jitCpuMillis();
        rssBefore = server.rssKib();
        ownCpuBefore = ServerStats.ownCpuMillis();
        machineBefore = ServerStats.machineTicks();
    }

    static Window open(ServerStats server) {
        return new Window(server);
    }

    /** Ends the window; returns its length in seconds. */
    double close() {
        elapsed = (System.nanoTime() - start) / 1e9;
        cpuAfter = server.cpuMillis();
        jitAfter = server.jitCpuMillis();
        rssAfter = server.rssKib();
        ownCpuAfter = ServerStats.ownCpuMillis();
        machineAfter = ServerStats.machineTicks();
        return elapsed;
    }

    /** Server CPU milliseconds over the window, or NaN without a server PID. */
    double serverCpuMillis() {
        return server.enabled() ? cpuAfter - cpuBefore : Double.NaN;
    }

    /** Puts the window's figures into {@code r}, CPU per edit for {@code edits} edits. */
    Report put(Report r, long edits) {
        boolean jit = server.enabled() && jitBefore >= 0 && jitAfter >= 0;
        r.put("serverCpuMsPerEdit", server.enabled() && edits > 0 ? serverCpuMillis() / edits : Double.NaN)
                .put("serverCpuPercent", server.enabled() ? serverCpuMillis() / (elapsed * 10) : Double.NaN)
                .put("serverJitCpuPercent", jit ? (jitAfter - jitBefore) / (elapsed * 10) : Double.NaN)
                .put("serverCpuMsPerEditWithoutJit", jit && edits > 0
                        ? (serverCpuMillis() - (jitAfter - jitBefore)) / edits : Double.NaN)
                .put("serverRssMb", server.enabled() ? rssAfter / 1024.0 : Double.NaN)
                .put("serverRssDeltaMb", server.enabled() ? (rssAfter - rssBefore) / 1024.0 : Double.NaN)
                .put("loadToolCpuPercent", (ownCpuAfter - ownCpuBefore) / (elapsed * 10));
        if (machineBefore != null && machineAfter != null && machineAfter[0] > machineBefore[0]) {
            double ticks = machineAfter[0] - machineBefore[0];
            int cores = Runtime.getRuntime().availableProcessors();
            // as a share of one core, like the CPU figures above: 200 = both of 2 cores
            r.put("machineBusyPercent", 100.0 * cores * (ticks - (machineAfter[1] - machineBefore[1])) / ticks)
                    .put("machineStealPercent", 100.0 * cores * (machineAfter[2] - machineBefore[2]) / ticks);
        }
        return r;
    }
}
