package app.concord.collab;

import app.concord.ot.Authorship;
import app.concord.ot.InvalidOperationException;
import app.concord.ot.Range;
import app.concord.ot.TextBuffer;
import app.concord.ot.TextOperation;
import app.concord.protocol.Authors;
import app.concord.protocol.Peer;
import app.concord.protocol.Revision;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The single authority over one document (server-centred OT, PROTOCOL.md "Model"): it
 * orders operations, transforms each one past everything applied since the revision it
 * was made against, applies it, and remembers it so that a resent {@code (client, seq)}
 * is recognised instead of applied twice. It also keeps who is present and their
 * selections, moved along with every edit.
 *
 * <p>It never sends anything: acknowledging the author and broadcasting to the others is
 * the caller's job. It is not thread-safe; its owner serialises every call (one lock per
 * document, so documents never wait for each other).
 */
public final class DocumentAuthority {

    /**
     * Cursor colours, distinct from each other; white name labels on each meet WCAG AA (at
     * least 4.5:1, checked by src/test/js/contrast.test.mjs).
     */
    static final List<String> COLORS = List.of(
            "#c2185b", "#1565c0", "#2e7d32", "#bf360c", "#7b1fa2", "#00796b",
            "#b45309", "#3949ab", "#827717", "#6d4c41", "#00838f", "#c62828");

    private final String id;
    private final TextBuffer text;
    private final int maxLength;
    private final int historyInMemory;
    private final HistorySource older;
    private final ArrayDeque<Revision> recent = new ArrayDeque<>();
    private final Map<String, LastApplied> lastApplied = new HashMap<>();
    private final Map<String, Peer> peers = new LinkedHashMap<>();
    private int rev;

    /**
     * @param text            the document at revision {@code rev}
     * @param recent          the revisions that led to {@code rev}, oldest first, ending at {@code rev}
     *                        (possibly fewer than all of them)
     * @param lastApplied     each client's last applied {@code seq} with the revision it made,
     *                        for revisions not in {@code recent}
     * @param maxLength       the longest the document may grow, in code units
     * @param historyInMemory how many recent revisions to keep in memory; older ones come from {@code older}
     */
    public DocumentAuthority(String id, String text, int rev, List<Revision> recent, Map<String, LastApplied> lastApplied,
            int maxLength, int historyInMemory, HistorySource older) {
        this.id = id;
        this.text = new TextBuffer(text);
        this.rev = rev;
        this.maxLength = maxLength;
        this.historyInMemory = Math.max(1, historyInMemory);
        this.older = older;
        this.lastApplied.putAll(lastApplied);
        int expected = rev - recent.size() + 1;
        for (Revision r : recent) {
            if (r.rev() != expected++) {
                throw new IllegalArgumentException("history of " + id + " is not contiguous at revision " + r.rev());
            }
            remember(r);
        }
    }

    /** A new empty document at revision 0. */
    public static DocumentAuthority empty(String id, int maxLength) {
        return new DocumentAuthority(id, "", 0, List.of(), Map.of(), maxLength, 10_000, HistorySource.NONE);
    }

    public String id() {
        return id;
    }

    /** The current revision: the number of operations applied since the document was empty. */
    public int revision() {
        return rev;
    }

    /** The current text, live: it changes with the next applied operation. */
    public CharSequence text() {
        return text;
    }

    public int length() {
        return text.length();
    }

    /**
     * Applies {@code op}, made by {@code client} against revision {@code baseRev} as its
     * operation number {@code seq}, unless that {@code (client, seq)} was applied before.
     *
     * @return the applied revision, or the revision of the earlier application of a duplicate
     * @throws InvalidOperationException  when {@code op} does not fit the document at {@code baseRev},
     *                                    or {@code baseRev} is ahead of the current revision
     * @throws DocumentTooLargeException  when the result would exceed the length limit
     * @throws StaleRevisionException     when the history since {@code baseRev} is no longer available
     */
    public Receipt receive(int baseRev, String client, long seq, TextOperation op) {
        return receive(baseRev, client, seq, op, Authors.ofClient(client), null);
    }

    /**
     * As {@link #receive(int, String, long, TextOperation)}, by {@code author}; {@code inserted}
     * names who wrote what {@code op} inserts when that is not {@code author} alone (a restore),
     * else null. Transforming keeps the inserted text and its order, so it fits the applied
     * operation as well.
     */
    public Receipt receive(int baseRev, String client, long seq, TextOperation op, String author, Authorship inserted) {
        if (seq < 1) {
            throw new InvalidOperationException("seq must be 1 or more, got " + seq);
        }
        LastApplied last = lastApplied.get(client);
        if (last != null && seq <= last.seq()) {
            return Receipt.duplicate(revisionOf(client, seq, last), seq);
        }
        if (baseRev < 0 || baseRev > rev) {
            throw new InvalidOperationException("rev " + baseRev + " is not a revision of this document (current revision is " + rev + ")");
        }
        List<Revision> since = baseRev == rev ? List.of() : revisionsAfter(baseRev);
        int lengthAtBase = since.isEmpty() ? text.length() : since.get(0).operation().baseLength();
        if (op.baseLength() != lengthAtBase) {
            throw new InvalidOperationException("operation expects a document of length " + op.baseLength()
                    + " but the document had length " + lengthAtBase + " at revision " + baseRev);
        }
        TextOperation transformed = op;
        for (Revision concurrent : since) {
            transformed = TextOperation.transform(concurrent.operation(), transformed).later();
        }
        if (transformed.targetLength() > maxLength && transformed.targetLength() > transformed.baseLength()) {
            throw new DocumentTooLargeException("the document would have " + transformed.targetLength()
                    + " code units; the limit is " + maxLength);
        }
        transformed.applyTo(text);
        Revision applied = new Revision(rev + 1, client, seq, transformed, author, inserted);
        rev = applied.rev();
        remember(applied);
        moveCursors(applied);
        return new Receipt(applied.rev(), seq, applied);
    }

    /** True when {@code client}'s operation {@code seq} has been applied: {@link #receive} would acknowledge it again. */
    public boolean isApplied(String client, long seq) {
        LastApplied last = lastApplied.get(client);
        return last != null && seq <= last.seq();
    }

    /**
     * Applies {@code r}, a revision another server sequenced and stored (this one follows
     * the document), as the next revision.
     *
     * @throws IllegalArgumentException  when {@code r} is not the next revision
     * @throws InvalidOperationException when it does not fit the current text
     */
    public void append(Revision r) {
        if (r.rev() != rev + 1) {
            throw new IllegalArgumentException("revision " + r.rev() + " does not follow revision " + rev + " of " + id);
        }
        r.operation().applyTo(text);
        rev = r.rev();
        remember(r);
        moveCursors(r);
    }

    /**
     * Every revision after {@code fromRev}, oldest first: the catch-up for a client that has
     * {@code fromRev}.
     *
     * @throws StaleRevisionException when part of that history cannot be found
     */
    public List<Revision> revisionsAfter(int fromRev) {
        return revisions(fromRev, rev);
    }

    /**
     * Revisions {@code fromExclusive + 1 .. toInclusive}, oldest first, from memory where
     * they are still there and from the {@link HistorySource} before that.
     *
     * @throws StaleRevisionException when part of that history cannot be found
     */
    public List<Revision> revisions(int fromExclusive, int toInclusive) {
        if (fromExclusive < 0 || toInclusive < fromExclusive || toInclusive > rev) {
            throw new IllegalArgumentException("revisions " + fromExclusive + ".." + toInclusive + " are outside 0.." + rev);
        }
        List<Revision> result = new ArrayList<>(toInclusive - fromExclusive);
        int firstInMemory = recent.isEmpty() ? rev + 1 : recent.peekFirst().rev();
        if (fromExclusive + 1 < firstInMemory) {
            int loadTo = Math.min(toInclusive, firstInMemory - 1);
            List<Revision> loaded = older.load(fromExclusive, loadTo);
            if (loaded.size() != loadTo - fromExclusive) {
                throw new StaleRevisionException("the history of " + id + " before revision " + firstInMemory + " is not available");
            }
            result.addAll(loaded);
        }
        // Walked from the newest end: a catch-up usually wants the last few of many revisions
        // kept in memory, and {@code recent} holds consecutive revisions.
        int fromMemory = Math.max(fromExclusive, firstInMemory - 1);
        if (toInclusive > fromMemory) {
            Revision[] tail = new Revision[toInclusive - fromMemory];
            Iterator<Revision> newestFirst = recent.descendingIterator();
            while (newestFirst.hasNext()) {
                Revision r = newestFirst.next();
                if (r.rev() <= fromMemory) {
                    break;
                }
                if (r.rev() <= toInclusive) {
                    tail[r.rev() - fromMemory - 1] = r;
                }
            }
            result.addAll(Arrays.asList(tail));
        }
        return result;
    }

    /**
     * Marks {@code client} present under {@code name}, as an editor or (with {@code readOnly})
     * a viewer. A client already present (a reconnect) keeps its colour; a new one gets the
     * first colour nobody here is using, starting from one derived from its name (or, without
     * one, its id): a person who reloads the page is a new client under the same name, and
     * keeps their colour.
     */
    public Peer join(String client, String name, boolean readOnly) {
        return join(client, name, readOnly, null, null);
    }

    /**
     * As {@link #join(String, String, boolean)}, as {@code author} (null when unknown), in
     * {@code preferredColor} (their authorship colour) unless someone present has it.
     */
    public Peer join(String client, String name, boolean readOnly, String author, String preferredColor) {
        Peer existing = peers.get(client);
        String color = colorFor(client, name, preferredColor);
        Peer peer = new Peer(client, name, color, existing != null ? existing.ranges() : List.of(), readOnly, author);
        peers.put(client, peer);
        return peer;
    }

    /** The colour {@link #join(String, String, boolean, String, String)} gives {@code client} now. */
    public String colorFor(String client, String name, String preferredColor) {
        Peer existing = peers.get(client);
        if (existing != null) {
            return existing.color();
        }
        if (preferredColor != null && !inUse(preferredColor)) {
            return preferredColor;
        }
        return freeColor(name.isBlank() ? client : name);
    }

    /** Forgets {@code client}'s presence; true when it was present. */
    public boolean leave(String client) {
        return peers.remove(client) != null;
    }

    public boolean isPresent(String client) {
        return peers.containsKey(client);
    }

    /** The present peer {@code client}, or null. */
    public Peer peer(String client) {
        return peers.get(client);
    }

    /** Everyone present, in order of arrival. */
    public Collection<Peer> peers() {
        return List.copyOf(peers.values());
    }

    /**
     * Records {@code client}'s selection, given at revision {@code atRev}, and returns it
     * transformed to the current revision.
     *
     * @throws IllegalArgumentException when a range lies outside the document at {@code atRev}
     *                                  or {@code atRev} is not a revision of the document
     * @throws StaleRevisionException   when the history since {@code atRev} is no longer available
     */
    public List<Range> moveCursor(String client, int atRev, List<Range> ranges) {
        Peer peer = peers.get(client);
        if (peer == null) {
            throw new IllegalStateException(client + " is not present in " + id);
        }
        if (atRev < 0 || atRev > rev) {
            throw new IllegalArgumentException("rev " + atRev + " is not a revision of this document (current revision is " + rev + ")");
        }
        List<Revision> since = atRev == rev ? List.of() : revisionsAfter(atRev);
        int lengthThen = since.isEmpty() ? text.length() : since.get(0).operation().baseLength();
        List<Range> current = new ArrayList<>(ranges.size());
        for (Range range : ranges) {
            if (range.from() < 0 || range.to() > lengthThen) {
                throw new IllegalArgumentException("range [" + range.anchor() + "," + range.head()
                        + "] is outside the document, which had length " + lengthThen + " at revision " + atRev);
            }
            Range moved = range;
            for (Revision r : since) {
                moved = moved.transform(r.operation(), r.client().equals(client));
            }
            current.add(moved);
        }
        peers.put(client, peer.withRanges(current));
        return List.copyOf(current);
    }

    private void remember(Revision r) {
        recent.addLast(r);
        while (recent.size() > historyInMemory) {
            recent.removeFirst();
        }
        lastApplied.put(r.client(), new LastApplied(r.seq(), r.rev()));
    }

    private int revisionOf(String client, long seq, LastApplied last) {
        if (seq == last.seq()) {
            return last.rev();
        }
        var it = recent.descendingIterator();
        while (it.hasNext()) {
            Revision r = it.next();
            if (r.client().equals(client) && r.seq() == seq) {
                return r.rev();
            }
        }
        OptionalInt found = older.revisionOf(client, seq);
        if (found.isPresent()) {
            return found.getAsInt();
        }
        throw new InvalidOperationException("operation " + seq + " of " + client
                + " is older than its last applied operation " + last.seq() + " and is not in the history");
    }

    private void moveCursors(Revision applied) {
        for (Map.Entry<String, Peer> e : peers.entrySet()) {
            Peer p = e.getValue();
            if (p.ranges().isEmpty()) {
                continue;
            }
            boolean byOwner = p.client().equals(applied.client());
            List<Range> moved = new ArrayList<>(p.ranges().size());
            for (Range range : p.ranges()) {
                moved.add(range.transform(applied.operation(), byOwner));
            }
            e.setValue(p.withRanges(moved));
        }
    }

    private String freeColor(String key) {
        int start = Math.floorMod(key.hashCode(), COLORS.size());
        for (int i = 0; i < COLORS.size(); i++) {
            String candidate = COLORS.get((start + i) % COLORS.size());
            if (!inUse(candidate)) {
                return candidate;
            }
        }
        return COLORS.get(start);
    }

    private boolean inUse(String color) {
        return peers.values().stream().anyMatch(p -> p.color().equals(color));
    }
}
