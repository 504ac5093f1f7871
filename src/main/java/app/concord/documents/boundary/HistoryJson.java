package app.concord.documents.boundary;

import app.concord.collab.HistorySessions;
import app.concord.collab.NamedVersion;
import app.concord.protocol.AuthorProfile;
import app.concord.protocol.JsonCodec;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.List;
import java.util.Map;

/** The JSON of the history API (docs/PROTOCOL.md "History, authorship and versions"), both ways. */
final class HistoryJson {

    private HistoryJson() {
    }

    /** A request's body as a JSON object; anything else is a 400. */
    static JsonObject body(String body) {
        try (var reader = Json.createReader(new StringReader(body == null ? "" : body))) {
            JsonValue value = reader.readValue();
            if (value instanceof JsonObject object) {
                return object;
            }
        } catch (JsonException | IllegalStateException e) {
            // answered below
        }
        throw ApiError.badRequest("the body must be a JSON object");
    }

    static void sessions(List<HistorySessions.Session> sessions, StringBuilder out) {
        out.append('[');
        for (int i = 0; i < sessions.size(); i++) {
            HistorySessions.Session s = sessions.get(i);
            out.append(i == 0 ? "" : ",").append("{\"from\":").append(s.from()).append(",\"to\":").append(s.to())
                    .append(",\"start\":").append(s.start()).append(",\"end\":").append(s.end()).append(",\"authors\":");
            strings(s.authors(), out);
            out.append(",\"added\":").append(s.added()).append(",\"removed\":").append(s.removed()).append('}');
        }
        out.append(']');
    }

    static void versions(List<NamedVersion> versions, StringBuilder out) {
        out.append('[');
        for (int i = 0; i < versions.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            version(versions.get(i), out);
        }
        out.append(']');
    }

    static String version(NamedVersion v) {
        StringBuilder out = new StringBuilder(96);
        version(v, out);
        return out.toString();
    }

    private static void version(NamedVersion v, StringBuilder out) {
        out.append("{\"id\":").append(v.id()).append(",\"rev\":").append(v.rev()).append(",\"name\":");
        JsonCodec.quote(v.name(), out);
        out.append(",\"author\":");
        nullable(v.author(), out);
        out.append(",\"created\":").append(v.created()).append('}');
    }

    /** {@code {"id":{"name","color","first","last"}}}, first and last null where unknown. */
    static void authors(Map<String, AuthorProfile> authors, StringBuilder out) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, AuthorProfile> e : authors.entrySet()) {
            AuthorProfile p = e.getValue();
            out.append(first ? "" : ",");
            first = false;
            JsonCodec.quote(e.getKey(), out);
            out.append(":{\"name\":");
            JsonCodec.quote(p.name(), out);
            out.append(",\"color\":");
            JsonCodec.quote(p.color(), out);
            out.append(",\"first\":").append(p.first() > 0 ? Long.toString(p.first()) : "null")
                    .append(",\"last\":").append(p.last() > 0 ? Long.toString(p.last()) : "null").append('}');
        }
        out.append('}');
    }

    static void strings(List<String> values, StringBuilder out) {
        out.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            JsonCodec.quote(values.get(i), out);
        }
        out.append(']');
    }

    static void nullable(String value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else {
            JsonCodec.quote(value, out);
        }
    }
}
