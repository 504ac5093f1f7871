package app.concord.documents.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A document's read-only capability: whoever knows {@code readOnlyId} may watch the
 * document live but not edit it, and never learns {@code docId}, the editable id.
 */
@Entity
@Table(name = "concord_read_only")
public class ReadOnlyLink {

    @Id
    @Column(name = "read_only_id", length = 64, nullable = false)
    private String readOnlyId;

    @Column(name = "doc_id", length = 64, nullable = false, unique = true)
    private String docId;

    protected ReadOnlyLink() {
    }

    public ReadOnlyLink(String readOnlyId, String docId) {
        this.readOnlyId = readOnlyId;
        this.docId = docId;
    }

    public String readOnlyId() {
        return readOnlyId;
    }

    public String docId() {
        return docId;
    }
}
