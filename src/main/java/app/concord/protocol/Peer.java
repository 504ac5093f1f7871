package app.concord.protocol;

import app.concord.ot.Range;
import java.util.List;

/**
 * Someone who has the document open: their stable client id, display name, the colour
 * their cursor is drawn in, and their selection at the authority's current revision
 * (empty until they send one).
 */
public record Peer(String client, String name, String color, List<Range> ranges) {

    public Peer {
        ranges = List.copyOf(ranges);
    }

    public Peer withRanges(List<Range> newRanges) {
        return new Peer(client, name, color, newRanges);
    }
}
