package app.concord.documents.boundary;

import app.concord.protocol.JsonCodec;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** An HTTP error answered with the JSON body {@code {"code","message"}} and nothing else. */
final class ApiError extends WebApplicationException {

    ApiError(int status, String code, String message) {
        super(message, response(status, code, message));
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, "bad-request", message);
    }

    static Response response(int status, String code, String message) {
        StringBuilder body = new StringBuilder("{\"code\":");
        JsonCodec.quote(code, body);
        body.append(",\"message\":");
        JsonCodec.quote(message, body);
        body.append('}');
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE.withCharset("UTF-8")).entity(body.toString()).build();
    }
}
