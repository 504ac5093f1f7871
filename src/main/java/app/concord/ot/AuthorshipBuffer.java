package app.concord.ot;

import java.util.Arrays;

/**
 * {@link Authorship} kept current edit by edit, in time proportional to the operation's
 * components and to the runs between one edit and the next, not to the whole text: the runs
 * are a gap buffer whose gap sits where the last edit was, as a keystroke's neighbour usually
 * is. Each run costs eight bytes (an {@code int} and a reference to an author id that the
 * runs share) plus the gap's slack. Not thread-safe.
 *
 * <p>Invariant between calls: no empty run, no two neighbouring runs by one author, and
 * {@link #gapOffset} is the code units before the gap.
 */
public final class AuthorshipBuffer {

    private int[] lengths;
    private String[] authors;
    /** Runs {@code [0, gapStart)} come before the gap, {@code [gapEnd, capacity)} after it. */
    private int gapStart;
    private int gapEnd;
    private int gapOffset;
    private int length;

    public AuthorshipBuffer(Authorship initial) {
        int n = initial.runCount();
        int capacity = Math.max(16, n + n / 2);
        lengths = new int[capacity];
        authors = new String[capacity];
        gapEnd = capacity - n;
        for (int i = 0; i < n; i++) {
            lengths[gapEnd + i] = initial.runLength(i);
            authors[gapEnd + i] = initial.runAuthor(i);
        }
        length = initial.length();
    }

    /** Code units covered. */
    public int length() {
        return length;
    }

    public int runCount() {
        return gapStart + lengths.length - gapEnd;
    }

    /**
     * Applies {@code op}, made by {@code author}: what it keeps keeps its author, what it
     * inserts is {@code author}'s.
     *
     * @throws InvalidOperationException when {@code op} does not fit the text's length; nothing changes then
     */
    public AuthorshipBuffer apply(TextOperation op, String author) {
        if (author == null || author.isEmpty()) {
            throw new IllegalArgumentException("an operation needs an author");
        }
        check(op);
        return walk(op, author, null);
    }

    /**
     * Applies {@code op}, whose inserts, one after the other, are by {@code inserted}.
     *
     * @throws InvalidOperationException when {@code op} does not fit the text's length, or
     *                                   {@code inserted} does not cover exactly what it inserts;
     *                                   nothing changes then
     */
    public AuthorshipBuffer apply(TextOperation op, Authorship inserted) {
        check(op);
        if (inserted.length() != op.insertedLength()) {
            throw new InvalidOperationException("operation inserts " + op.insertedLength()
                    + " code units but their authorship covers " + inserted.length());
        }
        return walk(op, null, inserted);
    }

    private void check(TextOperation op) {
        if (op.baseLength() != length) {
            throw new InvalidOperationException("operation expects a text of length " + op.baseLength()
                    + " but the authorship covers " + length);
        }
    }

    /** Applies {@code op}, whose inserts are all {@code author}'s, or when that is null, by {@code inserted}. */
    private AuthorshipBuffer walk(TextOperation op, String author, Authorship inserted) {
        int pos = 0;
        int run = 0;
        int runUsed = 0;
        for (Component c : op.components()) {
            if (c instanceof Component.Retain) {
                pos += c.length();
            } else if (c instanceof Component.Insert) {
                moveGapTo(pos);
                int left = author != null ? 0 : c.length();
                if (author != null) {
                    insertAtGap(c.length(), author);
                }
                while (left > 0) {
                    int n = Math.min(left, inserted.runLength(run) - runUsed);
                    insertAtGap(n, inserted.runAuthor(run));
                    left -= n;
                    runUsed += n;
                    if (runUsed == inserted.runLength(run)) {
                        run++;
                        runUsed = 0;
                    }
                }
                mergeAtGap();
                pos += c.length();
            } else {
                moveGapTo(pos);
                deleteAfterGap(c.length());
                mergeAtGap();
            }
        }
        return this;
    }

    /** The runs now, as an immutable value. */
    public Authorship toAuthorship() {
        int n = runCount();
        int[] outLengths = new int[n];
        String[] outAuthors = new String[n];
        System.arraycopy(lengths, 0, outLengths, 0, gapStart);
        System.arraycopy(authors, 0, outAuthors, 0, gapStart);
        System.arraycopy(lengths, gapEnd, outLengths, gapStart, lengths.length - gapEnd);
        System.arraycopy(authors, gapEnd, outAuthors, gapStart, lengths.length - gapEnd);
        return n == 0 ? Authorship.empty() : new Authorship(outLengths, outAuthors, length);
    }

    /**
     * Moves the gap to {@code offset}, splitting the run there in two (one on each side, by
     * the same author, until {@link #mergeAtGap} joins them again).
     */
    private void moveGapTo(int offset) {
        while (offset > gapOffset) {
            int runLength = lengths[gapEnd];
            ensureGap();
            if (gapOffset + runLength <= offset) {
                lengths[gapStart] = runLength;
                authors[gapStart++] = authors[gapEnd];
                authors[gapEnd++] = null;
                gapOffset += runLength;
            } else {
                int before = offset - gapOffset;
                lengths[gapStart] = before;
                authors[gapStart++] = authors[gapEnd];
                lengths[gapEnd] = runLength - before;
                gapOffset = offset;
            }
        }
        while (offset < gapOffset) {
            int runLength = lengths[gapStart - 1];
            ensureGap();
            if (gapOffset - runLength >= offset) {
                lengths[--gapEnd] = runLength;
                authors[gapEnd] = authors[--gapStart];
                authors[gapStart] = null;
                gapOffset -= runLength;
            } else {
                int after = gapOffset - offset;
                lengths[--gapEnd] = after;
                authors[gapEnd] = authors[gapStart - 1];
                lengths[gapStart - 1] = runLength - after;
                gapOffset = offset;
            }
        }
    }

    private void insertAtGap(int runLength, String author) {
        if (gapStart > 0 && authors[gapStart - 1].equals(author)) {
            lengths[gapStart - 1] += runLength;
        } else {
            ensureGap();
            lengths[gapStart] = runLength;
            authors[gapStart++] = author;
        }
        gapOffset += runLength;
        length += runLength;
    }

    private void deleteAfterGap(int count) {
        length -= count;
        while (count > 0) {
            int runLength = lengths[gapEnd];
            if (runLength <= count) {
                authors[gapEnd++] = null;
                count -= runLength;
            } else {
                lengths[gapEnd] = runLength - count;
                count = 0;
            }
        }
    }

    /** Joins the runs on either side of the gap when one author wrote both. */
    private void mergeAtGap() {
        if (gapStart > 0 && gapEnd < lengths.length && authors[gapStart - 1].equals(authors[gapEnd])) {
            lengths[gapStart - 1] += lengths[gapEnd];
            gapOffset += lengths[gapEnd];
            authors[gapEnd++] = null;
        }
    }

    /** Room for at least one more run in the gap. */
    private void ensureGap() {
        if (gapStart < gapEnd) {
            return;
        }
        int capacity = lengths.length * 2;
        int afterGap = lengths.length - gapEnd;
        int[] newLengths = Arrays.copyOf(lengths, capacity);
        String[] newAuthors = Arrays.copyOf(authors, capacity);
        System.arraycopy(lengths, gapEnd, newLengths, capacity - afterGap, afterGap);
        System.arraycopy(authors, gapEnd, newAuthors, capacity - afterGap, afterGap);
        Arrays.fill(newAuthors, gapStart, capacity - afterGap, null);
        lengths = newLengths;
        authors = newAuthors;
        gapEnd = capacity - afterGap;
    }
}
