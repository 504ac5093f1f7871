package app.concord.ot;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded generators for property tests: documents and inserts that mix ASCII, an
 * accented letter and astral characters (surrogate pairs), and operations whose
 * boundaries never split a pair.
 */
public final class RandomOps {

    private static final String[] PIECES = {"a", "b", "c", "x", "y", " ", "\n", "é", "😀", "🎉"};

    private RandomOps() {
    }

    /** Up to {@code maxCodePoints} random code points. */
    public static String text(Random random, int maxCodePoints) {
        int n = random.nextInt(maxCodePoints + 1);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return s.toString();
    }

    public static String document(Random random) {
        return text(random, 16);
    }

    /** A random operation on {@code doc} with several components, never splitting a surrogate pair. */
    public static TextOperation operation(Random random, String doc) {
        TextOperation.Builder b = TextOperation.builder();
        int pos = 0;
        while (pos < doc.length()) {
            int span = codeUnits(doc, pos, 1 + random.nextInt(3));
            int choice = random.nextInt(5);
            if (choice == 0) {
                b.delete(span);
                pos += span;
            } else if (choice == 1) {
                b.insert(text(random, 3));
            } else {
                b.retain(span);
                pos += span;
            }
        }
        if (random.nextInt(3) == 0) {
            b.insert(text(random, 3));
        }
        return b.build();
    }

    /** The code units that {@code codePoints} code points starting at {@code pos} take, clipped to the end. */
    public static int codeUnits(String doc, int pos, int codePoints) {
        int end = pos;
        for (int i = 0; i < codePoints && end < doc.length(); i++) {
            end += Character.charCount(doc.codePointAt(end));
        }
        return end - pos;
    }

    /** A random position of {@code doc} that is not inside a surrogate pair. */
    public static int boundary(Random random, String doc) {
        List<Integer> boundaries = new ArrayList<>();
        for (int i = 0; i <= doc.length(); i++) {
            if (i == 0 || i == doc.length() || !Character.isLowSurrogate(doc.charAt(i))) {
                boundaries.add(i);
            }
        }
        return boundaries.get(random.nextInt(boundaries.size()));
    }

    /**
     * A wire-form list for {@code doc} that is deliberately not canonical: zero lengths,
     * empty inserts, runs of one kind, and deletes before inserts.
     */
    public static List<Object> messyWire(Random random, String doc) {
        List<Object> wire = new ArrayList<>();
        int pos = 0;
        while (pos < doc.length() || random.nextInt(3) == 0) {
            int choice = random.nextInt(7);
            int span = codeUnits(doc, pos, 1 + random.nextInt(2));
            if (choice == 0) {
                wire.add(0);
            } else if (choice == 1) {
                wire.add("");
            } else if (choice == 2) {
                wire.add(text(random, 2));
            } else if (choice <= 4 && span > 0) {
                wire.add(-span);
                pos += span;
            } else if (span > 0) {
                wire.add(span);
                pos += span;
            }
        }
        return wire;
    }

    /** Applies a wire list the plain way, component by component, as a model for {@code fromWire}. */
    public static String applyWire(List<Object> wire, String doc) {
        StringBuilder out = new StringBuilder();
        int pos = 0;
        for (Object c : wire) {
            if (c instanceof String s) {
                out.append(s);
            } else {
                int n = (Integer) c;
                if (n > 0) {
                    out.append(doc, pos, pos + n);
                }
                pos += Math.abs(n);
            }
        }
        if (pos != doc.length()) {
            throw new IllegalArgumentException("wire list does not span the document");
        }
        return out.toString();
    }

    /** A string in Java/JSON source form, with every non-ASCII code unit escaped, for replayable messages. */
    public static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
