package app.concord.protocol;

/**
 * What a document knows of one of its authors (PROTOCOL.md "History, authorship and
 * versions"): the name they last joined under, the colour their text is shown in, and when
 * they first and last joined it to edit, in epoch milliseconds.
 */
public record AuthorProfile(String name, String color, long first, long last) {
}
