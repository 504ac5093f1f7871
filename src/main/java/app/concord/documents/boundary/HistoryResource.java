package app.concord.documents.boundary;

import app.concord.collab.AuthorIds;
import app.concord.collab.Checkpoint;
import app.concord.collab.DocumentHistory;
import app.concord.collab.HistorySessions;
import app.concord.collab.HistoryStore;
import app.concord.collab.LiveDocuments;
import app.concord.collab.NamedVersion;
import app.concord.collab.ProtocolException;
import app.concord.collab.RevisionSummary;
import app.concord.collab.ScriptedRestore;
import app.concord.collab.StaleRevisionException;
import app.concord.documents.control.Collaboration;
import app.concord.ot.Authorship;
import app.concord.protocol.Authors;
import app.concord.protocol.JsonCodec;
import jakarta.inject.Inject;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * History, authorship and named versions over HTTP (docs/PROTOCOL.md "History, authorship and
 * versions"). Everything is read from the store: the revisions it holds are the history there
 * is. A read-only id may read all of it, and may neither restore nor change versions.
 */
@Path("docs")
@Produces(MediaType.APPLICATION_JSON + ";charset=UTF-8")
public class HistoryResource {

    static final int DEFAULT_SESSIONS = 20;
    static final int MAX_SESSIONS = 200;
    static final int MAX_VERSION_NAME = 100;
    static final long RESTORE_TIMEOUT_MILLIS = 30_000;

    @Inject
    Collaboration collaboration;

    /** Editing sessions newest first, a page at a time; the first page lists the named versions too. */
    @GET
    @Path("{docId}/history")
    public String history(@PathParam("docId") String docId, @QueryParam("before") String before,
            @QueryParam("limit") String limit) {
        LiveDocuments.Access access = access(docId);
        int last = history().lastRevision(access.docId());
        int beforeRev = before == null ? last + 1 : Math.min(number("before", before, 1, Integer.MAX_VALUE), last + 1);
        int count = limit == null ? DEFAULT_SESSIONS : number("limit", limit, 1, MAX_SESSIONS);
        HistorySessions.Page page = HistorySessions.page(history(), access.docId(), beforeRev, count);
        Set<String> authors = new LinkedHashSet<>();
        page.sessions().forEach(s -> authors.addAll(s.authors()));
        StringBuilder out = new StringBuilder(256 + page.sessions().size() * 128).append("{\"sessions\":");
        HistoryJson.sessions(page.sessions(), out);
        out.append(",\"next\":").append(page.next() == null ? "null" : page.next().toString());
        if (before == null) {
            List<NamedVersion> versions = history().versions(access.docId());
            versions.forEach(v -> {
                if (v.author() != null) {
                    authors.add(v.author());
                }
            });
            out.append(",\"versions\":");
            HistoryJson.versions(versions, out);
        }
        out.append(",\"authors\":");
        HistoryJson.authors(documentHistory().authors(access.docId(), authors), out);
        return out.append('}').toString();
    }

    @GET
    @Path("{docId}/revisions/{rev}")
    public String revision(@PathParam("docId") String docId, @PathParam("rev") String rev) {
        LiveDocuments.Access access = access(docId);
        int at = stored(access, "rev", rev);
        Checkpoint state = documentHistory().stateAt(access.docId(), at);
        List<RevisionSummary> made = history().summaries(access.docId(), at - 1, at);
        StringBuilder out = new StringBuilder(state.text().length() + 96).append("{\"rev\":").append(at).append(",\"text\":");
        JsonCodec.quote(state.text(), out);
        out.append(",\"time\":").append(made.isEmpty() ? "null" : Long.toString(made.get(0).time())).append(",\"author\":");
        HistoryJson.nullable(made.isEmpty() ? null : made.get(0).author(), out);
        return out.append('}').toString();
    }

    @GET
    @Path("{docId}/revisions/{rev}/text")
    @Produces(MediaType.TEXT_PLAIN + ";charset=UTF-8")
    public Response revisionText(@PathParam("docId") String docId, @PathParam("rev") String rev) {
        LiveDocuments.Access access = access(docId);
        int at = stored(access, "rev", rev);
        return Response.ok(documentHistory().stateAt(access.docId(), at).text())
                .header("Content-Disposition", "attachment; filename=\"" + docId + "-r" + at + ".txt\"").build();
    }

    @GET
    @Path("{docId}/authorship")
    public String authorship(@PathParam("docId") String docId, @QueryParam("rev") String rev) {
        LiveDocuments.Access access = access(docId);
        int at = rev == null ? history().lastRevision(access.docId()) : stored(access, "rev", rev);
        Authorship runs = documentHistory().stateAt(access.docId(), at).authorship();
        StringBuilder out = new StringBuilder(64 + runs.runCount() * 24).append("{\"rev\":").append(at).append(",\"runs\":");
        runs.appendJson(out);
        out.append(",\"authors\":");
        HistoryJson.authors(documentHistory().authors(access.docId(), runs.authors()), out);
        return out.append('}').toString();
    }

    @GET
    @Path("{docId}/changes")
    public String changes(@PathParam("docId") String docId, @QueryParam("from") String from, @QueryParam("to") String to) {
        LiveDocuments.Access access = access(docId);
        if (from == null || to == null) {
            throw ApiError.badRequest("from and to are both needed");
        }
        DocumentHistory.Changes changes = documentHistory().changes(access.docId(), stored(access, "from", from),
                stored(access, "to", to));
        StringBuilder out = new StringBuilder(256).append("{\"from\":").append(changes.from()).append(",\"to\":")
                .append(changes.to()).append(",\"ops\":");
        JsonCodec.operation(changes.operation(), out);
        out.append(",\"inserted\":");
        changes.inserted().appendJson(out);
        out.append(",\"authors\":");
        HistoryJson.authors(documentHistory().authors(access.docId(), changes.inserted().authors()), out);
        return out.append('}').toString();
    }

    /**
     * Restores revision {@code rev} as seen at revision {@code base}: one new revision by the
     * author of {@code author} (a secret, optional), transformed past edits made after
     * {@code base} as a live restore is.
     */
    @POST
    @Path("{docId}/restore")
    @Consumes(MediaType.APPLICATION_JSON)
    public String restore(@PathParam("docId") String docId, String body) {
        LiveDocuments.Access access = writable(docId, "restore");
        JsonObject request = HistoryJson.body(body);
        int rev = field(request, "rev");
        int base = field(request, "base");
        String secret = secret(request);
        String name = request.containsKey("name") ? name(request) : "Restore";
        int made;
        try {
            made = ScriptedRestore.run(collaboration.documents(), collaboration.timers(), docId, access.docId(), base, rev, secret,
                    name, RESTORE_TIMEOUT_MILLIS);
        } catch (StaleRevisionException e) {
            throw ApiError.badRequest("base (" + base + ") and rev (" + rev + ") must be stored revisions");
        } catch (ProtocolException e) {
            throw switch (e.code()) {
                case BAD_OP, BAD_MESSAGE -> ApiError.badRequest(e.getMessage());
                case TOO_LARGE -> new ApiError(413, "too-large", e.getMessage());
                case READ_ONLY -> new ApiError(403, "read-only", e.getMessage());
                default -> new ApiError(503, "unavailable", e.getMessage());
            };
        } catch (TimeoutException e) {
            throw new ApiError(503, "unavailable", "the restore was not confirmed in time; the history says whether it was made");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "unavailable", "interrupted");
        }
        return "{\"rev\":" + made + ",\"restored\":" + rev + "}";
    }

    @GET
    @Path("{docId}/versions")
    public String versions(@PathParam("docId") String docId) {
        LiveDocuments.Access access = access(docId);
        StringBuilder out = new StringBuilder("{\"versions\":");
        HistoryJson.versions(history().versions(access.docId()), out);
        return out.append('}').toString();
    }

    /** Names revision {@code rev} (the current one when absent): 201 with the version. */
    @POST
    @Path("{docId}/versions")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response addVersion(@PathParam("docId") String docId, String body, @Context UriInfo request) {
        LiveDocuments.Access access = writable(docId, "name versions");
        JsonObject fields = HistoryJson.body(body);
        int last = history().lastRevision(access.docId());
        int rev = fields.containsKey("rev") ? field(fields, "rev") : last;
        if (rev > last) {
            throw ApiError.badRequest("rev (" + rev + ") is after the current revision " + last);
        }
        String secret = secret(fields);
        String author = secret == null ? null : AuthorIds.fromSecret(history().authorKey(), access.docId(), secret);
        NamedVersion version = history().addVersion(access.docId(), rev, name(fields), author, System.currentTimeMillis());
        return Response.created(request.getAbsolutePathBuilder().path(Long.toString(version.id())).build())
                .entity(HistoryJson.version(version)).build();
    }

    @PATCH
    @Path("{docId}/versions/{vid}")
    @Consumes(MediaType.APPLICATION_JSON)
    public String renameVersion(@PathParam("docId") String docId, @PathParam("vid") String vid, String body) {
        LiveDocuments.Access access = writable(docId, "rename versions");
        long id = number("version", vid, 1, Integer.MAX_VALUE);
        String name = name(HistoryJson.body(body));
        return HistoryJson.version(history().renameVersion(access.docId(), id, name)
                .orElseThrow(() -> new ApiError(404, "not-found", "this document has no version " + id)));
    }

    @DELETE
    @Path("{docId}/versions/{vid}")
    public Response deleteVersion(@PathParam("docId") String docId, @PathParam("vid") String vid) {
        LiveDocuments.Access access = writable(docId, "delete versions");
        long id = number("version", vid, 1, Integer.MAX_VALUE);
        if (!history().deleteVersion(access.docId(), id)) {
            throw new ApiError(404, "not-found", "this document has no version " + id);
        }
        return Response.noContent().build();
    }

    private HistoryStore history() {
        return collaboration.documents().store().history();
    }

    private DocumentHistory documentHistory() {
        return collaboration.documents().history();
    }

    private LiveDocuments.Access access(String docId) {
        DocumentsResource.checkId(docId);
        return collaboration.documents().access(docId);
    }

    private LiveDocuments.Access writable(String docId, String what) {
        LiveDocuments.Access access = access(docId);
        if (access.readOnly()) {
            throw new ApiError(403, "read-only", "a read-only id cannot " + what);
        }
        return access;
    }

    /** A revision the store holds, from a request parameter. */
    private int stored(LiveDocuments.Access access, String name, String value) {
        int rev = number(name, value, 0, Integer.MAX_VALUE);
        int last = history().lastRevision(access.docId());
        if (rev > last) {
            throw ApiError.badRequest(name + " (" + rev + ") is after the current revision " + last);
        }
        return rev;
    }

    private static int number(String name, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.badRequest(name + " must be a whole number from " + min + " to " + max + ", not \"" + clip(value) + "\"");
    }

    private static int field(JsonObject body, String name) {
        if (!(body.get(name) instanceof JsonNumber n) || !n.isIntegral() || n.longValue() < 0 || n.longValue() > Integer.MAX_VALUE) {
            throw ApiError.badRequest("\"" + name + "\" must be a revision number (0 or more)");
        }
        return n.intValue();
    }

    /** The author secret of a request, null when it has none. */
    private static String secret(JsonObject body) {
        JsonValue value = body.get("author");
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonString s) || !Authors.SECRET.matcher(s.getString()).matches()) {
            throw ApiError.badRequest("\"author\" must be a secret of 16 to 128 characters of [A-Za-z0-9_-]");
        }
        return s.getString();
    }

    /** A name (of a version, of who restores): 1 to 100 characters once trimmed, no control characters. */
    private static String name(JsonObject body) {
        String name = body.get("name") instanceof JsonString s ? s.getString().strip() : "";
        if (name.isEmpty() || name.length() > MAX_VERSION_NAME || name.chars().anyMatch(Character::isISOControl)) {
            throw ApiError.badRequest("\"name\" must be 1 to " + MAX_VERSION_NAME + " characters, without control characters");
        }
        return name;
    }

    private static String clip(String s) {
        return s.length() <= JsonCodec.MAX_NAME_LENGTH ? s : s.substring(0, JsonCodec.MAX_NAME_LENGTH);
    }
}
