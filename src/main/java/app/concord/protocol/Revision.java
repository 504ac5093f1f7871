package app.concord.protocol;

import app.concord.ot.Authorship;
import app.concord.ot.TextOperation;

/**
 * One entry of a document's history: {@code operation}, made by {@code client} as its
 * {@code seq}-th operation, turned the document at revision {@code rev - 1} into revision
 * {@code rev}. The operation is stored as applied, after transformation.
 *
 * @param author   the public id of the author of the connection that sent it (never a secret)
 * @param inserted who wrote the text it inserts, all inserts one after the other, when that is
 *                 not {@code author} alone (a restore brings text back with its authors); else null
 */
public record Revision(int rev, String client, long seq, TextOperation operation, String author, Authorship inserted) {

    /** A revision by the author of {@code client}, as every revision of a client that joins without {@code author}. */
    public Revision(int rev, String client, long seq, TextOperation operation) {
        this(rev, client, seq, operation, Authors.ofClient(client), null);
    }

    /** Who wrote what this revision inserts, all inserts one after the other. */
    public Authorship insertedAuthorship() {
        return inserted != null ? inserted : Authorship.of(operation.insertedLength(), author);
    }
}
