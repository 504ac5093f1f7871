package app.concord.protocol;

import app.concord.ot.TextOperation;

/**
 * One entry of a document's history: {@code operation}, made by {@code client} as its
 * {@code seq}-th operation, turned the document at revision {@code rev - 1} into revision
 * {@code rev}. The operation is stored as applied, after transformation.
 */
public record Revision(int rev, String client, long seq, TextOperation operation) {
}
