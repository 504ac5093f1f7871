package app.concord.operations.control;

import app.concord.protocol.JsonCodec;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The JSON that the status page polls: who is answering, the live figures, and the recent samples as columns. */
public final class StatusReport {

    private StatusReport() {
    }

    /**
     * {@code {"about":{...},"now":{...},"interval":seconds,"samples":{"time":[epoch seconds],"connections":[...],...}}},
     * a quantile or rate with nothing to measure being null.
     */
    public static String json(Map<String, String> about, Map<String, Number> now, List<StatusHistory.Sample> samples) {
        StringBuilder out = new StringBuilder("{\"about\":{");
        int n = 0;
        for (Map.Entry<String, String> e : about.entrySet()) {
            out.append(n++ == 0 ? "" : ",");
            JsonCodec.quote(e.getKey(), out);
            out.append(':');
            JsonCodec.quote(e.getValue(), out);
        }
        out.append("},\"now\":{");
        n = 0;
        for (Map.Entry<String, Number> e : now.entrySet()) {
            out.append(n++ == 0 ? "" : ",");
            JsonCodec.quote(e.getKey(), out);
            out.append(':').append(e.getValue());
        }
        out.append("},\"interval\":").append(Operations.SAMPLE_SECONDS).append(",\"samples\":{");
        column("time", samples, s -> s.epochMillis() / 1000.0, out);
        column("connections", samples, StatusHistory.Sample::connections, out);
        column("documents", samples, StatusHistory.Sample::documents, out);
        column("opsPerSecond", samples, StatusHistory.Sample::opsPerSecond, out);
        column("ackP50Ms", samples, s -> s.ackP50Seconds() * 1000, out);
        column("ackP99Ms", samples, s -> s.ackP99Seconds() * 1000, out);
        column("commitP99Ms", samples, s -> s.commitP99Seconds() * 1000, out);
        column("revisionsWaitingForCommit", samples, StatusHistory.Sample::revisionsWaiting, out);
        column("framesQueued", samples, StatusHistory.Sample::framesQueued, out);
        out.setLength(out.length() - 1);
        return out.append("}}").toString();
    }

    private static void column(String name, List<StatusHistory.Sample> samples, ToDoubleFunction<StatusHistory.Sample> value,
            StringBuilder out) {
        JsonCodec.quote(name, out);
        out.append(":[");
        for (int i = 0; i < samples.size(); i++) {
            double v = value.applyAsDouble(samples.get(i));
            out.append(i == 0 ? "" : ",");
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                out.append("null");
            } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
                out.append((long) v);
            } else {
                out.append(Math.round(v * 1000) / 1000.0);
            }
        }
        out.append("],");
    }
}
