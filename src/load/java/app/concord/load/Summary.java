package app.concord.load;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The side-by-side table of a comparison script (src/load/compare-node.sh): reads the JSON
 * lines it wrote, one per run, {@code {"run","server","mode","load","result":<the load
 * tool's JSON line>}}, and prints for each server the median and the range (min–max) of
 * every figure, the ratio of each server to the {@code --baseline} one, and the targets: the
 * store issue's against the in-memory store when the baseline is {@code memory}
 * (compare-stores.sh), else the per-edit-cost issue's. Runs that failed or did not converge are
 * counted and left out.
 */
final class Summary {

    private record Row(String label, String unit, String key, String target, String storeTarget, boolean ratio) {

        Row(String label, String unit, String key, String target, boolean ratio) {
            this(label, unit, key, target, "", ratio);
        }

        String target(String baseline) {
            return baseline.equals(MEMORY) ? storeTarget : target;
        }
    }

    /** The baseline of compare-stores.sh: the same server with the in-memory store. */
    private static final String MEMORY = "memory";

    private static final List<Row> KEYSTROKES = List.of(
            new Row("server CPU per edit, without JIT", "ms", "serverCpuMsPerEditWithoutJit", "≤ 3× baseline", "≤ 1.3× memory", true),
            new Row("server CPU per edit, all threads", "ms", "serverCpuMsPerEdit", "", true),
            new Row("delivery p50", "ms", "deliveryP50Ms", "≤ 2 ms", "≤ 2× memory", true),
            new Row("delivery p99", "ms", "deliveryP99Ms", "", true),
            new Row("resident memory at the end", "MB", "serverRssMb", "≤ 350 MB", "", true),
            new Row("operations acknowledged per second", "/s", "opsAckedPerSecond", "", false),
            new Row("server CPU", "% of a core", "serverCpuPercent", "", false),
            new Row("load tool's own CPU", "% of a core", "loadToolCpuPercent", "", false),
            new Row("machine busy (200 = both cores)", "%", "machineBusyPercent", "", false),
            new Row("machine steal", "% of a core", "machineStealPercent", "", false));

    private Summary() {
    }

    static void print(Path file, String baseline) throws IOException {
        Map<String, List<JsonObject>> keystrokes = new LinkedHashMap<>();
        Map<String, List<JsonObject>> saturation = new LinkedHashMap<>();
        Map<String, List<Double>> loads = new LinkedHashMap<>();
        Map<String, Integer> failed = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.startsWith("{")) {
                continue;
            }
            JsonObject run;
            try (JsonReader reader = Json.createReader(new StringReader(line))) {
                run = reader.readObject();
            }
            String server = run.getString("server");
            loads.computeIfAbsent(server, s -> new ArrayList<>()).add(firstNumber(run.getString("load", "")));
            JsonValue result = run.get("result");
            if (!(result instanceof JsonObject r)) {
                failed.merge(server, 1, Integer::sum);
                continue;
            }
            if ("saturation".equals(run.getString("mode", ""))) {
                saturation.computeIfAbsent(server, s -> new ArrayList<>()).add(r);
            } else if (r.getBoolean("converged", false) && r.getInt("errors", 1) == 0) {
                keystrokes.computeIfAbsent(server, s -> new ArrayList<>()).add(r);
            } else {
                failed.merge(server, 1, Integer::sum);
            }
        }
        List<String> servers = new ArrayList<>(loads.keySet());
        if (!keystrokes.isEmpty()) {
            table("Standard load (5 documents × 10 writers × 20 keys/s, 1 listener, fan-out 10): median (min–max) of "
                    + describeCounts(keystrokes, failed), servers, baseline, KEYSTROKES, keystrokes);
        }
        if (!saturation.isEmpty()) {
            System.out.println();
            table("Saturation: highest deliveries/s held with delivery p50 ≤ 50 ms, median (min–max) of "
                    + describeCounts(saturation, Map.of()), servers, baseline,
                    List.of(new Row("deliveries per second held", "/s", "maxDeliveriesPerSecondHeld", "≥ baseline", true)),
                    saturation);
        }
        System.out.println();
        System.out.println("1-minute load average at the start of each run, median (min–max): " + String.join("; ",
                servers.stream().map(s -> s + " " + spread(loads.get(s))).toList()));
    }

    private static String describeCounts(Map<String, List<JsonObject>> runs, Map<String, Integer> failed) {
        List<String> parts = new ArrayList<>();
        runs.forEach((server, list) -> parts.add(list.size() + " " + server
                + (failed.containsKey(server) ? " (" + failed.get(server) + " failed, left out)" : "")));
        return "runs: " + String.join(", ", parts);
    }

    private static void table(String title, List<String> servers, String baseline, List<Row> rows,
            Map<String, List<JsonObject>> runs) {
        System.out.println(title);
        System.out.println();
        List<String> shown = servers.stream().filter(runs::containsKey).toList();
        StringBuilder head = new StringBuilder("| |");
        StringBuilder rule = new StringBuilder("| --- |");
        for (String s : shown) {
            head.append(' ').append(s).append(" |");
            rule.append(" --- |");
        }
        for (String s : shown) {
            if (!s.equals(baseline) && runs.containsKey(baseline)) {
                head.append(' ').append(s).append(" / ").append(baseline).append(" |");
                rule.append(" --- |");
            }
        }
        head.append(" target |");
        rule.append(" --- |");
        System.out.println(head);
        System.out.println(rule);
        for (Row row : rows) {
            StringBuilder line = new StringBuilder("| ").append(row.label()).append(", ").append(row.unit()).append(" |");
            Map<String, Double> medians = new LinkedHashMap<>();
            for (String s : shown) {
                List<Double> values = values(runs.get(s), r -> number(r, row.key()));
                medians.put(s, median(values));
                line.append(' ').append(spread(values)).append(" |");
            }
            for (String s : shown) {
                if (!s.equals(baseline) && runs.containsKey(baseline)) {
                    double b = medians.get(baseline);
                    line.append(' ').append(row.ratio() && b > 0 ? String.format(Locale.ROOT, "%.2f×", medians.get(s) / b) : "")
                            .append(" |");
                }
            }
            System.out.println(line.append(' ').append(row.target(baseline)).append(" |"));
        }
    }

    private static List<Double> values(List<JsonObject> runs, ToDoubleFunction<JsonObject> f) {
        List<Double> values = new ArrayList<>();
        for (JsonObject r : runs) {
            double v = f.applyAsDouble(r);
            if (!Double.isNaN(v)) {
                values.add(v);
            }
        }
        return values;
    }

    private static double number(JsonObject r, String key) {
        return r.get(key) instanceof JsonNumber n ? n.doubleValue() : Double.NaN;
    }

    private static double firstNumber(String text) {
        try {
            return Double.parseDouble(text.trim().split("\\s+")[0]);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** {@code median (min–max)}, with as many digits as the size of the figures calls for. */
    static String spread(List<Double> values) {
        List<Double> known = values.stream().filter(v -> !Double.isNaN(v)).toList();
        if (known.isEmpty()) {
            return "not measured";
        }
        double min = Collections.min(known);
        double max = Collections.max(known);
        return known.size() == 1 ? format(min) : format(median(known)) + " (" + format(min) + "–" + format(max) + ")";
    }

    private static String format(double v) {
        double a = Math.abs(v);
        String pattern = a >= 100 ? "%,.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, v);
    }
}
