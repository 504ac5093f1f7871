package app.concord.collab;

import app.concord.ot.Authorship;
import app.concord.protocol.Revision;

/**
 * One revision to make durable, with the document's full text at that revision when a
 * snapshot is due ({@code snapshot} is null otherwise) and, with it, the text's
 * {@code authorship} (null when not known). A {@code checkpoint} is a snapshot kept for good
 * as well, for reading history ({@link HistoryStore#checkpoint}).
 */
public record Commit(String docId, Revision revision, String snapshot, Authorship authorship, boolean checkpoint) {

    public Commit(String docId, Revision revision, String snapshot) {
        this(docId, revision, snapshot, null, false);
    }
}
