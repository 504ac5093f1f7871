package app.concord.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and resident memory of the server process, from {@code /proc/PID/stat}
 * (utime + stime, in clock ticks) and {@code /proc/PID/status} (VmRSS). Without a PID every
 * reading is -1 and the report says "not measured".
 */
final class ServerStats {

    private final long pid;
    private final long ticksPerSecond;

    ServerStats(long pid) {
        this.pid = pid;
        this.ticksPerSecond = pid > 0 ? clockTicks() : 100;
    }

    boolean enabled() {
        return pid > 0;
    }

    /** Server CPU time (user + system) in milliseconds, or -1. */
    double cpuMillis() {
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // fields after the command, which is in parentheses and may contain spaces
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime: fields 14, 15
            return ticks * 1000.0 / ticksPerSecond;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/stat: " + e, e);
        }
    }

    /** Resident memory of the server in KiB, or -1. */
    long rssKib() {
        if (pid <= 0) {
            return -1;
        }
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
