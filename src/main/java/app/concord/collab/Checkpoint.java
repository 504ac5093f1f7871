package app.concord.collab;

import app.concord.ot.Authorship;

/** A document's text and its authorship at revision {@code rev}, kept so that history is read without replaying it all. */
public record Checkpoint(int rev, String text, Authorship authorship) {

    /** Revision 0: the empty document. */
    public static final Checkpoint EMPTY = new Checkpoint(0, "", Authorship.empty());
}
