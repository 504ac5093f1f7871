package app.concord.documents.boundary;

import app.concord.collab.StoreUnavailableException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Every failure of the HTTP API becomes a JSON {@code {"code","message"}} with no stack
 * trace or server detail: the framework's own errors (404, 405, 415 ...) keep their
 * status, a database that cannot be reached is 503, anything unexpected is logged and
 * answered with 500.
 */
@Provider
public class ApiExceptionMapper implements ExceptionMapper<Throwable> {

    private static final System.Logger LOG = System.getLogger(ApiExceptionMapper.class.getName());

    @Override
    public Response toResponse(Throwable failure) {
        if (failure instanceof ApiError error) {
            return error.getResponse();
        }
        if (failure instanceof WebApplicationException web) {
            int status = web.getResponse().getStatus();
            Response.Status known = Response.Status.fromStatusCode(status);
            String reason = known != null ? known.getReasonPhrase() : "request failed";
            return ApiError.response(status, codeOf(status), reason);
        }
        if (failure instanceof StoreUnavailableException unavailable) {
            LOG.log(System.Logger.Level.WARNING, "event=request-refused reason=store-unavailable: " + unavailable.getMessage());
            return ApiError.response(503, "unavailable", "documents cannot be read or saved now: the database is"
                    + " unavailable; try again shortly");
        }
        LOG.log(System.Logger.Level.ERROR, "HTTP API request failed", failure);
        return ApiError.response(500, "server-error", "the server failed to handle this request");
    }

    /** The error code of a framework failure with this HTTP status. */
    static String codeOf(int status) {
        return switch (status) {
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 415 -> "unsupported-media-type";
            default -> status >= 500 ? "server-error" : "bad-request";
        };
    }
}
