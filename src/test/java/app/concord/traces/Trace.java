package app.concord.traces;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A recorded editing session from {@code src/test/resources/traces} (see ATTRIBUTION.md
 * there): apply every patch of every transaction in order, like {@code Array.prototype.splice}
 * on the text, and {@code startContent} becomes {@code endContent}.
 */
public record Trace(String name, String startContent, String endContent, List<Txn> txns) {

    public static final List<String> NAMES = List.of("automerge-paper", "seph-blog1", "rustcode",
            "sveltecomponent", "friendsforever_flat", "clownschool_flat");

    /** Remove {@code deleteCount} code units at {@code pos}, then insert {@code inserted} there. */
    public record Patch(int pos, int deleteCount, String inserted) {
    }

    /** Patches made together, at {@code millis} (epoch milliseconds; 0 when the trace has no times). */
    public record Txn(long millis, List<Patch> patches) {
    }

    /** Every patch, in order. */
    public List<Patch> patches() {
        List<Patch> all = new ArrayList<>();
        for (Txn txn : txns) {
            all.addAll(txn.patches());
        }
        return all;
    }

    /** {@code name}: one of {@link #NAMES} (a test resource), or the path of a {@code .json.gz} trace file. */
    public static Trace load(String name) {
        Path file = Path.of(name);
        try (InputStream raw = Files.isRegularFile(file) ? Files.newInputStream(file)
                : Trace.class.getResourceAsStream("/traces/" + name + ".json.gz")) {
            if (raw == null) {
                throw new IllegalArgumentException("no trace file " + name + " and no /traces/" + name + ".json.gz on the classpath");
            }
            String json = new String(new GZIPInputStream(raw).readAllBytes(), StandardCharsets.UTF_8);
            return fromJson(name, (Map<?, ?>) new Reader(json).document());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Trace fromJson(String name, Map<?, ?> root) {
        List<Txn> txns = new ArrayList<>();
        for (Object t : (List<?>) root.get("txns")) {
            Map<?, ?> txn = (Map<?, ?>) t;
            List<Patch> patches = new ArrayList<>();
            for (Object p : (List<?>) txn.get("patches")) {
                List<?> patch = (List<?>) p;
                patches.add(new Patch(((Number) patch.get(0)).intValue(), ((Number) patch.get(1)).intValue(),
                        (String) patch.get(2)));
            }
            Object time = txn.get("time");
            txns.add(new Txn(time instanceof String at ? Instant.parse(at).toEpochMilli() : 0, patches));
        }
        return new Trace(name, (String) root.get("startContent"), (String) root.get("endContent"), txns);
    }

    /**
     * A small recursive-descent JSON reader, enough for the trace files: objects become
     * maps, arrays lists, numbers Long or Double.
     */
    static final class Reader {
        private final String s;
        private int i;

        Reader(String s) {
            this.s = s;
        }

        Object document() {
            Object value = value();
            skipSpace();
            if (i != s.length()) {
                throw error("trailing characters");
            }
            return value;
        }

        private Object value() {
            skipSpace();
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            if (c == '{') {
                return object();
            } else if (c == '[') {
                return array();
            } else if (c == '"') {
                return string();
            } else if (s.startsWith("true", i)) {
                i += 4;
                return Boolean.TRUE;
            } else if (s.startsWith("false", i)) {
                i += 5;
                return Boolean.FALSE;
            } else if (s.startsWith("null", i)) {
                i += 4;
                return null;
            }
            return number();
        }

        private Map<String, Object> object() {
            Map<String, Object> map = new LinkedHashMap<>();
            i++;
            skipSpace();
            if (peek() == '}') {
                i++;
                return map;
            }
            while (true) {
                skipSpace();
                String key = string();
                skipSpace();
                expect(':');
                map.put(key, value());
                skipSpace();
                if (peek() == '}') {
                    i++;
                    return map;
                }
                expect(',');
            }
        }

        private List<Object> array() {
            List<Object> list = new ArrayList<>();
            i++;
            skipSpace();
            if (peek() == ']') {
                i++;
                return list;
            }
            while (true) {
                list.add(value());
                skipSpace();
                if (peek() == ']') {
                    i++;
                    return list;
                }
                expect(',');
            }
        }

        private String string() {
            expect('"');
            int start = i;
            while (i < s.length() && s.charAt(i) != '"' && s.charAt(i) != '\\') {
                i++;
            }
            if (peek() == '"') {
                return s.substring(start, i++);
            }
            StringBuilder out = new StringBuilder(s.substring(start, i));
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return out.toString();
                } else if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> out.append(e);
                }
            }
        }

        private Number number() {
            int start = i;
            boolean negative = peek() == '-';
            if (negative) {
                i++;
            }
            long n = 0;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 18) {
                n = n * 10 + (s.charAt(i++) - '0');
            }
            if (i > start + (negative ? 1 : 0) && ",]} \n\r\t".indexOf(peek()) >= 0) {
                return negative ? -n : n;
            }
            i = start;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            String text = s.substring(start, i);
            if (text.isEmpty()) {
                throw error("unexpected character '" + s.charAt(start) + "'");
            }
            boolean integral = text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0;
            return integral ? (Number) Long.parseLong(text) : (Number) Double.parseDouble(text);
        }

        private char peek() {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at offset " + i);
        }
    }
}
