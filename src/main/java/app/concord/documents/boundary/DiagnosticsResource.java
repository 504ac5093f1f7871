package app.concord.documents.boundary;

import app.concord.collab.Limits;
import app.concord.documents.control.Collaboration;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.lang.management.ManagementFactory;

/**
 * What the server holds now, for tests that look for leaks: open documents, WebSocket
 * connections, live threads and used heap. Off unless the server runs with
 * {@code -Dconcord.diagnostics=true} (or {@code CONCORD_DIAGNOSTICS=true}); otherwise it
 * answers exactly like a path that does not exist.
 */
@Path("diagnostics")
@Produces(MediaType.APPLICATION_JSON + ";charset=UTF-8")
public class DiagnosticsResource {

    @Inject
    Collaboration collaboration;

    /** With {@code gc=true}, asks for a garbage collection first, so that used heap means live objects. */
    @GET
    public String now(@QueryParam("gc") boolean gc) {
        if (!enabled()) {
            throw new NotFoundException();
        }
        if (gc) {
            System.gc();
        }
        return "{\"openDocuments\":" + collaboration.documents().openCount()
                + ",\"connections\":" + collaboration.connections()
                + ",\"threads\":" + ManagementFactory.getThreadMXBean().getThreadCount()
                + ",\"heapUsedBytes\":" + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() + "}";
    }

    static boolean enabled() {
        return Boolean.parseBoolean(Limits.setting("diagnostics"));
    }
}
