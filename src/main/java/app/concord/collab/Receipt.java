package app.concord.collab;

import app.concord.protocol.Revision;
/**
 * What {@link DocumentAuthority#receive} did with an operation: applied it as {@code applied},
 * or recognised {@code (client, seq)} as already applied at revision {@code rev}, in which
 * case {@code applied} is null and nothing changed.
 */
public record Receipt(int rev, long seq, Revision applied) {

    public static Receipt duplicate(int rev, long seq) {
        return new Receipt(rev, seq, null);
    }

    public boolean isDuplicate() {
        return applied == null;
    }
}
