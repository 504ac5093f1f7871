package app.concord.collab;

import app.concord.protocol.Peer;
import app.concord.protocol.Revision;
import app.concord.protocol.ServerMessage;
import java.util.ArrayList;
import java.util.List;

/** Builds the {@code welcome} a joining client gets (PROTOCOL.md "join"). */
final class Welcomes {

    private Welcomes() {
    }

    /**
     * The welcome to {@code client} at the authority's current revision: the revisions since
     * {@code clientRev} when the client can resume from there (no more than {@code maxCatchUp}
     * of them, all still to be found), else the whole text. The document is named
     * {@code publicId}, the id the client asked for: a read-only id never reveals the editable one.
     */
    static ServerMessage.Welcome of(DocumentAuthority authority, String publicId, String client, Integer clientRev,
            boolean readOnly, int maxCatchUp) {
        int rev = authority.revision();
        List<Peer> others = new ArrayList<>();
        for (Peer p : authority.peers()) {
            if (!p.client().equals(client)) {
                others.add(p);
            }
        }
        if (clientRev != null && clientRev <= rev && rev - clientRev <= maxCatchUp) {
            try {
                List<Revision> ops = authority.revisionsAfter(clientRev);
                return new ServerMessage.Welcome(publicId, client, rev, null, ops, others, readOnly);
            } catch (StaleRevisionException e) {
                // the client starts over from the text
            }
        }
        return new ServerMessage.Welcome(publicId, client, rev, authority.text().toString(), null, others, readOnly);
    }
}
