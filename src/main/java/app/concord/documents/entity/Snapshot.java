package app.concord.documents.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;

/**
 * A document's latest snapshot: its full text at {@code revision}. There is one row per
 * document, overwritten in place (never by an older revision); the op log after
 * {@code revision} brings it up to date.
 */
@Entity
@Table(name = "concord_snapshot")
public class Snapshot {

    @Id
    @Column(name = "doc_id", length = 64, nullable = false)
    private String docId;

    @Column(name = "revision", nullable = false)
    private int revision;

    @Lob
    @Column(name = "body", nullable = false)
    private String body;

    protected Snapshot() {
    }

    public Snapshot(String docId, int revision, String body) {
        this.docId = docId;
        this.revision = revision;
        this.body = body;
    }

    public String docId() {
        return docId;
    }

    public int revision() {
        return revision;
    }

    public String body() {
        return body;
    }
}
