package app.concord.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a CPU profile in collapsed-stack form (async-profiler's {@code collapsed} output: one
 * line per stack, frames from the thread's root to the leaf separated by {@code ;}, then the
 * sample count) and prints where a server's CPU goes: the frames with the most samples of their
 * own (self) and those on the most stacks (total), and the share of each part of the work
 * (the first of {@link #PARTS} that a stack contains), as BENCHMARKS.md shows them.
 */
final class Profile {

    /** The parts of a server's work, by a frame that marks them; a stack counts for the first that matches. */
    static final Map<String, Pattern> PARTS = parts(
            "Payara: thread-context capture, ServiceLoader look-up", "ContextSetupProviderImpl\\.saveContext|ServiceLoader",
            "Payara: thread-context set-up and reset of managed tasks", "ContextSetupProviderImpl|ContextServiceImpl|concurrent/runtime",
            "Tyrus: idle timer re-armed per message", "TyrusSession\\.restartIdleTimeoutExecutor|ScheduledFutureTask|DelayedWorkQueue",
            "database commit (JDBC, H2)", "JdbcDocumentStore\\.commit|org/h2/",
            "sending: queue, encode, frame, write", "WebSocketConnection\\.(pump|send)|TyrusRemoteEndpoint|WebSockets\\.send",
            "Concord: decode, transform, apply, dispatch", "DocumentEndpoint\\.message|ProtocolSession|ClientMessageDecoder",
            "container: reading and framing (Grizzly, Tyrus)", "tyrus|grizzly",
            "container: reading and framing (Undertow, XNIO)", "undertow|xnio",
            "thread hand-offs (park, unpark, idle)", "LockSupport|Unsafe\\.park|futex|epoll_wait|getTask",
            "garbage collection", "G1|GCTaskThread|ParallelGC|ConcurrentGCThread|WorkerThread::run|GangWorker|Serial|DefNew|Tenured",
            "JIT compiler", "CompileBroker|C2Compiler|Compilation::|C1_|Phase[A-Z]");

    private Profile() {
    }

    static void print(Path collapsed, int top) throws IOException {
        Map<String, Long> self = new LinkedHashMap<>();
        Map<String, Long> total = new LinkedHashMap<>();
        Map<String, Long> parts = new LinkedHashMap<>();
        PARTS.keySet().forEach(p -> parts.put(p, 0L));
        parts.put("other", 0L);
        long all = 0;
        try (Stream<String> lines = Files.lines(collapsed)) {
            for (String line : (Iterable<String>) lines::iterator) {
                int space = line.lastIndexOf(' ');
                if (space < 0) {
                    continue;
                }
                long n = Long.parseLong(line.substring(space + 1).trim());
                String stack = line.substring(0, space);
                String[] frames = stack.split(";");
                all += n;
                self.merge(frames[frames.length - 1], n, Long::sum);
                Set<String> seen = new HashSet<>(List.of(frames));
                seen.forEach(f -> total.merge(f, n, Long::sum));
                String part = PARTS.entrySet().stream().filter(e -> e.getValue().matcher(stack).find())
                        .map(Map.Entry::getKey).findFirst().orElse("other");
                parts.merge(part, n, Long::sum);
            }
        }
        System.out.println(collapsed.getFileName() + ": " + all + " samples");
        System.out.println();
        System.out.println("| part of the work | share of CPU samples |");
        System.out.println("| --- | --- |");
        long samples = all;
        parts.entrySet().stream().filter(e -> e.getValue() > 0).sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> System.out.println("| " + e.getKey() + " | " + percent(e.getValue(), samples) + " |"));
        for (Map.Entry<String, Map<String, Long>> table : Map.of("self", self, "total", total).entrySet().stream()
                .sorted(Map.Entry.comparingByKey(java.util.Comparator.reverseOrder())).toList()) {
            System.out.println();
            System.out.println("| top frames by " + table.getKey() + " samples | share |");
            System.out.println("| --- | --- |");
            table.getValue().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                    .forEach(e -> System.out.println("| `" + e.getKey().replace("|", "\\|") + "` | " + percent(e.getValue(), samples)
                            + " |"));
        }
    }

    private static String percent(long n, long all) {
        return String.format(Locale.ROOT, "%.1f %%", 100.0 * n / all);
    }

    private static Map<String, Pattern> parts(String... nameAndPattern) {
        Map<String, Pattern> parts = new LinkedHashMap<>();
        for (int i = 0; i < nameAndPattern.length; i += 2) {
            parts.put(nameAndPattern[i], Pattern.compile(nameAndPattern[i + 1]));
        }
        return parts;
    }
}
