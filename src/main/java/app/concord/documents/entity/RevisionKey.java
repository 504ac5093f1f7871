package app.concord.documents.entity;

import java.io.Serializable;
import java.util.Objects;

/** The primary key of {@link LoggedRevision}: a document and one of its revisions. */
public class RevisionKey implements Serializable {

    private static final long serialVersionUID = 1L;

    private String docId;
    private int revision;

    public RevisionKey() {
    }

    public RevisionKey(String docId, int revision) {
        this.docId = docId;
        this.revision = revision;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RevisionKey k && k.revision == revision && Objects.equals(k.docId, docId);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hashCode(docId) + revision;
    }

    @Override
    public String toString() {
        return docId + "@" + revision;
    }
}
