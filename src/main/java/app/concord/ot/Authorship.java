package app.concord.ot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Who wrote each code unit of a text: runs of (length, author id) that cover it from start to
 * end, counted in UTF-16 code units like a {@link TextOperation}. Instances are immutable and
 * canonical: no run is empty and no two neighbouring runs have the same author, so two
 * instances that attribute every code unit alike are {@link #equals equal}.
 *
 * <p>Law, checked against a per-code-unit model by seeded random tests: for an operation
 * {@code op} by {@code author}, {@code apply(op, author)} attributes each code unit that
 * {@code op} keeps to whoever wrote it before and each code unit it inserts to
 * {@code author}; {@link #apply(TextOperation, Authorship)} attributes the inserted code units,
 * in order, to the given runs instead (text brought back by a restore keeps its authors).
 *
 * <p>JSON form ({@link #toString()}): {@code [[length,"author"],...]}.
 */
public final class Authorship {

    private static final Authorship EMPTY = new Authorship(new int[0], new String[0], 0);

    private final int[] lengths;
    private final String[] authors;
    private final int length;

    Authorship(int[] lengths, String[] authors, int length) {
        this.lengths = lengths;
        this.authors = authors;
        this.length = length;
    }

    /** The authorship of the empty text. */
    public static Authorship empty() {
        return EMPTY;
    }

    /** {@code length} code units, all by {@code author}. */
    public static Authorship of(int length, String author) {
        return builder().add(length, author).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Code units covered: the length of the text this describes. */
    public int length() {
        return length;
    }

    public int runCount() {
        return lengths.length;
    }

    public int runLength(int index) {
        return lengths[index];
    }

    public String runAuthor(int index) {
        return authors[index];
    }

    /** One run: {@code length} code units by {@code author}. */
    public record Run(int length, String author) {
    }

    public List<Run> runs() {
        List<Run> runs = new ArrayList<>(lengths.length);
        for (int i = 0; i < lengths.length; i++) {
            runs.add(new Run(lengths[i], authors[i]));
        }
        return runs;
    }

    /** Every distinct author, in order of first appearance. */
    public List<String> authors() {
        List<String> distinct = new ArrayList<>();
        for (String a : authors) {
            if (!distinct.contains(a)) {
                distinct.add(a);
            }
        }
        return distinct;
    }

    /** The author of the code unit at {@code position}. */
    public String authorAt(int position) {
        if (position < 0 || position >= length) {
            throw new IndexOutOfBoundsException("position " + position + " is outside a text of length " + length);
        }
        int start = 0;
        for (int i = 0; i < lengths.length; i++) {
            start += lengths[i];
            if (position < start) {
                return authors[i];
            }
        }
        throw new IllegalStateException("runs do not cover " + position);
    }

    /** The authorship of code units {@code from} (inclusive) to {@code to} (exclusive). */
    public Authorship slice(int from, int to) {
        if (from < 0 || to < from || to > length) {
            throw new IndexOutOfBoundsException("slice " + from + ".." + to + " of a text of length " + length);
        }
        Builder out = builder();
        int start = 0;
        for (int i = 0; i < lengths.length && start < to; i++) {
            int end = start + lengths[i];
            if (end > from) {
                out.add(Math.min(end, to) - Math.max(start, from), authors[i]);
            }
            start = end;
        }
        return out.build();
    }

    /** The authorship after {@code op}, whose inserted text is all {@code author}'s. */
    public Authorship apply(TextOperation op, String author) {
        return new AuthorshipBuffer(this).apply(op, author).toAuthorship();
    }

    /**
     * The authorship after {@code op}, whose inserted text, all its inserts one after the other,
     * has the authors {@code inserted}.
     */
    public Authorship apply(TextOperation op, Authorship inserted) {
        return new AuthorshipBuffer(this).apply(op, inserted).toAuthorship();
    }

    /**
     * Who wrote the text that {@code op} inserts, all its inserts one after the other, when
     * {@code result} is the authorship of the text {@code op} makes: the runs of {@code result}
     * where {@code op} inserts. For the changes between two revisions it names who wrote what
     * appeared; for a restore, the authors the restored text had.
     */
    public static Authorship insertedBy(TextOperation op, Authorship result) {
        if (op.targetLength() != result.length) {
            throw new InvalidOperationException("operation makes a text of length " + op.targetLength()
                    + " but the authorship covers " + result.length);
        }
        Builder out = builder();
        int run = 0;
        int runStart = 0;
        int target = 0;
        for (Component c : op.components()) {
            if (c instanceof Component.Delete) {
                continue;
            }
            int end = target + c.length();
            if (c instanceof Component.Insert) {
                while (target < end) {
                    while (runStart + result.lengths[run] <= target) {
                        runStart += result.lengths[run++];
                    }
                    int upTo = Math.min(end, runStart + result.lengths[run]);
                    out.add(upTo - target, result.authors[run]);
                    target = upTo;
                }
            }
            target = end;
        }
        return out.build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Authorship other && Arrays.equals(lengths, other.lengths) && Arrays.equals(authors, other.authors);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(lengths) + Arrays.hashCode(authors);
    }

    /** The JSON form, {@code [[length,"author"],...]}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(lengths.length * 16 + 2);
        appendJson(out);
        return out.toString();
    }

    /** Appends the JSON form to {@code out}. */
    public void appendJson(StringBuilder out) {
        out.append('[');
        for (int i = 0; i < lengths.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append('[').append(lengths[i]).append(',');
            JsonText.quote(authors[i], out);
            out.append(']');
        }
        out.append(']');
    }

    /** Builds canonical authorship from runs in order: empty runs are dropped, neighbours by one author merged. */
    public static final class Builder {
        private int[] lengths = new int[8];
        private String[] authors = new String[8];
        private int count;
        private int length;

        private Builder() {
        }

        /**
         * @throws IllegalArgumentException for a negative length, a null or empty author, or a
         *                                  total over {@link Integer#MAX_VALUE}
         */
        public Builder add(int runLength, String author) {
            if (runLength < 0) {
                throw new IllegalArgumentException("a run of negative length " + runLength);
            }
            if (author == null || author.isEmpty()) {
                throw new IllegalArgumentException("a run needs an author");
            }
            if (runLength == 0) {
                return this;
            }
            if (length > Integer.MAX_VALUE - runLength) {
                throw new IllegalArgumentException("runs cover more than " + Integer.MAX_VALUE + " code units");
            }
            length += runLength;
            if (count > 0 && authors[count - 1].equals(author)) {
                lengths[count - 1] += runLength;
                return this;
            }
            if (count == lengths.length) {
                lengths = Arrays.copyOf(lengths, count * 2);
                authors = Arrays.copyOf(authors, count * 2);
            }
            lengths[count] = runLength;
            authors[count] = author;
            count++;
            return this;
        }

        /** Appends every run of {@code more}. */
        public Builder add(Authorship more) {
            for (int i = 0; i < more.lengths.length; i++) {
                add(more.lengths[i], more.authors[i]);
            }
            return this;
        }

        public Authorship build() {
            return count == 0 ? EMPTY : new Authorship(Arrays.copyOf(lengths, count), Arrays.copyOf(authors, count), length);
        }
    }
}
