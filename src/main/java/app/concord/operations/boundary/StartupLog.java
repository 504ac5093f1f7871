package app.concord.operations.boundary;

import app.concord.collab.DocumentStore;
import app.concord.collab.Limits;
import app.concord.documents.control.Collaboration;
import app.concord.operations.control.OpsAccess;
import app.concord.operations.control.Operations;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Starts the collaboration core with the application, rather than at the first request, and
 * says at INFO what is running: one {@code event=started} line (version, server, Java, database,
 * durability, limits, operations pages), then where to open it. The address is
 * {@code concord.publicUrl} (the run profiles set it): a web application cannot tell
 * portably which port its server listens on before a request arrives.
 */
@WebListener
public class StartupLog implements ServletContextListener {

    private static final System.Logger LOG = System.getLogger(StartupLog.class.getName());

    @Inject
    Collaboration collaboration;

    @Inject
    Operations operations;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        String server = event.getServletContext().getServerInfo();
        String version = Operations.version();
        operations.metrics().buildInfo(version, server);
        DocumentStore store;
        try {
            store = collaboration.documents().store();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "event=start-failed version=" + version + " server=\"" + server + "\"", e);
            return;
        }
        LOG.log(System.Logger.Level.INFO, "event=started version=" + version + " server=\"" + server
                + "\" java=" + Runtime.version() + " database=\"" + store.description() + "\" durable=" + store.isDurable()
                + " limits=\"" + limits(collaboration.documents().limits()) + "\" ops=" + ops(operations.access()));
        String url = Limits.setting("publicUrl");
        LOG.log(System.Logger.Level.INFO, url == null || url.isBlank()
                ? "Concord ready (set concord.publicUrl to have its address printed here)"
                : "Concord ready at " + url.trim());
    }

    /** {@code maxMessageChars=1048576 maxDocumentLength=…}: the record's components, unbracketed. */
    static String limits(Limits limits) {
        String text = limits.toString();
        return text.substring(text.indexOf('[') + 1, text.length() - 1).replace(", ", " ");
    }

    private static String ops(OpsAccess access) {
        if (!access.enabled()) {
            return "off";
        }
        return access.token() == null ? "loopback" : "token";
    }
}
