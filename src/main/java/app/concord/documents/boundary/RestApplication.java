package app.concord.documents.boundary;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The HTTP API lives under {@code /api}, beside the pages and the WebSocket endpoint. */
@ApplicationPath("api")
public class RestApplication extends Application {
}
