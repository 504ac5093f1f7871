package app.concord.ot;

/**
 * One selection range of a cursor, in UTF-16 code units: {@code anchor} stays put while
 * the selection is extended, {@code head} is where the caret is. Empty when they are equal.
 */
public record Range(int anchor, int head) {

    public int from() {
        return Math.min(anchor, head);
    }

    public int to() {
        return Math.max(anchor, head);
    }

    public boolean isEmpty() {
        return anchor == head;
    }

    /**
     * This range after {@code op}. A caret stays before text inserted at it unless
     * {@code byOwner} says the owner of the range made the insert (a typist's caret
     * follows their own text). A non-empty selection never grows by text inserted at
     * either of its edges.
     */
    public Range transform(TextOperation op, boolean byOwner) {
        if (isEmpty()) {
            int p = op.transformPosition(head, byOwner ? Bias.AFTER : Bias.BEFORE);
            return new Range(p, p);
        }
        int from = op.transformPosition(from(), Bias.AFTER);
        int to = op.transformPosition(to(), Bias.BEFORE);
        if (to < from) {
            to = from;
        }
        return anchor <= head ? new Range(from, to) : new Range(to, from);
    }
}
