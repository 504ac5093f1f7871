package app.concord.collab;

import app.concord.protocol.Revision;
/**
 * One revision to make durable, with the document's full text at that revision when a
 * snapshot is due ({@code snapshot} is null otherwise).
 */
public record Commit(String docId, Revision revision, String snapshot) {
}
