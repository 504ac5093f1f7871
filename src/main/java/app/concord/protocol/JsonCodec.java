package app.concord.protocol;

import app.concord.ot.InvalidOperationException;
import app.concord.ot.Range;
import app.concord.ot.TextOperation;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The wire format of protocol v1. Decoding parses with JSON-P and checks every field, so
 * that a bad frame becomes an {@link ClientMessage.Invalid} naming the problem, never an
 * exception. Encoding writes canonical JSON directly: it runs once per broadcast, on the
 * hot path, and needs no provider.
 */
public final class JsonCodec {

    /** Client ids and document ids: PROTOCOL.md's {@code [A-Za-z0-9_-]{1,64}}. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** Longest display name accepted, in code units. */
    public static final int MAX_NAME_LENGTH = 100;

    /** Made once: {@code Json.createReader} looks the provider up with a ServiceLoader on every call. */
    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

    private JsonCodec() {
    }

    /** Decodes one text frame, or explains why it is not a message. */
    public static ClientMessage decode(String frame) {
        JsonObject object;
        try (JsonReader reader = READERS.createReader(new StringReader(frame))) {
            JsonValue value = reader.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                return badMessage("a message must be a JSON object");
            }
            object = value.asJsonObject();
        } catch (JsonException e) {
            return badMessage("not valid JSON");
        } catch (RuntimeException e) {
            // Providers signal their own limits (nesting depth, number size) with other exceptions.
            return badMessage("not valid JSON: " + clip(String.valueOf(e.getMessage())));
        } catch (StackOverflowError e) {
            return badMessage("JSON nested too deeply");
        }
        JsonValue type = object.get("type");
        if (!(type instanceof JsonString typeName)) {
            return badMessage("a message needs a string field \"type\"");
        }
        try {
            switch (typeName.getString()) {
                case "join":
                    return decodeJoin(object);
                case "op":
                    return decodeOp(object);
                case "cursor":
                    return new ClientMessage.Cursor(revision(object, "rev"), ranges(object));
                case "ping":
                    return new ClientMessage.Ping();
                default:
                    return badMessage("unknown message type \"" + clip(typeName.getString()) + "\"");
            }
        } catch (FieldException e) {
            return new ClientMessage.Invalid(e.code, e.getMessage());
        }
    }

    private static ClientMessage decodeJoin(JsonObject object) {
        String client = string(object, "client", true);
        if (!ID.matcher(client).matches()) {
            throw new FieldException(ErrorCode.BAD_MESSAGE, "\"client\" must match [A-Za-z0-9_-]{1,64}");
        }
        String name = string(object, "name", false);
        if (name != null && name.length() > MAX_NAME_LENGTH) {
            throw new FieldException(ErrorCode.BAD_MESSAGE, "\"name\" is longer than " + MAX_NAME_LENGTH + " characters");
        }
        Integer rev = present(object, "rev") ? revision(object, "rev") : null;
        return new ClientMessage.Join(client, name, rev);
    }

    private static ClientMessage decodeOp(JsonObject object) {
        int rev = revision(object, "rev");
        long seq = wholeNumber(object, "seq", 1, Long.MAX_VALUE);
        JsonValue ops = object.get("ops");
        if (!(ops instanceof JsonArray components)) {
            throw new FieldException(ErrorCode.BAD_MESSAGE, "\"ops\" must be an array");
        }
        List<Object> wire = new ArrayList<>(components.size());
        for (int i = 0; i < components.size(); i++) {
            JsonValue c = components.get(i);
            if (c instanceof JsonString s) {
                wire.add(s.getString());
            } else if (c instanceof JsonNumber n) {
                wire.add(n.bigDecimalValue());
            } else {
                throw new FieldException(ErrorCode.BAD_OP, "component " + i + ": expected an integer or a string but got "
                        + c.getValueType().name().toLowerCase());
            }
        }
        try {
            return new ClientMessage.Op(rev, seq, TextOperation.fromWire(wire));
        } catch (InvalidOperationException e) {
            throw new FieldException(ErrorCode.BAD_OP, e.getMessage());
        }
    }

    private static List<Range> ranges(JsonObject object) {
        JsonValue value = object.get("ranges");
        if (!(value instanceof JsonArray array)) {
            throw new FieldException(ErrorCode.BAD_MESSAGE, "\"ranges\" must be an array of [anchor, head]");
        }
        if (array.size() > 100) {
            throw new FieldException(ErrorCode.BAD_MESSAGE, "at most 100 ranges");
        }
        List<Range> ranges = new ArrayList<>(array.size());
        for (JsonValue item : array) {
            if (!(item instanceof JsonArray pair) || pair.size() != 2
                    || !(pair.get(0) instanceof JsonNumber anchor) || !(pair.get(1) instanceof JsonNumber head)) {
                throw new FieldException(ErrorCode.BAD_MESSAGE, "each range must be [anchor, head] with two integers");
            }
            ranges.add(new Range(position(anchor), position(head)));
        }
        return ranges;
    }

    private static int position(JsonNumber n) {
        return (int) exact(n.bigDecimalValue(), "range position", 0, Integer.MAX_VALUE);
    }

    private static boolean present(JsonObject object, String field) {
        JsonValue v = object.get(field);
        return v != null && v.getValueType() != JsonValue.ValueType.NULL;
    }

    private static String string(JsonObject object, String field, boolean required) {
        JsonValue v = object.get(field);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            if (required) {
                throw new FieldException(ErrorCode.BAD_MESSAGE, "missing field \"" + field + "\"");
            }
            return null;
        }
        if (!(v instanceof JsonString s)) {
            throw new FieldException(ErrorCode.BAD_MESSAGE, "\"" + field + "\" must be a string");
        }
        return s.getString();
    }

    private static int revision(JsonObject object, String field) {
        return (int) wholeNumber(object, field, 0, Integer.MAX_VALUE);
    }

    private static long wholeNumber(JsonObject object, String field, long min, long max) {
        JsonValue v = object.get(field);
        if (v == null) {
            throw new FieldException(ErrorCode.BAD_MESSAGE, "missing field \"" + field + "\"");
        }
        if (!(v instanceof JsonNumber n)) {
            throw new FieldException(ErrorCode.BAD_MESSAGE, "\"" + field + "\" must be an integer");
        }
        return exact(n.bigDecimalValue(), "\"" + field + "\"", min, max);
    }

    private static long exact(BigDecimal value, String what, long min, long max) {
        long result;
        try {
            result = value.longValueExact();
        } catch (ArithmeticException e) {
            throw new FieldException(ErrorCode.BAD_MESSAGE, what + " must be an integer from " + min + " to " + max);
        }
        if (result < min || result > max) {
            throw new FieldException(ErrorCode.BAD_MESSAGE, what + " must be an integer from " + min + " to " + max);
        }
        return result;
    }

    private static ClientMessage.Invalid badMessage(String message) {
        return new ClientMessage.Invalid(ErrorCode.BAD_MESSAGE, message);
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    /** A field that does not fit the protocol, with the error code it earns. */
    private static final class FieldException extends RuntimeException {
        final ErrorCode code;

        FieldException(ErrorCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    // ---------------------------------------------------------------- encoding

    /** The frame for {@code message}. */
    public static String encode(ServerMessage message) {
        if (message instanceof ServerMessage.Encoded m) {
            return m.json();
        }
        StringBuilder out = new StringBuilder(64);
        if (message instanceof ServerMessage.Op m) {
            out.append("{\"type\":\"op\",");
            revisionFields(m.revision(), out);
        } else if (message instanceof ServerMessage.Ack m) {
            out.append("{\"type\":\"ack\",\"rev\":").append(m.rev()).append(",\"seq\":").append(m.seq());
        } else if (message instanceof ServerMessage.Cursor m) {
            out.append("{\"type\":\"cursor\",\"client\":");
            quote(m.client(), out);
            out.append(",\"rev\":").append(m.rev()).append(",\"ranges\":");
            ranges(m.ranges(), out);
        } else if (message instanceof ServerMessage.Welcome m) {
            welcome(m, out);
        } else if (message instanceof ServerMessage.PeerJoined m) {
            out.append("{\"type\":\"peer-joined\",\"peer\":");
            peer(m.peer(), false, out);
        } else if (message instanceof ServerMessage.PeerLeft m) {
            out.append("{\"type\":\"peer-left\",\"client\":");
            quote(m.client(), out);
        } else if (message instanceof ServerMessage.Pong) {
            out.append("{\"type\":\"pong\"");
        } else if (message instanceof ServerMessage.Error m) {
            out.append("{\"type\":\"error\",\"code\":");
            quote(m.code().wire(), out);
            out.append(",\"message\":");
            quote(m.message(), out);
        } else {
            throw new IllegalArgumentException("no encoding for " + message);
        }
        return out.append('}').toString();
    }

    /** {@code {rev, client, seq, ops}}, as in catch-up lists and the ops history. */
    public static void revision(Revision r, StringBuilder out) {
        out.append('{');
        revisionFields(r, out);
        out.append('}');
    }

    private static void revisionFields(Revision r, StringBuilder out) {
        out.append("\"rev\":").append(r.rev()).append(",\"client\":");
        quote(r.client(), out);
        out.append(",\"seq\":").append(r.seq()).append(",\"ops\":");
        operation(r.operation(), out);
    }

    /** An operation's wire form. */
    public static void operation(TextOperation op, StringBuilder out) {
        out.append('[');
        boolean first = true;
        for (Object c : op.toWire()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            if (c instanceof String s) {
                quote(s, out);
            } else {
                out.append(c);
            }
        }
        out.append(']');
    }

    private static void welcome(ServerMessage.Welcome m, StringBuilder out) {
        out.append("{\"type\":\"welcome\",\"doc\":");
        quote(m.doc(), out);
        out.append(",\"client\":");
        quote(m.client(), out);
        out.append(",\"rev\":").append(m.rev());
        if (m.ops() != null) {
            out.append(",\"ops\":[");
            for (int i = 0; i < m.ops().size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                revision(m.ops().get(i), out);
            }
            out.append(']');
        } else {
            out.append(",\"text\":");
            quote(m.text(), out);
        }
        out.append(",\"peers\":[");
        for (int i = 0; i < m.peers().size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            peer(m.peers().get(i), true, out);
        }
        out.append("],\"readOnly\":").append(m.readOnly());
    }

    private static void peer(Peer p, boolean withRanges, StringBuilder out) {
        out.append("{\"client\":");
        quote(p.client(), out);
        out.append(",\"name\":");
        quote(p.name() == null ? "" : p.name(), out);
        out.append(",\"color\":");
        quote(p.color(), out);
        if (withRanges && !p.ranges().isEmpty()) {
            out.append(",\"ranges\":");
            ranges(p.ranges(), out);
        }
        if (p.readOnly()) {
            out.append(",\"readOnly\":true");
        }
        out.append('}');
    }

    private static void ranges(List<Range> ranges, StringBuilder out) {
        out.append('[');
        for (int i = 0; i < ranges.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append('[').append(ranges.get(i).anchor()).append(',').append(ranges.get(i).head()).append(']');
        }
        out.append(']');
    }

    /**
     * Appends {@code s} as a JSON string. Lone surrogates cannot occur in accepted text,
     * but are escaped rather than trusted, so the output is always valid UTF-8 when encoded.
     */
    public static void quote(String s, StringBuilder out) {
        out.append('"');
        int start = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            String escape = null;
            if (c == '"') {
                escape = "\\\"";
            } else if (c == '\\') {
                escape = "\\\\";
            } else if (c == '\n') {
                escape = "\\n";
            } else if (c < 0x20 || c == '\u2028' || c == '\u2029'
                    || (Character.isSurrogate(c) && !pairedAt(s, i))) {
                escape = String.format("\\u%04x", (int) c);
            } else if (Character.isHighSurrogate(c)) {
                i++;
            }
            if (escape != null) {
                out.append(s, start, i).append(escape);
                start = i + 1;
            }
        }
        out.append(s, start, n).append('"');
    }

    private static boolean pairedAt(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
}
