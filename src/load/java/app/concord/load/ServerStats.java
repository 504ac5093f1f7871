package app.concord.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and resident memory of the server process, from {@code /proc/PID/stat}
 * (utime + stime, in clock ticks) and {@code /proc/PID/status} (VmRSS); of several server
 * processes (the nodes of a cluster), their sums. Without a PID every reading is -1 and the
 * report says "not measured". Also the machine's side of a run: the
 * load tool's own CPU time, and from {@code /proc/stat} how much of all cores was busy and
 * how much the hypervisor took away (steal), since both bear on every latency measured.
 */
final class ServerStats {

    private final long[] pids;
    private final long ticksPerSecond;

    /** {@code --pid}: one process id, several separated by commas, or nothing. */
    ServerStats(String pids) {
        this.pids = pids.isBlank() ? new long[0]
                : java.util.Arrays.stream(pids.split(",")).mapToLong(p -> Long.parseLong(p.trim())).filter(p -> p > 0).toArray();
        this.ticksPerSecond = enabled() ? clockTicks() : 100;
    }

    boolean enabled() {
        return pids.length > 0;
    }

    /** The sum of {@code reading} over the processes, or -1 if there are none or one has no reading. */
    private double sum(java.util.function.LongToDoubleFunction reading) {
        double total = enabled() ? 0 : -1;
        for (long pid : pids) {
            double one = reading.applyAsDouble(pid);
            if (one < 0) {
                return -1;
            }
            total += one;
        }
        return total;
    }

    /** Server CPU time (user + system) in milliseconds, or -1. */
    double cpuMillis() {
        return sum(this::cpuMillis);
    }

    private double cpuMillis(long pid) {
        try {
            return cpuTicks(Files.readString(Path.of("/proc/" + pid + "/stat"))) * 1000.0 / ticksPerSecond;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/stat: " + e, e);
        }
    }

    /**
     * CPU time of the server's JIT compiler threads in milliseconds, or -1: a server started
     * shortly before a run is still compiling (on 2 busy cores, for minutes), and that CPU is
     * not the cost of the edits. Threads are told by their names, as HotSpot sets them.
     */
    double jitCpuMillis() {
        return sum(this::jitCpuMillis);
    }

    private double jitCpuMillis(long pid) {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                        ticks += cpuTicks(stat);
                    }
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return ticks * 1000.0 / ticksPerSecond;
    }

    /**
     * Bytes of live objects on the server's heap, or -1: {@code jcmd PID GC.class_histogram}
     * runs a full collection first and ends with a total line. Needs the JDK's jcmd on the
     * PATH and the same user as the server.
     */
    long liveHeapBytes() {
        return (long) sum(this::liveHeapBytes);
    }

    private long liveHeapBytes(long pid) {
        try {
            Process p = new ProcessBuilder("jcmd", Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
            long total = -1;
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length == 3 && f[0].equals("Total")) {
                        total = Long.parseLong(f[2]);
                    }
                }
            }
            return p.waitFor() == 0 ? total : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Resident memory of the server in KiB, or -1. */
    long rssKib() {
        return (long) sum(this::rssKib);
    }

    private long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/status: " + e, e);
        }
    }

    /** CPU time (user + system) of this load tool's own process, in milliseconds. */
    static double ownCpuMillis() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e6;
    }

    /**
     * The machine's cumulative CPU ticks over all cores from the first line of
     * {@code /proc/stat}: {total, idle + iowait, steal}, or nulls where there is no such file.
     */
    static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
                total += Long.parseLong(f[i]);
            }
            return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5]), f.length > 8 ? Long.parseLong(f[8]) : 0};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** utime + stime, in clock ticks, of a process's or thread's {@code stat} line. */
    private static long cpuTicks(String stat) {
        // fields after the command, which is in parentheses and may contain spaces
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime: fields 14, 15
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
