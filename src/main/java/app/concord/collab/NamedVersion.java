package app.concord.collab;

/**
 * A revision someone named ("Draft for review"): {@code id} is unique within its document,
 * {@code author} the public id of who named it (null when unknown), {@code created} epoch
 * milliseconds.
 */
public record NamedVersion(long id, int rev, String name, String author, long created) {
}
