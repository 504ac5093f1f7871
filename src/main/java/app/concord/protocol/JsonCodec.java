package app.concord.protocol;

import app.concord.ot.Authorship;
import app.concord.ot.InvalidOperationException;
import app.concord.ot.JsonText;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The wire format of protocol v1, both directions: the server decodes {@link ClientMessage}s
 * and encodes {@link ServerMessage}s, a client encodes the former and decodes the latter, and
 * the op log stores operations in their wire form ({@link #encodeOperation},
 * {@link #decodeOperation}). Decoding parses with JSON-P and checks every field: a bad frame
 * from a client becomes an {@link ClientMessage.Invalid} naming the problem, never an
 * exception; a bad frame from the server, or a bad stored operation, is an
 * {@link IllegalArgumentException} naming it. Encoding writes canonical JSON directly: it runs
 * once per broadcast, on the hot path, and needs no provider.
 */
public final class JsonCodec {

    /** Client ids and document ids: PROTOCOL.md's {@code [A-Za-z0-9_-]{1,64}}. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** Longest display name accepted, in code units. */
    public static final int MAX_NAME_LENGTH = 100;

    /** Made once: {@code Json.createReader} looks the provider up with a ServiceLoader on every call. */
    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

    private static final String BATCH_START = "{\"type\":\"batch\",\"messages\":[";

    private JsonCodec() {
    }

    /** Decodes one message of at most {@code maxChars} code units, or explains why it is not one (too-large when longer). */
    public static ClientMessage decode(String frame, int maxChars) {
        if (frame.length() > maxChars) {
            return new ClientMessage.Invalid(ErrorCode.TOO_LARGE,
                    "message of " + frame.length() + " characters is over the limit of " + maxChars);
        }
        return decode(frame);
    }

    /** Decodes one text frame, or explains why it is not a message. */
    public static ClientMessage decode(String frame) {
        try {
            JsonObject object = message(frame);
            switch (type(object)) {
                case "join":
                    return decodeJoin(object);
                case "op":
                    return decodeOp(object);
                case "cursor":
                    return new ClientMessage.Cursor(revision(object, "rev"), ranges(object));
                case "ping":
                    return new ClientMessage.Ping();
                default:
                    return badMessage("unknown message type \"" + clip(type(object)) + "\"");
            }
        } catch (FieldException e) {
            return new ClientMessage.Invalid(e.code, e.getMessage());
        }
    }

    /** The JSON object in {@code frame}, or a {@link FieldException} saying why there is none. */
    private static JsonObject message(String frame) {
        JsonValue value = parse(frame);
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new FieldException(ErrorCode.BAD_MESSAGE, "a message must be a JSON object");
        }
        return value.asJsonObject();
    }

    private static String type(JsonObject message) {
        if (!(message.get("type") instanceof JsonString type)) {
            throw new FieldException(ErrorCode.BAD_MESSAGE, "a message needs a string field \"type\"");
        }
        return type.getString();
    }

    private static JsonValue parse(String json) {
        try (JsonReader reader = READERS.createReader(new StringReader(json))) {
            return reader.readValue();
        } catch (JsonException e) {
            throw new FieldException(ErrorCode.BAD_MESSAGE, "not valid JSON");
        } catch (RuntimeException e) {
            // Providers signal their own limits (nesting depth, number size) with other exceptions.
            throw new FieldException(ErrorCode.BAD_MESSAGE, "not valid JSON: " + clip(String.valueOf(e.getMessage())));
        } catch (StackOverflowError e) {
            throw new FieldException(ErrorCode.BAD_MESSAGE, "JSON nested too deeply");
        }
    }

    /**
     * The name with each U+0000 as a space: the name is kept with the document's authors, and
     * PostgreSQL keeps no U+0000 in text. A join is not refused for it, since the name comes
     * from a stored setting its person may not see.
     */
    static String displayName(String name) {
        return name.replace('\u0000', ' ');
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
        if (name != null) {
            name = displayName(name);
        }
        Integer rev = present(object, "rev") ? revision(object, "rev") : null;
        String author = string(object, "author", false);
        if (author != null && !Authors.SECRET.matcher(author).matches()) {
            throw new FieldException(ErrorCode.BAD_MESSAGE,
                    "\"author\" must be a secret of 16 to 128 characters of [A-Za-z0-9_-], kept by the client");
        }
        return new ClientMessage.Join(client, name, rev, author, flag(object, "batch"));
    }

    private static ClientMessage decodeOp(JsonObject object) {
        int rev = revision(object, "rev");
        long seq = wholeNumber(object, "seq", 1, Long.MAX_VALUE);
        Integer restore = present(object, "restore") ? revision(object, "restore") : null;
        return new ClientMessage.Op(rev, seq, operation(object), restore);
    }

    /** The operation in {@code object}'s field {@code ops}. */
    private static TextOperation operation(JsonObject object) {
        JsonValue ops = object.get("ops");
        if (!(ops instanceof JsonArray components)) {
            throw new FieldException(ErrorCode.BAD_MESSAGE, "\"ops\" must be an array");
        }
        return operation(components);
    }

    private static TextOperation operation(JsonArray components) {
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
            return TextOperation.fromWire(wire);
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

    /** An optional boolean field: absent or null is false. */
    private static boolean flag(JsonObject object, String field) {
        JsonValue v = object.get(field);
        if (v == null || v == JsonValue.NULL || v == JsonValue.FALSE) {
            return false;
        }
        if (v != JsonValue.TRUE) {
            throw new FieldException(ErrorCode.BAD_MESSAGE, "\"" + field + "\" must be true or false");
        }
        return true;
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
        if (message instanceof ServerMessage.Batch m) {
            List<String> frames = new ArrayList<>(m.messages().size());
            for (ServerMessage inner : m.messages()) {
                frames.add(encode(inner));
            }
            return batch(frames);
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
            if (m.id() != null) {
                out.append(",\"id\":");
                quote(m.id(), out);
            }
        } else {
            throw new IllegalArgumentException("no encoding for " + message);
        }
        return out.append('}').toString();
    }

    /**
     * The frame of a {@code batch} holding {@code frames}, each a message as {@link #encode}
     * writes it alone, in order.
     *
     * @throws IllegalArgumentException when a frame is itself a batch
     */
    public static String batch(List<String> frames) {
        int length = 32;
        for (String f : frames) {
            length += f.length() + 1;
        }
        StringBuilder out = new StringBuilder(length).append(BATCH_START);
        for (int i = 0; i < frames.size(); i++) {
            String frame = frames.get(i);
            if (frame.startsWith(BATCH_START)) {
                throw new IllegalArgumentException("a batch cannot hold a batch");
            }
            if (i > 0) {
                out.append(',');
            }
            out.append(frame);
        }
        return out.append("]}").toString();
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
        out.append(",\"author\":");
        quote(r.author(), out);
        if (r.inserted() != null) {
            out.append(",\"inserted\":");
            r.inserted().appendJson(out);
        }
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
        if (m.authorship() != null) {
            out.append(",\"author\":");
            quote(m.author(), out);
            out.append(",\"authorship\":");
            m.authorship().appendJson(out);
            out.append(",\"authors\":{");
            boolean first = true;
            for (Map.Entry<String, AuthorProfile> e : m.authors().entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                quote(e.getKey(), out);
                out.append(":{\"name\":");
                quote(e.getValue().name(), out);
                out.append(",\"color\":");
                quote(e.getValue().color(), out);
                out.append('}');
            }
            out.append('}');
        }
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
        if (p.author() != null) {
            out.append(",\"author\":");
            quote(p.author(), out);
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

    // ---------------------------------------------------------------- operations

    /** {@code op} in its wire form, a JSON array: what the op log stores. */
    public static String encodeOperation(TextOperation op) {
        StringBuilder out = new StringBuilder(16);
        operation(op, out);
        return out.toString();
    }

    /**
     * The operation written as {@code json} in its wire form (as {@link #encodeOperation} writes it).
     *
     * @throws IllegalArgumentException naming what is wrong when {@code json} is not a valid operation
     */
    public static TextOperation decodeOperation(String json) {
        try {
            if (!(parse(json) instanceof JsonArray components)) {
                throw new IllegalArgumentException("an operation must be a JSON array: " + clip(json));
            }
            return operation(components);
        } catch (FieldException e) {
            throw new IllegalArgumentException("not an operation (" + e.getMessage() + "): " + clip(json));
        }
    }

    /** {@code authorship} in its JSON form, {@code [[length,"author"],...]}: what snapshots and checkpoints store. */
    public static String encodeAuthorship(Authorship authorship) {
        return authorship.toString();
    }

    /**
     * The authorship written as {@code json} (as {@link #encodeAuthorship} writes it).
     *
     * @throws IllegalArgumentException naming what is wrong when {@code json} is not one
     */
    public static Authorship decodeAuthorship(String json) {
        try {
            if (!(parse(json) instanceof JsonArray runs)) {
                throw new IllegalArgumentException("authorship must be a JSON array: " + clip(json));
            }
            return authorship(runs, "authorship");
        } catch (FieldException e) {
            throw new IllegalArgumentException("not authorship (" + e.getMessage() + "): " + clip(json));
        }
    }

    /** Runs {@code [[length, "author"], ...]}: positive lengths, author ids. */
    private static Authorship authorship(JsonArray runs, String what) {
        Authorship.Builder b = Authorship.builder();
        for (JsonValue run : runs) {
            if (!(run instanceof JsonArray pair) || pair.size() != 2 || !(pair.get(0) instanceof JsonNumber n)
                    || !(pair.get(1) instanceof JsonString author) || !Authors.ID.matcher(author.getString()).matches()) {
                throw new FieldException(ErrorCode.BAD_MESSAGE, "each run of " + what + " must be [length, \"author id\"]");
            }
            b.add((int) exact(n.bigDecimalValue(), "a run's length", 1, Integer.MAX_VALUE), author.getString());
        }
        return b.build();
    }

    // ---------------------------------------------------------------- the client's side

    /**
     * The frame a client sends for {@code message}.
     *
     * @throws IllegalArgumentException for {@link ClientMessage.Invalid}, which is never sent
     */
    public static String encode(ClientMessage message) {
        StringBuilder out = new StringBuilder(48);
        if (message instanceof ClientMessage.Op m) {
            out.append("{\"type\":\"op\",\"rev\":").append(m.rev()).append(",\"seq\":").append(m.seq()).append(",\"ops\":");
            operation(m.ops(), out);
            if (m.restore() != null) {
                out.append(",\"restore\":").append(m.restore());
            }
        } else if (message instanceof ClientMessage.Join m) {
            out.append("{\"type\":\"join\",\"client\":");
            quote(m.client(), out);
            if (m.name() != null) {
                out.append(",\"name\":");
                quote(m.name(), out);
            }
            if (m.rev() != null) {
                out.append(",\"rev\":").append(m.rev());
            }
            if (m.author() != null) {
                out.append(",\"author\":");
                quote(m.author(), out);
            }
            if (m.batch()) {
                out.append(",\"batch\":true");
            }
        } else if (message instanceof ClientMessage.Cursor m) {
            out.append("{\"type\":\"cursor\",\"rev\":").append(m.rev()).append(",\"ranges\":");
            ranges(m.ranges(), out);
        } else if (message instanceof ClientMessage.Ping) {
            out.append("{\"type\":\"ping\"");
        } else {
            throw new IllegalArgumentException("not a message to send: " + message);
        }
        return out.append('}').toString();
    }

    /**
     * Decodes a frame from the server. A message type this codec does not know is empty: the
     * protocol may gain types, and receivers ignore what they do not know.
     *
     * @throws IllegalArgumentException naming the problem when {@code frame} is not a valid server message
     */
    public static Optional<ServerMessage> decodeServerMessage(String frame) {
        try {
            JsonObject m = message(frame);
            if (type(m).equals("batch")) {
                JsonArray list = array(m, "messages");
                List<ServerMessage> messages = new ArrayList<>(list.size());
                for (JsonValue entry : list) {
                    JsonObject inner = asObject(entry, "an entry of \"messages\"");
                    if (type(inner).equals("batch")) {
                        throw new FieldException(ErrorCode.BAD_MESSAGE, "a batch inside a batch");
                    }
                    ServerMessage known = serverMessage(inner);
                    if (known != null) {
                        messages.add(known);
                    }
                }
                return Optional.of(new ServerMessage.Batch(messages));
            }
            return Optional.ofNullable(serverMessage(m));
        } catch (FieldException e) {
            throw new IllegalArgumentException("not a valid server message (" + e.getMessage() + "): " + clip(frame));
        }
    }

    /** The message {@code m}, or null when its type is one this codec does not know. */
    private static ServerMessage serverMessage(JsonObject m) {
        return switch (type(m)) {
            case "welcome" -> welcome(m);
            case "ack" -> new ServerMessage.Ack(revision(m, "rev"), wholeNumber(m, "seq", 1, Long.MAX_VALUE));
            case "op" -> new ServerMessage.Op(revision(m));
            case "cursor" -> new ServerMessage.Cursor(string(m, "client", true), revision(m, "rev"), ranges(m));
            case "peer-joined" -> new ServerMessage.PeerJoined(peer(object(m, "peer")));
            case "peer-left" -> new ServerMessage.PeerLeft(string(m, "client", true));
            case "pong" -> new ServerMessage.Pong();
            case "error" -> new ServerMessage.Error(errorCode(string(m, "code", true)), string(m, "message", false));
            default -> null;
        };
    }

    private static ServerMessage.Welcome welcome(JsonObject m) {
        List<Revision> ops = null;
        String text = null;
        if (present(m, "ops")) {
            JsonArray list = array(m, "ops");
            ops = new ArrayList<>(list.size());
            for (JsonValue entry : list) {
                ops.add(revision(asObject(entry, "an entry of \"ops\"")));
            }
        } else {
            text = string(m, "text", true);
        }
        List<Peer> peers = new ArrayList<>();
        for (JsonValue p : array(m, "peers")) {
            peers.add(peer(asObject(p, "a peer")));
        }
        boolean readOnly = m.get("readOnly") == JsonValue.TRUE;
        ServerMessage.Welcome welcome = new ServerMessage.Welcome(string(m, "doc", true), string(m, "client", true),
                revision(m, "rev"), text, ops, peers, readOnly);
        if (!present(m, "authorship")) {
            return welcome;
        }
        Map<String, AuthorProfile> authors = new LinkedHashMap<>();
        if (present(m, "authors")) {
            for (Map.Entry<String, JsonValue> e : object(m, "authors").entrySet()) {
                JsonObject profile = asObject(e.getValue(), "an author");
                authors.put(e.getKey(), new AuthorProfile(string(profile, "name", true), string(profile, "color", true), 0, 0));
            }
        }
        return welcome.withAuthorship(string(m, "author", true), authorship(array(m, "authorship"), "\"authorship\""), authors);
    }

    private static Revision revision(JsonObject m) {
        String client = string(m, "client", true);
        String author = string(m, "author", false);
        return new Revision(revision(m, "rev"), client, wholeNumber(m, "seq", 0, Long.MAX_VALUE), operation(m),
                author != null ? author : Authors.ofClient(client),
                present(m, "inserted") ? authorship(array(m, "inserted"), "\"inserted\"") : null);
    }

    private static Peer peer(JsonObject p) {
        String name = string(p, "name", false);
        String color = string(p, "color", false);
        return new Peer(string(p, "client", true), name == null ? "" : name, color == null ? "" : color,
                present(p, "ranges") ? ranges(p) : List.of(), false, string(p, "author", false));
    }

    private static ErrorCode errorCode(String wire) {
        return ErrorCode.fromWire(wire).orElseThrow(
                () -> new FieldException(ErrorCode.BAD_MESSAGE, "unknown error code \"" + clip(wire) + "\""));
    }

    private static JsonObject object(JsonObject m, String field) {
        return asObject(m.get(field), "\"" + field + "\"");
    }

    private static JsonObject asObject(JsonValue value, String what) {
        if (!(value instanceof JsonObject object)) {
            throw new FieldException(ErrorCode.BAD_MESSAGE, what + " must be an object");
        }
        return object;
    }

    private static JsonArray array(JsonObject m, String field) {
        if (!(m.get(field) instanceof JsonArray array)) {
            throw new FieldException(ErrorCode.BAD_MESSAGE, "\"" + field + "\" must be an array");
        }
        return array;
    }

    /** Appends {@code s} as a JSON string, by the one rule of {@link JsonText#quote}. */
    public static void quote(String s, StringBuilder out) {
        JsonText.quote(s, out);
    }
}
