package app.concord.collab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A document's history grouped into editing sessions, newest first, a page at a time
 * (PROTOCOL.md "History, authorship and versions"): a session is a run of revisions each
 * stored less than {@link #GAP_MILLIS} after the one before. A page reads the op log's
 * summaries backwards from where it starts only until its last session is complete.
 */
public final class HistorySessions {

    /** Revisions this far apart, or more, belong to different sessions. */
    public static final long GAP_MILLIS = 10 * 60 * 1000;

    /** Summaries read from the store at a time. */
    static final int CHUNK = 2_000;

    private HistorySessions() {
    }

    /**
     * Revisions {@code from..to}, stored from {@code start} to {@code end} (epoch milliseconds),
     * by {@code authors} (in the order of their first revision in it), inserting {@code added}
     * and deleting {@code removed} code units in all.
     */
    public record Session(int from, int to, long start, long end, List<String> authors, long added, long removed) {
    }

    /** Sessions, newest first; {@code next} is the {@code before} of the next page, null after the first revision. */
    public record Page(List<Session> sessions, Integer next) {
    }

    /** Where a page reads summaries: revisions {@code fromExclusive + 1 .. toInclusive}, in order, all of them. */
    public interface Summaries {
        List<RevisionSummary> read(int fromExclusive, int toInclusive);
    }

    /** At most {@code limit} sessions of {@code docId}'s stored revisions before {@code before}, newest first. */
    public static Page page(HistoryStore history, String docId, int before, int limit) {
        return page((from, to) -> history.summaries(docId, from, to), before, limit);
    }

    /** At most {@code limit} sessions of the revisions before {@code before}, newest first. */
    public static Page page(Summaries summaries, int before, int limit) {
        List<Session> sessions = new ArrayList<>();
        Builder current = null;
        int to = before - 1;
        while (to >= 1) {
            int from = Math.max(0, to - CHUNK);
            List<RevisionSummary> chunk = summaries.read(from, to);
            if (chunk.size() != to - from) {
                throw new StaleRevisionException("revisions " + (from + 1) + ".." + to + " of this document are not all stored");
            }
            for (int i = chunk.size() - 1; i >= 0; i--) {
                RevisionSummary r = chunk.get(i);
                if (current != null && current.start - r.time() >= GAP_MILLIS) {
                    sessions.add(current.build());
                    if (sessions.size() == limit) {
                        return new Page(sessions, current.from);
                    }
                    current = null;
                }
                if (current == null) {
                    current = new Builder(r);
                } else {
                    current.add(r);
                }
            }
            to = from;
        }
        if (current != null) {
            sessions.add(current.build());
        }
        return new Page(sessions, null);
    }

    /** A session collected newest revision first. */
    private static final class Builder {
        final int to;
        final long end;
        int from;
        long start;
        long added;
        long removed;
        /** Each author with the first revision of theirs seen so far, which goes down as the walk goes back. */
        final Map<String, Integer> firstRevision = new LinkedHashMap<>();

        Builder(RevisionSummary newest) {
            to = newest.rev();
            end = newest.time();
            add(newest);
        }

        void add(RevisionSummary r) {
            from = r.rev();
            start = r.time();
            added += r.added();
            removed += r.removed();
            firstRevision.put(r.author(), r.rev());
        }

        Session build() {
            List<String> authors = new ArrayList<>(firstRevision.keySet());
            authors.sort((a, b) -> Integer.compare(firstRevision.get(a), firstRevision.get(b)));
            return new Session(from, to, start, end, List.copyOf(authors), added, removed);
        }
    }
}
