package app.concord.documents.boundary;

import app.concord.ot.Authorship;
import app.concord.ot.TextOperation;
import app.concord.protocol.Authors;
import app.concord.protocol.JsonCodec;
import app.concord.protocol.Revision;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * A document's archive as {@code GET /api/docs/{id}/archive} writes it and
 * {@code PUT /api/docs/{id}/archive} reads it back ({@code docs/PROTOCOL.md}, "Archives"):
 * the text and every revision, each as the protocol's {@code {rev, client, seq, ops}} with its
 * {@code author} and, for a restore, {@code inserted} (an archive without them is by the
 * clients' authors).
 *
 * @param text the text the revisions make, checked on import when present
 */
record DocumentArchive(String text, List<Revision> revisions) {

    static final String FORMAT = "concord-document";
    static final int VERSION = 1;

    /** Reads an archive; anything malformed is a 400 naming what is wrong. */
    static DocumentArchive parse(String json) {
        JsonObject archive;
        try (var reader = Json.createReader(new StringReader(json == null ? "" : json))) {
            archive = reader.readObject();
        } catch (JsonParsingException | IllegalStateException | ClassCastException e) {
            throw ApiError.badRequest("an archive is a JSON object: " + e.getMessage());
        } catch (JsonException e) {
            throw ApiError.badRequest("an archive is a JSON object");
        }
        if (!FORMAT.equals(string(archive, "format")) || archive.getInt("version", -1) != VERSION) {
            throw ApiError.badRequest("not an archive of format \"" + FORMAT + "\" version " + VERSION);
        }
        JsonValue revisions = archive.get("revisions");
        if (!(revisions instanceof JsonArray list)) {
            throw ApiError.badRequest("\"revisions\" must be an array");
        }
        List<Revision> read = new ArrayList<>(list.size());
        for (JsonValue value : list) {
            if (!(value instanceof JsonObject r)) {
                throw ApiError.badRequest("revision " + (read.size() + 1) + " is not an object");
            }
            read.add(revision(r, read.size() + 1));
        }
        return new DocumentArchive(archive.containsKey("text") ? string(archive, "text") : null, read);
    }

    private static Revision revision(JsonObject r, int index) {
        String client = string(r, "client");
        if (client == null || !JsonCodec.ID.matcher(client).matches()) {
            throw ApiError.badRequest("revision " + index + ": client must match [A-Za-z0-9_-]{1,64}");
        }
        long seq = number(r, "seq", index);
        long rev = number(r, "rev", index);
        if (!(r.get("ops") instanceof JsonArray ops)) {
            throw ApiError.badRequest("revision " + index + ": ops must be an array");
        }
        List<Object> wire = new ArrayList<>(ops.size());
        for (JsonValue component : ops) {
            if (component instanceof JsonString s) {
                wire.add(s.getString());
            } else if (component instanceof JsonNumber n) {
                wire.add(n.bigDecimalValue());
            } else {
                throw ApiError.badRequest("revision " + index + ": an operation holds strings and numbers only");
            }
        }
        String author = string(r, "author");
        if (author != null && !Authors.ID.matcher(author).matches()) {
            throw ApiError.badRequest("revision " + index + ": author must be an author id");
        }
        try {
            Authorship inserted = r.get("inserted") instanceof JsonArray runs ? JsonCodec.decodeAuthorship(runs.toString()) : null;
            return new Revision((int) rev, client, seq, TextOperation.fromWire(wire),
                    author != null ? author : Authors.ofClient(client), inserted);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("revision " + index + ": " + e.getMessage());
        }
    }

    private static long number(JsonObject r, String field, int index) {
        if (!(r.get(field) instanceof JsonNumber n) || !n.isIntegral() || n.longValue() < 1
                || (field.equals("rev") && n.longValue() > Integer.MAX_VALUE)) {
            throw ApiError.badRequest("revision " + index + ": " + field + " must be a whole number of 1 or more");
        }
        return n.longValue();
    }

    private static String string(JsonObject object, String field) {
        return object.get(field) instanceof JsonString s ? s.getString() : null;
    }
}
