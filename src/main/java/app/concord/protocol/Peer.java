package app.concord.protocol;

import app.concord.ot.Range;
import java.util.List;

/**
 * Someone who has the document open: their stable client id, display name, the colour
 * their cursor is drawn in, their selection at the authority's current revision (empty
 * until they send one), whether they only watch (a read-only link), and their public author
 * id (an extension; null where unknown).
 */
public record Peer(String client, String name, String color, List<Range> ranges, boolean readOnly, String author) {

    public Peer {
        ranges = List.copyOf(ranges);
    }

    public Peer(String client, String name, String color, List<Range> ranges, boolean readOnly) {
        this(client, name, color, ranges, readOnly, null);
    }

    /** An editor. */
    public Peer(String client, String name, String color, List<Range> ranges) {
        this(client, name, color, ranges, false);
    }

    public Peer withRanges(List<Range> newRanges) {
        return new Peer(client, name, color, newRanges, readOnly, author);
    }
}
