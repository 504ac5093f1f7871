package app.concord.documents.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Index;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;

/**
 * One row of a document's op log: the operation {@code client} made as its {@code seq}-th,
 * which turned revision {@code revision - 1} into {@code revision}. Rows are written once
 * and never changed. The key is assigned by the application, so that it is the revision
 * number itself and a second writer of the same revision fails instead of forking history.
 */
@Entity
@IdClass(RevisionKey.class)
@Table(name = "concord_revision",
        indexes = @Index(name = "concord_revision_client_seq", columnList = "doc_id, client_id, seq"))
public class LoggedRevision {

    @Id
    @Column(name = "doc_id", length = 64, nullable = false)
    private String docId;

    @Id
    @Column(name = "revision", nullable = false)
    private int revision;

    @Column(name = "client_id", length = 64, nullable = false)
    private String client;

    @Column(name = "seq", nullable = false)
    private long seq;

    /** The operation's wire form, a JSON array (PROTOCOL.md "Operations"). */
    @Lob
    @Column(name = "ops_json", nullable = false)
    private String ops;

    /** Epoch milliseconds: a plain number maps to the same column type on every provider. */
    @Column(name = "created_millis", nullable = false)
    private long createdMillis;

    protected LoggedRevision() {
    }

    public LoggedRevision(String docId, int revision, String client, long seq, String ops, long createdMillis) {
        this.docId = docId;
        this.revision = revision;
        this.client = client;
        this.seq = seq;
        this.ops = ops;
        this.createdMillis = createdMillis;
    }

    public String docId() {
        return docId;
    }

    public int revision() {
        return revision;
    }

    public String client() {
        return client;
    }

    public long seq() {
        return seq;
    }

    public String ops() {
        return ops;
    }

    public long createdMillis() {
        return createdMillis;
    }
}
