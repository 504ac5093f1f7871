package app.concord.collab;

/**
 * What the history panel shows of one revision: when it was stored (epoch milliseconds), by
 * which author, and how many code units it inserted and deleted.
 */
public record RevisionSummary(int rev, long time, String author, int added, int removed) {
}
