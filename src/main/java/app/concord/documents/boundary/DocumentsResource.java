package app.concord.documents.boundary;

import app.concord.collab.LiveDocument;
import app.concord.collab.LiveDocuments;
import app.concord.protocol.Revision;
import app.concord.documents.control.Collaboration;
import app.concord.collab.DocumentIds;
import app.concord.protocol.JsonCodec;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/** PROTOCOL.md "HTTP": create documents, read their text, and replay their history. */
@Path("docs")
@Produces(MediaType.APPLICATION_JSON + ";charset=UTF-8")
public class DocumentsResource {

    /** Most revisions one history request returns. */
    static final int MAX_HISTORY_PAGE = 10_000;

    @Inject
    Collaboration collaboration;

    /**
     * 201 with the new document's absolute address in {@code Location}, built from the request:
     * how a relative one is resolved differs between JAX-RS implementations (RESTEasy on WildFly
     * put {@code /api/docs/x} under the base as {@code /api/api/docs/x}).
     */
    @POST
    public Response create(@Context UriInfo request) {
        String id = DocumentIds.fresh();
        URI location = request.getBaseUriBuilder().path(DocumentsResource.class).path(id).build();
        return Response.created(location).entity(documentJson(id, 0, "", false)).build();
    }

    /**
     * The document now. Besides PROTOCOL.md's {@code id}, {@code rev} and {@code text} it
     * says whether {@code id} is a read-only id; {@code id} is always the one asked for.
     */
    @GET
    @Path("{docId}")
    public String document(@PathParam("docId") String docId) {
        LiveDocuments.Access access = access(docId);
        LiveDocument.Snapshot snapshot = snapshot(access);
        return documentJson(docId, snapshot.rev(), snapshot.text(), access.readOnly());
    }

    @GET
    @Path("{docId}/text")
    @Produces(MediaType.TEXT_PLAIN + ";charset=UTF-8")
    public String text(@PathParam("docId") String docId) {
        return snapshot(access(docId)).text();
    }

    /**
     * {@code {"readOnlyId"}}: the id to share for watching the document without editing it,
     * made on first request. Asked with a read-only id, it answers that same id.
     */
    @GET
    @Path("{docId}/read-only")
    public String readOnlyId(@PathParam("docId") String docId) {
        StringBuilder out = new StringBuilder("{\"readOnlyId\":");
        JsonCodec.quote(collaboration.documents().readOnlyId(access(docId)), out);
        return out.append('}').toString();
    }

    @GET
    @Path("{docId}/ops")
    public String ops(@PathParam("docId") String docId, @QueryParam("from") String from, @QueryParam("to") String to) {
        LiveDocuments.Access access = access(docId);
        int fromRev = from == null ? 0 : revision("from", from);
        return withDocument(access.docId(), document -> {
            int current = document.durableRevision();
            int toRev = to == null ? Math.min(current, fromRev + MAX_HISTORY_PAGE) : revision("to", to);
            if (fromRev > toRev) {
                throw ApiError.badRequest("from (" + fromRev + ") is after to (" + toRev + ")");
            }
            if (toRev > current) {
                throw ApiError.badRequest("to (" + toRev + ") is after the current revision " + current);
            }
            if (toRev - fromRev > MAX_HISTORY_PAGE) {
                throw ApiError.badRequest("at most " + MAX_HISTORY_PAGE + " revisions per request");
            }
            List<Revision> revisions = document.history(fromRev, toRev);
            StringBuilder out = new StringBuilder(64 + revisions.size() * 48).append('[');
            for (int i = 0; i < revisions.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                JsonCodec.revision(revisions.get(i), out);
            }
            return out.append(']').toString();
        });
    }

    /**
     * The whole document, to back it up or move it to another server: its text and every
     * revision ({@code docs/PROTOCOL.md}, "Archives"). Read in pages, so a long history costs
     * memory for its answer only.
     */
    @GET
    @Path("{docId}/archive")
    public Response archive(@PathParam("docId") String docId) {
        LiveDocuments.Access access = access(docId);
        LiveDocument.Snapshot snapshot = snapshot(access);
        StringBuilder out = new StringBuilder(snapshot.text().length() * 2 + 256)
                .append("{\"format\":\"").append(DocumentArchive.FORMAT).append("\",\"version\":")
                .append(DocumentArchive.VERSION).append(",\"id\":");
        JsonCodec.quote(docId, out);
        out.append(",\"rev\":").append(snapshot.rev()).append(",\"text\":");
        JsonCodec.quote(snapshot.text(), out);
        out.append(",\"revisions\":[");
        withDocument(access.docId(), document -> {
            for (int from = 0; from < snapshot.rev(); from += MAX_HISTORY_PAGE) {
                for (Revision r : document.history(from, Math.min(snapshot.rev(), from + MAX_HISTORY_PAGE))) {
                    if (r.rev() > 1) {
                        out.append(',');
                    }
                    JsonCodec.revision(r, out);
                }
            }
            return null;
        });
        out.append("]}");
        return Response.ok(out.toString())
                .header("Content-Disposition", "attachment; filename=\"" + docId + ".concord.json\"").build();
    }

    /**
     * Gives a document that was never written the history of an archive ({@link #archive}),
     * for instance one exported from another server: 201 with the document, 409 when it has
     * revisions already, 400 when the archive is malformed or does not replay to its text.
     */
    @PUT
    @Path("{docId}/archive")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response restore(@PathParam("docId") String docId, String body) {
        LiveDocuments.Access access = access(docId);
        if (access.readOnly()) {
            throw new ApiError(403, "read-only", "a read-only id cannot import a document");
        }
        DocumentArchive archive = DocumentArchive.parse(body);
        String text;
        try {
            text = withDocument(access.docId(), document -> document.importHistory(archive.revisions()));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("the archive does not replay: " + e.getMessage());
        } catch (IllegalStateException e) {
            throw new ApiError(409, "conflict", "only a document with no revisions can be imported into: " + e.getMessage());
        }
        if (archive.text() != null && !archive.text().equals(text)) {
            throw ApiError.badRequest("the archive's revisions do not make its text");
        }
        return Response.status(201).entity(documentJson(docId, archive.revisions().size(), text, false)).build();
    }

    private LiveDocuments.Access access(String docId) {
        checkId(docId);
        return collaboration.documents().access(docId);
    }

    private LiveDocument.Snapshot snapshot(LiveDocuments.Access access) {
        return withDocument(access.docId(), document -> {
            try {
                return document.snapshot().get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiError(503, "server-error", "interrupted");
            } catch (ExecutionException | TimeoutException e) {
                throw new ApiError(503, "server-error", "the document is not available right now");
            }
        });
    }

    private <T> T withDocument(String docId, Function<LiveDocument, T> work) {
        return collaboration.documents().withDocument(docId, work);
    }

    static void checkId(String docId) {
        if (!JsonCodec.ID.matcher(docId).matches()) {
            throw ApiError.badRequest("document id must match [A-Za-z0-9_-]{1,64}");
        }
    }

    private static int revision(String name, String value) {
        try {
            int rev = Integer.parseInt(value);
            if (rev >= 0) {
                return rev;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.badRequest(name + " must be a revision number (0 or more), not \"" + value + "\"");
    }

    private static String documentJson(String id, int rev, String text, boolean readOnly) {
        StringBuilder out = new StringBuilder(text.length() + 80).append("{\"id\":");
        JsonCodec.quote(id, out);
        out.append(",\"rev\":").append(rev).append(",\"text\":");
        JsonCodec.quote(text, out);
        return out.append(",\"readOnly\":").append(readOnly).append('}').toString();
    }
}
