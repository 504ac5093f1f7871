package app.concord.operations.control;

import app.concord.protocol.JsonCodec;
import java.util.List;
import java.util.Map;

/** Health checks and their answer in the MicroProfile Health JSON shape. */
public final class Health {

    private Health() {
    }

    /** One named check; {@code data} values are strings, numbers or booleans. */
    public record Check(String name, boolean up, Map<String, Object> data) {
    }

    /** UP when every check is. */
    public static boolean up(List<Check> checks) {
        return checks.stream().allMatch(Check::up);
    }

    /** {@code {"status":"UP"|"DOWN","checks":[{"name","status","data":{...}}, ...]}} */
    public static String json(List<Check> checks) {
        StringBuilder out = new StringBuilder("{\"status\":").append(status(up(checks))).append(",\"checks\":[");
        for (int i = 0; i < checks.size(); i++) {
            Check check = checks.get(i);
            out.append(i == 0 ? "" : ",").append("{\"name\":");
            JsonCodec.quote(check.name(), out);
            out.append(",\"status\":").append(status(check.up())).append(",\"data\":{");
            int n = 0;
            for (Map.Entry<String, Object> e : check.data().entrySet()) {
                out.append(n++ == 0 ? "" : ",");
                JsonCodec.quote(e.getKey(), out);
                out.append(':');
                value(e.getValue(), out);
            }
            out.append("}}");
        }
        return out.append("]}").toString();
    }

    private static String status(boolean up) {
        return up ? "\"UP\"" : "\"DOWN\"";
    }

    private static void value(Object value, StringBuilder out) {
        if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            out.append(value);
        } else {
            JsonCodec.quote(String.valueOf(value), out);
        }
    }
}
