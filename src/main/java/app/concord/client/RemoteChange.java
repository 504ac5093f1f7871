package app.concord.client;

import app.concord.ot.TextOperation;

/**
 * A change someone else made, as this replica applied it: {@code operation} turned the local
 * text before it into the local text after it (it is the server's operation transformed past
 * this client's edits still pending, so it applies to exactly what {@link RemoteDocument#text()}
 * was). {@code author} is the client id of whoever made it, as their {@code seq}-th operation,
 * and it made the server's revision {@code revision}.
 *
 * <p>When the server could not resume and sent the whole text instead, the change replaces
 * the whole text, with {@code author} null and {@code seq} 0.
 */
public record RemoteChange(int revision, String author, long seq, TextOperation operation) {
}
