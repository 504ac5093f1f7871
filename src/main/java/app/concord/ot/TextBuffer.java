package app.concord.ot;

/**
 * A mutable UTF-16 text held in a gap buffer, so that an edit costs time proportional
 * to the distance from the previous edit rather than to the document's length. Typing
 * edits near one place, which makes a keystroke on a 10 MB document as cheap as on a
 * 10 KB one. Not thread-safe: its owner serialises access.
 */
public final class TextBuffer implements CharSequence {

    private static final int MIN_CAPACITY = 64;

    private char[] chars;
    private int gapStart;
    private int gapEnd;

    public TextBuffer() {
        this("");
    }

    public TextBuffer(CharSequence initial) {
        int n = initial.length();
        chars = new char[Math.max(MIN_CAPACITY, n + n / 2)];
        for (int i = 0; i < n; i++) {
            chars[i] = initial.charAt(i);
        }
        gapStart = n;
        gapEnd = chars.length;
    }

    @Override
    public int length() {
        return chars.length - (gapEnd - gapStart);
    }

    @Override
    public char charAt(int index) {
        if (index < 0 || index >= length()) {
            throw new IndexOutOfBoundsException("index " + index + " outside length " + length());
        }
        return index < gapStart ? chars[index] : chars[index + gapEnd - gapStart];
    }

    /** Inserts {@code text} so that it starts at {@code pos}. */
    public void insert(int pos, CharSequence text) {
        checkRange(pos, 0);
        int n = text.length();
        if (n == 0) {
            return;
        }
        moveGap(pos);
        reserve(n);
        if (text instanceof String s) {
            s.getChars(0, n, chars, gapStart);
        } else {
            for (int i = 0; i < n; i++) {
                chars[gapStart + i] = text.charAt(i);
            }
        }
        gapStart += n;
    }

    /** Removes {@code count} code units starting at {@code pos}. */
    public void delete(int pos, int count) {
        checkRange(pos, count);
        if (count == 0) {
            return;
        }
        moveGap(pos);
        gapEnd += count;
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return substring(start, end);
    }

    public String substring(int start, int end) {
        checkRange(start, end - start);
        StringBuilder out = new StringBuilder(end - start);
        if (start < gapStart) {
            out.append(chars, start, Math.min(end, gapStart) - start);
        }
        if (end > gapStart) {
            int from = Math.max(start, gapStart);
            out.append(chars, from + gapEnd - gapStart, end - from);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return substring(0, length());
    }

    private void checkRange(int pos, int count) {
        if (pos < 0 || count < 0 || pos + count > length()) {
            throw new IndexOutOfBoundsException("range " + pos + "+" + count + " outside length " + length());
        }
    }

    private void moveGap(int pos) {
        if (pos < gapStart) {
            int n = gapStart - pos;
            System.arraycopy(chars, pos, chars, gapEnd - n, n);
            gapStart -= n;
            gapEnd -= n;
        } else if (pos > gapStart) {
            int n = pos - gapStart;
            System.arraycopy(chars, gapEnd, chars, gapStart, n);
            gapStart += n;
            gapEnd += n;
        }
    }

    private void reserve(int n) {
        if (gapEnd - gapStart >= n) {
            return;
        }
        int length = length();
        int capacity = Math.max(MIN_CAPACITY, Math.max(length + n, (length + n) + (length + n) / 2));
        char[] grown = new char[capacity];
        int tail = chars.length - gapEnd;
        System.arraycopy(chars, 0, grown, 0, gapStart);
        System.arraycopy(chars, gapEnd, grown, capacity - tail, tail);
        chars = grown;
        gapEnd = capacity - tail;
    }
}
