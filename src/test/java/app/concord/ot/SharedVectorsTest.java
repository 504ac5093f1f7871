package app.concord.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The Java algebra gives exactly the answers recorded in {@code ot-vectors.json}, the file
 * the browser's algebra ({@code src/test/js/ot.test.mjs}) is checked against too, so the
 * two implementations cannot drift apart. The vectors were generated from seeded random
 * inputs by {@link #generate}; run with {@code -Dconcord.writeVectors=true} to regenerate
 * them after a deliberate change of the algebra, and review the diff.
 */
class SharedVectorsTest {

    static final Path FILE = Path.of("src/test/resources/ot-vectors.json");

    @Test
    void theJavaAlgebraGivesTheRecordedAnswers() throws IOException {
        JsonObject vectors = read(FILE, SharedVectorsTest::generate);
        JsonArray cases = vectors.getJsonArray("cases");
        assertTrue(cases.size() >= 100);
        for (JsonValue value : cases) {
            JsonObject v = value.asJsonObject();
            String label = v.toString();
            String doc = v.getString("doc");
            TextOperation a = TextOperation.fromWire(wire(v.getJsonArray("a")));
            TextOperation b = TextOperation.fromWire(wire(v.getJsonArray("b")));
            TextOperation next = TextOperation.fromWire(wire(v.getJsonArray("next")));
            assertEquals(wire(v.getJsonArray("aCanonical")), a.toWire(), label);
            assertEquals(v.getString("applied"), a.apply(doc), label);
            TextOperation.Transformed t = TextOperation.transform(a, b);
            assertEquals(wire(v.getJsonArray("transformed").getJsonArray(0)), t.prior().toWire(), label);
            assertEquals(wire(v.getJsonArray("transformed").getJsonArray(1)), t.later().toWire(), label);
            assertEquals(wire(v.getJsonArray("inverse")), a.invert(doc).toWire(), label);
            assertEquals(wire(v.getJsonArray("composed")), a.compose(next).toWire(), label);
            JsonArray positions = v.getJsonArray("positions");
            JsonArray mapped = v.getJsonArray("mapped");
            for (int i = 0; i < positions.size(); i++) {
                int p = positions.getInt(i);
                assertEquals(mapped.getJsonArray(i).getInt(0), a.transformPosition(p, Bias.BEFORE), label);
                assertEquals(mapped.getJsonArray(i).getInt(1), a.transformPosition(p, Bias.AFTER), label);
            }
        }
        for (JsonValue value : vectors.getJsonArray("invalid")) {
            JsonObject bad = value.asJsonObject();
            assertThrows(InvalidOperationException.class,
                    () -> TextOperation.fromWire(wire(bad.getJsonArray("ops"))).apply(bad.getString("doc")), bad.toString());
        }
    }

    /** Integers as Integer, strings as String: the form TextOperation.toWire() uses. */
    static List<Object> wire(JsonArray array) {
        List<Object> out = new ArrayList<>(array.size());
        for (JsonValue v : array) {
            out.add(v instanceof JsonString s ? s.getString() : (Object) ((JsonNumber) v).intValueExact());
        }
        return out;
    }

    static JsonObject generate() {
        JsonArrayBuilder cases = Json.createArrayBuilder();
        for (int seed = 0; seed < 150; seed++) {
            Random random = new Random(seed);
            String doc = RandomOps.document(random);
            TextOperation a = RandomOps.operation(random, doc);
            TextOperation b = RandomOps.operation(random, doc);
            String applied = a.apply(doc);
            TextOperation next = RandomOps.operation(random, applied);
            TextOperation.Transformed t = TextOperation.transform(a, b);
            JsonArrayBuilder positions = Json.createArrayBuilder();
            JsonArrayBuilder mapped = Json.createArrayBuilder();
            for (int p = 0; p <= doc.length(); p++) {
                positions.add(p);
                mapped.add(Json.createArrayBuilder().add(a.transformPosition(p, Bias.BEFORE)).add(a.transformPosition(p, Bias.AFTER)));
            }
            JsonObjectBuilder c = Json.createObjectBuilder()
                    .add("doc", doc)
                    .add("a", json(nonCanonical(a.toWire(), random)))
                    .add("aCanonical", json(a.toWire()))
                    .add("applied", applied)
                    .add("b", json(b.toWire()))
                    .add("transformed", Json.createArrayBuilder().add(json(t.prior().toWire())).add(json(t.later().toWire())))
                    .add("inverse", json(a.invert(doc).toWire()))
                    .add("next", json(next.toWire()))
                    .add("composed", json(a.compose(next).toWire()))
                    .add("positions", positions)
                    .add("mapped", mapped);
            cases.add(c);
        }
        JsonArrayBuilder invalid = Json.createArrayBuilder();
        invalid.add(bad("abc", 2));
        invalid.add(bad("abc", 4));
        invalid.add(bad("😀", 1, "x", 1));
        invalid.add(bad("😀", -1, 1));
        invalid.add(bad("", "\ud800"));
        invalid.add(bad("a", 1, "\udc00"));
        return Json.createObjectBuilder()
                .add("about", "Shared OT test vectors: generated by SharedVectorsTest.generate from seeded inputs;"
                        + " checked by the Java and JavaScript algebras alike.")
                .add("cases", cases)
                .add("invalid", invalid)
                .build();
    }

    /** The same operation in a form the server must normalise: zero lengths and split components. */
    private static List<Object> nonCanonical(List<Object> canonical, Random random) {
        List<Object> out = new ArrayList<>();
        for (Object c : canonical) {
            if (random.nextInt(4) == 0) {
                out.add(random.nextBoolean() ? 0 : "");
            }
            if (c instanceof Integer n && Math.abs(n) > 1 && random.nextBoolean()) {
                int sign = Integer.signum(n);
                out.add(sign);
                out.add(n - sign);
            } else {
                out.add(c);
            }
        }
        return out;
    }

    private static JsonObject bad(String doc, Object... ops) {
        return Json.createObjectBuilder().add("doc", doc).add("ops", json(List.of(ops))).build();
    }

    private static JsonArray json(List<Object> wire) {
        JsonArrayBuilder b = Json.createArrayBuilder();
        for (Object c : wire) {
            if (c instanceof String s) {
                b.add(s);
            } else {
                b.add((Integer) c);
            }
        }
        return b.build();
    }

    /**
     * The vectors in {@code file}, written there first from {@code generate} when the build is
     * run with {@code -Dconcord.writeVectors=true}.
     */
    static JsonObject read(Path file, Supplier<JsonObject> generate) throws IOException {
        if (Boolean.getBoolean("concord.writeVectors")) {
            write(file, generate.get());
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return Json.createReader(reader).readObject();
        }
    }

    /** One case per line: small enough to read, and a regenerated file diffs line by line. */
    private static void write(Path file, JsonObject vectors) throws IOException {
        StringBuilder out = new StringBuilder("{\"about\":").append(Json.createValue(vectors.getString("about")));
        for (String key : List.of("cases", "invalid")) {
            out.append(",\n\"").append(key).append("\":[");
            JsonArray items = vectors.getJsonArray(key);
            for (int i = 0; i < items.size(); i++) {
                out.append(i == 0 ? "\n" : ",\n").append(items.get(i));
            }
            out.append("\n]");
        }
        out.append("}\n");
        Files.createDirectories(file.getParent());
        Files.writeString(file, escapeUnpairedSurrogates(out), StandardCharsets.UTF_8);
    }

    /** Unpaired surrogates (only in the invalid vectors' strings) as JSON escapes, since UTF-8 cannot carry them. */
    private static String escapeUnpairedSurrogates(CharSequence json) {
        StringBuilder out = new StringBuilder(json.length());
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < json.length() && Character.isLowSurrogate(json.charAt(i + 1));
            if (paired) {
                out.append(c).append(json.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
