package app.concord.collab;

/**
 * A client's newest applied operation in a document: its {@code seq} and the revision it
 * made. Operations of that client with a lower or equal {@code seq} are duplicates.
 */
public record LastApplied(long seq, int rev) {
}
