package app.concord.documents.boundary;

import app.concord.documents.control.Collaboration;
import app.concord.protocol.ClientMessage;
import app.concord.protocol.ErrorCode;
import app.concord.protocol.JsonCodec;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Protocol v1 without WebSocket (PROTOCOL.md "Compatibility transport"): the server's
 * messages as an event stream, the client's as POSTs, both on the document's own path. It
 * only translates; {@link EventStreamSession} keeps the order, the numbering and the limits.
 */
@Path("docs")
@Produces(MediaType.APPLICATION_JSON + ";charset=UTF-8")
public class EventStreamResource {

    /** The header of a POST naming its session (and a header no cross-site form can send). */
    static final String SESSION = "Concord-Session";
    /** The header of a POST numbering its message within the session: 1, 2, 3, ... */
    static final String MESSAGE = "Concord-Message";

    @Inject
    Collaboration collaboration;

    @Inject
    EventStreamSessions sessions;

    /**
     * Without {@code Last-Event-ID}, opens a new session, whose first event ({@code session})
     * carries its token; with one, resumes that session's stream after the event it names, or
     * answers 410 when it cannot (the client then opens a new session and rejoins with its revision).
     */
    @GET
    @Path("{docId}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void events(@PathParam("docId") String docId, @HeaderParam("Last-Event-ID") String lastEventId,
            @Context HttpServletRequest request, @Context HttpServletResponse response,
            @Context SseEventSink sink, @Context Sse sse) {
        DocumentsResource.checkId(docId);
        if (!Admission.admits(collaboration, request.getHeader("Origin"), request.getHeader("Host"), request.getRemoteAddr(),
                "event stream")) {
            throw new ApiError(403, "forbidden", "this origin or address may not open a connection now");
        }
        EventStreamSession session;
        long last;
        if (lastEventId == null || lastEventId.isBlank()) {
            session = sessions.open(docId);
            last = -1;
        } else {
            String token = EventStreamSession.tokenIn(lastEventId.trim());
            session = sessions.find(docId, token).orElseThrow(EventStreamResource::gone);
            last = EventStreamSession.numberIn(lastEventId.trim(), token);
            if (last < 0) {
                throw gone();
            }
        }
        // Proxies must neither cache nor buffer the stream.
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        if (!session.attach(sink, sse, last)) {
            throw gone();
        }
    }

    /**
     * One protocol message of session {@code Concord-Session}, numbered {@code Concord-Message}.
     * 202 once the session has handled it, or had handled it before (a repeated POST); its
     * answer, or its refusal, comes on the stream.
     */
    @POST
    @Path("{docId}/messages")
    public Response message(@PathParam("docId") String docId, @HeaderParam(SESSION) String token,
            @HeaderParam(MESSAGE) String number, @Context HttpServletRequest request, InputStream body) throws IOException {
        DocumentsResource.checkId(docId);
        if (!Admission.admitsPost(collaboration, request.getHeader("Origin"), request.getHeader("Sec-Fetch-Site"),
                request.getHeader("Host"))) {
            throw new ApiError(403, "forbidden", "messages are accepted only from this site's pages");
        }
        if (!isJson(request.getContentType())) {
            throw new ApiError(415, "bad-request", "a message is sent as application/json");
        }
        EventStreamSession session = sessions.find(docId, token).orElseThrow(EventStreamResource::gone);
        long n = messageNumber(number);
        return switch (session.deliver(n, read(body))) {
            case HANDLED, REPEATED -> Response.accepted().build();
            case OUT_OF_ORDER -> throw new ApiError(409, "bad-request", "message " + n + " is not the next one of this session");
            case ENDED -> throw gone();
        };
    }

    /** The body as a message, reading no more than a message within the size limit can take. */
    private ClientMessage read(InputStream body) throws IOException {
        int maxChars = collaboration.documents().limits().maxMessageChars();
        // A UTF-16 code unit takes at most 3 bytes of UTF-8, so more bytes than this is surely too many characters.
        int maxBytes = (int) Math.min(Integer.MAX_VALUE - 8, 3L * maxChars);
        byte[] bytes = body.readNBytes(maxBytes + 1);
        if (bytes.length > maxBytes) {
            return new ClientMessage.Invalid(ErrorCode.TOO_LARGE, "message of more than " + maxBytes
                    + " bytes is over the limit of " + maxChars + " characters");
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            return JsonCodec.decode(text, maxChars);
        } catch (CharacterCodingException e) {
            return new ClientMessage.Invalid(ErrorCode.BAD_MESSAGE, "a message must be UTF-8");
        }
    }

    private static boolean isJson(String contentType) {
        try {
            return contentType != null && MediaType.APPLICATION_JSON_TYPE.isCompatible(MediaType.valueOf(contentType));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static long messageNumber(String number) {
        try {
            long n = number == null ? 0 : Long.parseLong(number.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.badRequest(MESSAGE + " must number the message: 1, 2, 3, ...");
    }

    private static ApiError gone() {
        return new ApiError(410, "session-gone", "no such session: open a new event stream and join again");
    }
}
