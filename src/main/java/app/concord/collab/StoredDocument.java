package app.concord.collab;

import app.concord.ot.Authorship;
import app.concord.protocol.Revision;
import java.util.List;
import java.util.Map;

/**
 * What a {@link DocumentStore} holds of one document: its latest snapshot, every revision
 * after it in order, and each client's last applied {@code seq} with the revision it made
 * over the whole history, so that duplicates are recognised even
 * across snapshots. {@code snapshotAuthorship} is who wrote the snapshot's text, null when
 * the snapshot was stored without it (before authorship was kept).
 */
public record StoredDocument(String snapshotText, int snapshotRev, List<Revision> after, Map<String, LastApplied> lastApplied,
        Authorship snapshotAuthorship) {

    public StoredDocument(String snapshotText, int snapshotRev, List<Revision> after, Map<String, LastApplied> lastApplied) {
        this(snapshotText, snapshotRev, after, lastApplied, null);
    }

    public static StoredDocument empty() {
        return new StoredDocument("", 0, List.of(), Map.of(), Authorship.empty());
    }

    /** The revision the document is at. */
    public int rev() {
        return snapshotRev + after.size();
    }
}
