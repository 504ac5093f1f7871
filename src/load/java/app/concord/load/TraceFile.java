package app.concord.load;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * An editing trace (src/test/resources/traces, format in its README) with the time of each
 * transaction, for paced replay. {@code name} is a trace of that folder or a path to a
 * {@code .json.gz} file.
 */
record TraceFile(String name, String startContent, String endContent, List<Txn> txns) {

    record Patch(int pos, int deleteCount, String inserted) {
    }

    /** {@code millis}: the transaction's time in epoch milliseconds (0 when the trace has none). */
    record Txn(long millis, List<Patch> patches) {
    }

    static TraceFile load(String name) throws IOException {
        Path file = Path.of(name);
        try (InputStream raw = Files.exists(file) ? Files.newInputStream(file)
                : TraceFile.class.getResourceAsStream("/traces/" + name + ".json.gz")) {
            if (raw == null) {
                throw new IllegalArgumentException("no trace file " + name + " and no /traces/" + name + ".json.gz");
            }
            JsonObject root;
            try (JsonReader reader = Json.createReader(new GZIPInputStream(raw, 1 << 16))) {
                root = reader.readObject();
            }
            List<Txn> txns = new ArrayList<>();
            for (JsonValue t : root.getJsonArray("txns")) {
                JsonObject txn = t.asJsonObject();
                List<Patch> patches = new ArrayList<>();
                for (JsonValue p : txn.getJsonArray("patches")) {
                    JsonArray a = p.asJsonArray();
                    patches.add(new Patch(a.getInt(0), a.getInt(1), a.getString(2)));
                }
                long millis = txn.containsKey("time") ? Instant.parse(txn.getString("time")).toEpochMilli() : 0;
                txns.add(new Txn(millis, patches));
            }
            return new TraceFile(name, root.getString("startContent"), root.getString("endContent"), txns);
        }
    }

    int patchCount() {
        return txns.stream().mapToInt(t -> t.patches().size()).sum();
    }
}
