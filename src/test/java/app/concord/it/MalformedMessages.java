package app.concord.it;

import app.concord.protocol.ClientMessage;
import app.concord.protocol.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Seeded random messages that a server must refuse without harm: bad and truncated JSON,
 * wrong field types, numbers out of every range, deep nesting, lone surrogates, binary
 * frames, operations on the wrong revision or base length, oversized strings under the
 * message limit, unknown types, and random mutations of valid messages.
 *
 * <p>None of them may change the document: each is checked against the protocol's own
 * decoder, and a candidate that would decode to an applicable operation (base length 0 or
 * the document's constant length) or to a join as the healthy client is drawn again. What
 * remains may still be a valid ping, cursor or join, which the server answers normally.
 */
final class MalformedMessages {

    /** One message: text, or binary when {@code binary} is set; {@code beforeJoin}: the first on its connection. */
    record Malformed(String kind, String text, byte[] binary, boolean beforeJoin) {
        String shown() {
            String body = binary != null ? "binary " + binary.length + " bytes" : RawWebSocket.clip(text);
            return kind + (beforeJoin ? " (before join) " : " ") + body;
        }
    }

    private static final String[] FIELDS = {"type", "client", "name", "rev", "seq", "ops", "ranges"};
    private static final String[] TYPES = {"join", "op", "cursor", "ping"};
    private static final String[] ODD_NUMBERS = {"1e400", "-1e400", "9999999999999999999", "-9999999999999999999",
        "2147483648", "-2147483649", "1.5", "-0.0", "1e-400", "0.1e1", "1E+9", "-1", "0", "4294967296",
        "123456789012345678901234567890", "1e2147483647"};
    private static final String[] ODD_VALUES = {"null", "true", "false", "\"\"", "\"1\"", "[]", "{}", "[[]]", "{\"a\":1}",
        "\"\\ud800\"", "\"\\udc00x\"", "[null]", "[1.5]", "\"a\\u0000b\"", "[\"\\ud83d\"]"};
    private static final String[] GARBAGE = {"", " ", "{", "}", "[", "null", "true", "42", "\"op\"", "{'type':'ping'}",
        "{\"type\":\"ping\"", "{\"type\":\"ping\",}", "{type:\"ping\"}", "{\"type\":\"ping\"}}", "\u0000", "NaN",
        "{\"type\":NaN}", "{\"type\":\"op\",\"rev\":Infinity}", "\ufeff{\"type\":\"ping\"}", "{\"type\":\"ping\"} x",
        "/* */{\"type\":\"ping\"}", "{\"\\ud800\":1}", "{\"type\":\"\\u"};

    private final Random random;
    private final int length;
    private final String healthyClient;
    private final int maxChars;

    /**
     * @param length        the document's length after revision 0, which the healthy client keeps constant
     * @param maxChars      the server's message limit: oversized strings stay under it
     */
    MalformedMessages(long seed, int length, String healthyClient, int maxChars) {
        this.random = new Random(seed);
        this.length = length;
        this.healthyClient = healthyClient;
        this.maxChars = maxChars;
    }

    /** The next message, with {@code rev} the document's current revision. */
    Malformed next(int rev) {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            Malformed m = draw(rev);
            if (m.binary() != null || harmless(m.text(), rev)) {
                return m;
            }
        }
        throw new IllegalStateException("no harmless message in 1000 draws");
    }

    /** False for an op that applies (at revision 0 the document is empty) and a join as the healthy client. */
    private boolean harmless(String text, int rev) {
        ClientMessage decoded = JsonCodec.decode(text);
        if (decoded instanceof ClientMessage.Op op) {
            return op.rev() > rev || op.ops().baseLength() != (op.rev() == 0 ? 0 : length);
        }
        return !(decoded instanceof ClientMessage.Join join && join.client().equals(healthyClient));
    }

    private Malformed draw(int rev) {
        boolean beforeJoin = random.nextInt(10) == 0;
        List<Function<Integer, Malformed>> kinds = List.of(
                r -> text("not-json", pick(GARBAGE) + (random.nextBoolean() ? "" : randomText(random.nextInt(40)))),
                r -> text("truncated", truncate(valid(r))),
                r -> text("wrong-type", replaceField(valid(r), pick(FIELDS), pick(ODD_VALUES))),
                r -> text("huge-number", replaceField(valid(r), pick("rev", "seq", "ops", "ranges"), numberish())),
                r -> text("deep-nesting", deep()),
                r -> text("lone-surrogate", loneSurrogate(r)),
                r -> binary(),
                r -> text("rev-ahead", op(r + 1 + random.nextInt(random.nextBoolean() ? 3 : 1_000_000), 1,
                        "[" + length + ",\"x\"]")),
                r -> text("base-length", op(r, 1 + random.nextInt(5), wrongBase())),
                r -> text("bad-seq", op(r, 1, "[" + length + ",\"x\"]").replace("\"seq\":1", "\"seq\":"
                        + pick("0", "-1", "-9223372036854775808", "9223372036854775808", "1.0e0", "\"1\"")))
                        ,
                r -> text("oversize-string", oversize(r)),
                r -> text("unknown-type", "{\"type\":" + pick("\"hello\"", "\"JOIN\"", "\"Op\"", "\"pong\"", "\"ack\"",
                        "\"welcome\"", "\"error\"", "\"\"", "\" ping\"", "\"ping\\u0000\"") + ",\"rev\":" + r + "}"),
                r -> text("cursor", cursor(r)),
                r -> text("join", join()),
                r -> text("mutated", mutate(valid(r))));
        Malformed m = kinds.get(random.nextInt(kinds.size())).apply(rev);
        return new Malformed(m.kind(), m.text(), m.binary(), beforeJoin);
    }

    private static Malformed text(String kind, String text) {
        return new Malformed(kind, text, null, false);
    }

    private Malformed binary() {
        byte[] data;
        if (random.nextBoolean()) {
            data = "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
        } else {
            data = new byte[random.nextInt(2_000)];
            random.nextBytes(data);
        }
        return new Malformed("binary", null, data, false);
    }

    /** A valid message of a random type, before mutation; its op has the wrong base length. */
    private String valid(int rev) {
        switch (pick(TYPES)) {
            case "join":
                return "{\"type\":\"join\",\"client\":\"fz" + random.nextInt(1000) + "\",\"name\":\"Fuzz\",\"rev\":" + rev + "}";
            case "op":
                return op(rev, 1 + random.nextInt(3), wrongBase());
            case "cursor":
                return "{\"type\":\"cursor\",\"rev\":" + rev + ",\"ranges\":[[0," + random.nextInt(length + 1) + "]]}";
            default:
                return "{\"type\":\"ping\"}";
        }
    }

    private static String op(int rev, long seq, String ops) {
        return "{\"type\":\"op\",\"rev\":" + rev + ",\"seq\":" + seq + ",\"ops\":" + ops + "}";
    }

    /** Components whose retained and deleted lengths never add up to the document's length. */
    private String wrongBase() {
        int off = 1 + random.nextInt(length + 5);
        switch (random.nextInt(5)) {
            case 0:
                return "[" + (length + off) + "]";
            case 1:
                return "[\"x\"," + Math.max(1, length - off) + ",\"y\"]";
            case 2:
                return "[-" + (length + off) + "]";
            case 3:
                return "[" + length + ",-" + off + "]";
            default:
                return "[\"just an insert\"]";
        }
    }

    private String truncate(String s) {
        return s.substring(0, random.nextInt(s.length()));
    }

    /** Replaces {@code field}'s value, or adds the field when the message has none. */
    private static String replaceField(String json, String field, String value) {
        String key = "\"" + field + "\":";
        int at = json.indexOf(key);
        if (at < 0) {
            return "{" + key + value + "," + json.substring(1);
        }
        int start = at + key.length();
        int end = valueEnd(json, start);
        return json.substring(0, start) + value + json.substring(end);
    }

    private static int valueEnd(String json, int start) {
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                if (depth == 0) {
                    return i;
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                return i;
            }
        }
        return json.length();
    }

    private String numberish() {
        String n = pick(ODD_NUMBERS);
        switch (random.nextInt(3)) {
            case 0:
                return n;
            case 1:
                return "[" + n + ",\"x\"]";
            default:
                return "[[" + n + "," + n + "]]";
        }
    }

    private String deep() {
        String open = pick("[", "{\"a\":", "{\"type\":\"op\",\"rev\":0,\"seq\":1,\"ops\":[");
        int depth = 100 + random.nextInt((maxChars - 200) / (open.length() > 5 ? 2 : open.length() + 1) - 100);
        String close = open.startsWith("{") ? "}" : "]";
        if (open.length() > 5) {
            return open + "[".repeat(depth) + "]".repeat(depth) + "]}";
        }
        StringBuilder sb = new StringBuilder(open.repeat(depth));
        sb.append(random.nextBoolean() ? "1" : "").append(close.repeat(random.nextInt(3) == 0 ? depth / 2 : depth));
        return sb.toString();
    }

    private String loneSurrogate(int rev) {
        String lone = pick("\\ud800", "\\udfff", "\\udc00\\ud800", "a\\ud83d", "\\ud83d\\ud83d");
        switch (random.nextInt(5)) {
            case 0:
                return "{\"type\":\"join\",\"client\":\"fz" + lone + "\"}";
            case 1:
                return "{\"type\":\"" + lone + "ping\"}";
            case 2:
                return op(rev, 1, "[\"" + lone + "\"," + length + "]");
            case 3:
                return op(rev, 1, "[" + random.nextInt(length + 1) + ",\"" + lone + "\"," + length + "]");
            default:
                return "{\"" + lone + "\":1,\"type\":\"ping\",\"rev\":\"" + lone + "\"}";
        }
    }

    private String oversize(int rev) {
        String big = randomText(maxChars / 2 + random.nextInt(maxChars / 2 - 200));
        switch (random.nextInt(5)) {
            case 0:
                return "{\"type\":\"join\",\"client\":\"fz1\",\"name\":\"" + big + "\"}";
            case 1:
                return "{\"type\":\"" + big + "\"}";
            case 2:
                return "{\"type\":\"ping\",\"padding\":\"" + big + "\"}";
            case 3:
                return op(rev, 1, "[\"" + big + "\"," + (length + 1) + "]");
            default:
                return "{\"type\":\"join\",\"client\":\"" + big + "\"}";
        }
    }

    private String cursor(int rev) {
        String ranges = pick("[[0," + (length + 1 + random.nextInt(100)) + "]]", "[[-1,0]]", "[[0]]", "[[0,1,2]]",
                "[0,1]", "[[\"0\",1]]", "[[1e400,0]]", "[" + "[0,0],".repeat(101) + "[0,0]]", "{}", "null");
        return "{\"type\":\"cursor\",\"rev\":" + pick(String.valueOf(rev), "-1", "1.5", "\"" + rev + "\"")
                + ",\"ranges\":" + ranges + "}";
    }

    private String join() {
        String client = pick("\"\"", "\"has space\"", "\"" + "c".repeat(65) + "\"", "\"ü\"", "7", "null", "[]",
                "\"fz\\n\"", "\"fz/../x\"");
        String name = pick("\"Fuzz\"", "\"" + "n".repeat(101) + "\"", "3", "{}", "null");
        return "{\"type\":\"join\",\"client\":" + client + ",\"name\":" + name + ",\"rev\":" + pick("0", "-1", "\"0\"", "1e400") + "}";
    }

    private String mutate(String s) {
        StringBuilder sb = new StringBuilder(s);
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits && sb.length() > 0; i++) {
            int at = random.nextInt(sb.length());
            switch (random.nextInt(4)) {
                case 0:
                    sb.deleteCharAt(at);
                    break;
                case 1:
                    sb.insert(at, pick("\"", "{", "}", "[", "]", ",", ":", "\\", "-", "9", "e", " ", "\\u"));
                    break;
                case 2:
                    sb.setCharAt(at, (char) (0x20 + random.nextInt(0x5f)));
                    break;
                default:
                    sb.insert(at, sb.substring(at, Math.min(sb.length(), at + 1 + random.nextInt(10))));
            }
        }
        return sb.toString();
    }

    /** Printable ASCII without backslash or quote, so it fits in a JSON string as it is. */
    private String randomText(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            char c = (char) ('a' + random.nextInt(26));
            sb.append(random.nextInt(8) == 0 ? ' ' : c);
        }
        return sb.toString();
    }

    private String pick(String... options) {
        return options[random.nextInt(options.length)];
    }
}
