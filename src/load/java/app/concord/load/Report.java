package app.concord.load;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The result of a run: printed as an aligned table for people and one JSON line for scripts. */
final class Report {

    private final Map<String, Object> values = new LinkedHashMap<>();

    Report put(String key, Object value) {
        values.put(key, value);
        return this;
    }

    Report latency(String prefix, Histogram h) {
        put(prefix + "Count", h.count());
        put(prefix + "P50Ms", h.percentileMillis(50));
        put(prefix + "P90Ms", h.percentileMillis(90));
        put(prefix + "P99Ms", h.percentileMillis(99));
        return put(prefix + "MaxMs", h.maxMillis());
    }

    void print() {
        int width = values.keySet().stream().mapToInt(String::length).max().orElse(0);
        for (Map.Entry<String, Object> e : values.entrySet()) {
            System.out.printf(Locale.ROOT, "%-" + width + "s  %s%n", e.getKey(), text(e.getValue()));
        }
        StringBuilder json = new StringBuilder("{");
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('"').append(e.getKey()).append("\":").append(json(e.getValue()));
        }
        System.out.println(json.append('}'));
    }

    private static String text(Object v) {
        if (v instanceof Double d) {
            // NaN marks what was not measured; a negative figure is a real one (RSS can shrink).
            return d.isNaN() || d.isInfinite() ? "not measured" : String.format(Locale.ROOT, "%.3f", d);
        }
        return String.valueOf(v);
    }

    private static String json(Object v) {
        if (v instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? "null" : String.format(Locale.ROOT, "%.4f", d);
        } else if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        StringBuilder out = new StringBuilder();
        app.concord.protocol.JsonCodec.quote(String.valueOf(v), out);
        return out.toString();
    }
}
