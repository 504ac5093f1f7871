package app.concord.documents.boundary;

import app.concord.documents.control.Collaboration;
import app.concord.operations.control.Operations;
import jakarta.enterprise.inject.spi.CDI;
import java.util.function.Supplier;

/**
 * Who may open a connection to a document, on either transport (a WebSocket handshake or an
 * event stream): a page from an allowed origin only (cross-site hijacking is refused), and a
 * client address only while it stays under its rate of new connections.
 */
final class Admission {

    private static final System.Logger LOG = System.getLogger(Admission.class.getName());

    private Admission() {
    }

    /**
     * @param origin        the request's Origin header, null when absent
     * @param host          the request's Host header, null when unknown
     * @param remoteAddress the client's address, null when unknown
     * @param transport     what is being opened, for the log
     */
    static boolean admits(Collaboration collaboration, String origin, String host, String remoteAddress, String transport) {
        if (!collaboration.origins().allows(origin, host)) {
            refused("origin", () -> "event=handshake-refused reason=origin transport=" + transport + " origin=" + origin
                    + " host=" + host);
            return false;
        }
        if (!collaboration.addresses().tryConnect(remoteAddress, System.nanoTime())) {
            refused("address-rate", () -> "event=handshake-refused reason=address-rate transport=" + transport
                    + " address=" + remoteAddress);
            return false;
        }
        return true;
    }

    /** Counts a refused handshake by reason; the line (with the address or origin) only at DEBUG. */
    private static void refused(String reason, Supplier<String> line) {
        CDI.current().select(Operations.class).get().metrics().handshakeRefused(reason);
        LOG.log(System.Logger.Level.DEBUG, line);
    }

    /**
     * Whether a POST of a client message may come from where it says: from an allowed origin,
     * and never from a browser page of another site that hides its origin. A browser sends
     * {@code Sec-Fetch-Site} and, with any POST, {@code Origin}.
     *
     * @param fetchSite the request's Sec-Fetch-Site header, null when absent
     */
    static boolean admitsPost(Collaboration collaboration, String origin, String fetchSite, String host) {
        boolean foreign = fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none");
        if ((foreign && (origin == null || origin.isBlank())) || !collaboration.origins().allows(origin, host)) {
            refused("origin", () -> "event=post-refused reason=origin origin=" + origin + " fetch-site=" + fetchSite
                    + " host=" + host);
            return false;
        }
        return true;
    }
}
