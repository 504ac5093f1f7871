package app.concord.collab;

import app.concord.protocol.Revision;
import java.util.List;
import java.util.OptionalInt;

/**
 * Where an authority finds the part of its history that it no longer keeps in memory,
 * usually the durable op log.
 */
public interface HistorySource {

    /** Revisions {@code fromExclusive + 1 .. toInclusive}, in order; empty when they are not available. */
    List<Revision> load(int fromExclusive, int toInclusive);

    /** The revision that {@code client}'s operation {@code seq} made, if it is recorded. */
    OptionalInt revisionOf(String client, long seq);

    /** A source with no history beyond what the authority holds. */
    HistorySource NONE = new HistorySource() {
        @Override
        public List<Revision> load(int fromExclusive, int toInclusive) {
            return List.of();
        }

        @Override
        public OptionalInt revisionOf(String client, long seq) {
            return OptionalInt.empty();
        }
    };
}
