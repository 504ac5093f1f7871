package app.concord.ot;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * An edit that walks a whole UTF-16 document with retain, insert and delete components
 * (PROTOCOL.md, "Operations"). Instances are immutable and always canonical: no
 * zero-length components, no two adjacent components of the same kind, and an insert
 * before a delete that touches it. Two canonical operations with the same effect on
 * every document are {@link #equals equal}.
 *
 * <p>The algebra obeys these laws, each checked by seeded random tests:
 * <ul>
 * <li>compose: {@code b.apply(a.apply(d)).equals(a.compose(b).apply(d))};
 * <li>transform: for {@code t = transform(p, l)},
 *     {@code t.later().apply(p.apply(d)).equals(t.prior().apply(l.apply(d)))}, and an
 *     insert of {@code p} at the same position as one of {@code l} stays on the left;
 * <li>invert: {@code a.invert(d).apply(a.apply(d)).equals(d)};
 * <li>positions: a code unit at {@code i} that {@code a} keeps is found at
 *     {@code a.transformPosition(i, AFTER)} in {@code a.apply(d)}, and one at {@code i - 1}
 *     at {@code a.transformPosition(i, BEFORE) - 1} (the two differ by what {@code a}
 *     inserts exactly at {@code i}).
 * </ul>
 */
public final class TextOperation {

    private static final Component[] NONE = new Component[0];

    private final Component[] components;
    private final int baseLength;
    private final int targetLength;

    private TextOperation(Component[] components, int baseLength, int targetLength) {
        this.components = components;
        this.baseLength = baseLength;
        this.targetLength = targetLength;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The operation that leaves a document of {@code length} code units unchanged. */
    public static TextOperation identity(int length) {
        return builder().retain(length).build();
    }

    /** Replaces {@code deleteCount} code units at {@code pos} of a document of {@code length} with {@code text}. */
    public static TextOperation splice(int length, int pos, int deleteCount, String text) {
        if (pos < 0 || deleteCount < 0 || pos + deleteCount > length) {
            throw new InvalidOperationException("splice of " + deleteCount + " at " + pos
                    + " is outside a document of length " + length);
        }
        return builder().retain(pos).insert(text).delete(deleteCount).retain(length - pos - deleteCount).build();
    }

    /**
     * Reads the wire form: a list of integers (retain when positive, delete when negative)
     * and strings (insert), as decoded from JSON. Accepts non-canonical input (zero
     * lengths, adjacent components of one kind) and normalises it; rejects anything
     * else with a message naming the component.
     *
     * @param values {@link Number} or {@link String} elements
     */
    public static TextOperation fromWire(List<?> values) {
        Builder builder = builder();
        for (int i = 0; i < values.size(); i++) {
            Object value = values.get(i);
            if (value instanceof String text) {
                int bad = Utf16.firstUnpairedSurrogate(text);
                if (bad >= 0) {
                    throw new InvalidOperationException("component " + i + ": insert has an unpaired surrogate at offset " + bad);
                }
                builder.insert(text);
            } else if (value instanceof Number number) {
                int n = wholeNumber(number, i);
                if (n > 0) {
                    builder.retain(n);
                } else if (n < 0) {
                    builder.delete(-n);
                }
            } else {
                throw new InvalidOperationException("component " + i + ": expected an integer or a string but got "
                        + jsonKind(value));
            }
        }
        return builder.build();
    }

    /** What a decoded JSON value is, in JSON's words, for error messages. */
    private static String jsonKind(Object value) {
        if (value == null) {
            return "null";
        } else if (value instanceof Boolean) {
            return "a boolean";
        } else if (value instanceof Map) {
            return "an object";
        } else if (value instanceof Collection || value.getClass().isArray()) {
            return "an array";
        }
        return value.getClass().getSimpleName();
    }

    /**
     * The number as people write it, short even for extreme exponents: {@code 1e-1000000000}
     * in plain notation would be a billion characters.
     */
    private static String shown(BigDecimal decimal) {
        return Math.abs((long) decimal.scale()) <= 32 ? decimal.toPlainString() : decimal.toString();
    }

    private static int wholeNumber(Number number, int index) {
        BigDecimal decimal;
        try {
            decimal = number instanceof BigDecimal d ? d : new BigDecimal(number.toString());
        } catch (NumberFormatException e) {
            throw new InvalidOperationException("component " + index + ": " + number + " is not a number");
        }
        try {
            long value = decimal.longValueExact();
            if (value == Integer.MIN_VALUE || value != (int) value) {
                throw new InvalidOperationException("component " + index + ": length " + shown(decimal) + " is out of range");
            }
            return (int) value;
        } catch (ArithmeticException e) {
            if (decimal.stripTrailingZeros().scale() > 0) {
                throw new InvalidOperationException("component " + index + ": " + shown(decimal) + " is not an integer");
            }
            throw new InvalidOperationException("component " + index + ": length " + shown(decimal) + " is out of range");
        }
    }

    /** The wire form: Integer for retain (positive) and delete (negative), String for insert. */
    public List<Object> toWire() {
        List<Object> wire = new ArrayList<>(components.length);
        for (Component c : components) {
            if (c instanceof Component.Insert s) {
                wire.add(s.text());
            } else {
                wire.add(c instanceof Component.Delete ? -c.length() : c.length());
            }
        }
        return wire;
    }

    public List<Component> components() {
        return Collections.unmodifiableList(Arrays.asList(components));
    }

    /** Length of the document this operation applies to. */
    public int baseLength() {
        return baseLength;
    }

    /** Length of the document this operation produces. */
    public int targetLength() {
        return targetLength;
    }

    /** Code units this operation inserts, all its inserts together. */
    public int insertedLength() {
        int n = 0;
        for (Component c : components) {
            if (c instanceof Component.Insert) {
                n += c.length();
            }
        }
        return n;
    }

    /** Code units this operation deletes, all its deletes together. */
    public int deletedLength() {
        return baseLength - targetLength + insertedLength();
    }

    /** True when the operation changes nothing (it only retains). */
    public boolean isIdentity() {
        return components.length == 0 || (components.length == 1 && components[0] instanceof Component.Retain);
    }

    /**
     * Checks that this operation applies to {@code document}: matching length, and no
     * component boundary between the halves of a surrogate pair.
     *
     * @throws InvalidOperationException naming the mismatch
     */
    public void checkAppliesTo(CharSequence document) {
        if (document.length() != baseLength) {
            throw new InvalidOperationException("operation expects a document of length " + baseLength
                    + " but the document has length " + document.length());
        }
        int pos = 0;
        for (int i = 0; i < components.length; i++) {
            if (Utf16.splitsPair(document, pos)) {
                throw new InvalidOperationException("component " + i + " starts at " + pos + ", inside a surrogate pair");
            }
            if (!(components[i] instanceof Component.Insert)) {
                pos += components[i].length();
            }
        }
    }

    /**
     * Checks that no insert holds an unpaired surrogate, which the protocol forbids. An
     * operation read with {@link #fromWire} has been checked; one made with the {@link Builder}
     * has not.
     *
     * @throws InvalidOperationException naming the insert and the offset
     */
    public void checkInsertsWellFormed() {
        for (int i = 0; i < components.length; i++) {
            if (components[i] instanceof Component.Insert ins) {
                int bad = Utf16.firstUnpairedSurrogate(ins.text());
                if (bad >= 0) {
                    throw new InvalidOperationException("component " + i + ": insert has an unpaired surrogate at offset " + bad);
                }
            }
        }
    }

    /** The document after this operation; {@code document} must have {@link #baseLength()}. */
    public String apply(String document) {
        checkAppliesTo(document);
        StringBuilder out = new StringBuilder(targetLength);
        int pos = 0;
        for (Component c : components) {
            if (c instanceof Component.Insert s) {
                out.append(s.text());
            } else {
                if (c instanceof Component.Retain) {
                    out.append(document, pos, pos + c.length());
                }
                pos += c.length();
            }
        }
        return out.toString();
    }

    /** Applies this operation in place, in time proportional to its components and the edited span. */
    public void applyTo(TextBuffer buffer) {
        checkAppliesTo(buffer);
        int pos = 0;
        for (Component c : components) {
            if (c instanceof Component.Insert s) {
                buffer.insert(pos, s.text());
                pos += s.text().length();
            } else if (c instanceof Component.Delete) {
                buffer.delete(pos, c.length());
            } else {
                pos += c.length();
            }
        }
    }

    /**
     * The single operation with the effect of this one followed by {@code next}.
     *
     * @throws InvalidOperationException when {@code next} is not based on this operation's result
     */
    public TextOperation compose(TextOperation next) {
        if (targetLength != next.baseLength) {
            throw new InvalidOperationException("cannot compose: the first operation produces length " + targetLength
                    + " but the second expects length " + next.baseLength);
        }
        Builder out = builder();
        Walk a = new Walk(components);
        Walk b = new Walk(next.components);
        while (true) {
            if (a.current() instanceof Component.Delete) {
                out.delete(a.remaining());
                a.advance(a.remaining());
            } else if (b.current() instanceof Component.Insert) {
                out.insert(b.text(b.remaining()));
                b.advance(b.remaining());
            } else if (a.done() && b.done()) {
                return out.build();
            } else if (a.done() || b.done()) {
                throw new IllegalStateException("compose walked off an operation: " + this + " then " + next);
            } else {
                int n = Math.min(a.remaining(), b.remaining());
                if (a.current() instanceof Component.Retain) {
                    if (b.current() instanceof Component.Retain) {
                        out.retain(n);
                    } else {
                        out.delete(n);
                    }
                } else if (b.current() instanceof Component.Retain) {
                    out.insert(a.text(n));
                }
                // An insert that the next operation deletes leaves no trace.
                a.advance(n);
                b.advance(n);
            }
        }
    }

    /**
     * Transforms two operations made on the same document so that each applies after the
     * other. {@code prior} is the one the server ordered first: where both insert at the
     * same position, its text stays on the left.
     *
     * @return {@code prior'} to apply after {@code later}, and {@code later'} to apply after {@code prior}
     */
    public static Transformed transform(TextOperation prior, TextOperation later) {
        if (prior.baseLength != later.baseLength) {
            throw new InvalidOperationException("cannot transform: operations expect lengths " + prior.baseLength
                    + " and " + later.baseLength);
        }
        Builder priorOut = builder();
        Builder laterOut = builder();
        Walk p = new Walk(prior.components);
        Walk l = new Walk(later.components);
        while (true) {
            if (p.current() instanceof Component.Insert) {
                int n = p.remaining();
                priorOut.insert(p.text(n));
                laterOut.retain(n);
                p.advance(n);
            } else if (l.current() instanceof Component.Insert) {
                int n = l.remaining();
                priorOut.retain(n);
                laterOut.insert(l.text(n));
                l.advance(n);
            } else if (p.done() && l.done()) {
                return new Transformed(priorOut.build(), laterOut.build());
            } else if (p.done() || l.done()) {
                throw new IllegalStateException("transform walked off an operation: " + prior + " and " + later);
            } else {
                int n = Math.min(p.remaining(), l.remaining());
                boolean pRetains = p.current() instanceof Component.Retain;
                boolean lRetains = l.current() instanceof Component.Retain;
                if (pRetains && lRetains) {
                    priorOut.retain(n);
                    laterOut.retain(n);
                } else if (pRetains) {
                    laterOut.delete(n);
                } else if (lRetains) {
                    priorOut.delete(n);
                }
                // Both delete the same span: it is gone for both, nothing left to do.
                p.advance(n);
                l.advance(n);
            }
        }
    }

    /** The result of {@link #transform}: each operation rebased on the other. */
    public record Transformed(TextOperation prior, TextOperation later) {
    }

    /** The operation that undoes this one; {@code base} is the document this one applies to. */
    public TextOperation invert(CharSequence base) {
        checkAppliesTo(base);
        Builder out = builder();
        int pos = 0;
        for (Component c : components) {
            if (c instanceof Component.Insert) {
                out.delete(c.length());
            } else {
                if (c instanceof Component.Retain) {
                    out.retain(c.length());
                } else {
                    out.insert(base.subSequence(pos, pos + c.length()).toString());
                }
                pos += c.length();
            }
        }
        return out.build();
    }

    /**
     * Where {@code position} of the base document ends up after this operation. An insert
     * exactly at {@code position} goes before it when {@code bias} is {@link Bias#AFTER}
     * (the position moves right, as an author's own cursor does) and after it otherwise;
     * a position inside a deleted span moves to where the span was.
     */
    public int transformPosition(int position, Bias bias) {
        int oldIndex = 0;
        int newIndex = position;
        for (Component c : components) {
            if (oldIndex > position) {
                break;
            }
            if (c instanceof Component.Insert) {
                if (oldIndex < position || bias == Bias.AFTER) {
                    newIndex += c.length();
                }
            } else {
                if (c instanceof Component.Delete) {
                    newIndex -= Math.min(position - oldIndex, c.length());
                }
                oldIndex += c.length();
            }
        }
        return newIndex;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TextOperation other && Arrays.equals(components, other.components);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(components);
    }

    /** The wire form as JSON, for messages and test output. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < components.length; i++) {
            if (i > 0) {
                s.append(',');
            }
            Component c = components[i];
            if (c instanceof Component.Insert ins) {
                JsonText.quote(ins.text(), s);
            } else {
                s.append(c instanceof Component.Delete ? -c.length() : c.length());
            }
        }
        return s.append(']').toString();
    }

    /**
     * Builds canonical operations: zero lengths are dropped, neighbours of one kind merged,
     * and an insert that follows a delete is moved before it.
     */
    public static final class Builder {
        private final ArrayList<Component> list = new ArrayList<>();
        private int baseLength;
        private int targetLength;

        private Builder() {
        }

        public Builder retain(int count) {
            requireNonNegative(count, "retain");
            if (count == 0) {
                return this;
            }
            baseLength = add(baseLength, count);
            targetLength = add(targetLength, count);
            if (last() instanceof Component.Retain r) {
                list.set(list.size() - 1, new Component.Retain(r.count() + count));
            } else {
                list.add(new Component.Retain(count));
            }
            return this;
        }

        public Builder insert(String text) {
            if (text.isEmpty()) {
                return this;
            }
            targetLength = add(targetLength, text.length());
            int n = list.size();
            if (last() instanceof Component.Insert s) {
                list.set(n - 1, new Component.Insert(s.text() + text));
            } else if (last() instanceof Component.Delete) {
                if (n >= 2 && list.get(n - 2) instanceof Component.Insert s) {
                    list.set(n - 2, new Component.Insert(s.text() + text));
                } else {
                    list.add(n - 1, new Component.Insert(text));
                }
            } else {
                list.add(new Component.Insert(text));
            }
            return this;
        }

        public Builder delete(int count) {
            requireNonNegative(count, "delete");
            if (count == 0) {
                return this;
            }
            baseLength = add(baseLength, count);
            if (last() instanceof Component.Delete d) {
                list.set(list.size() - 1, new Component.Delete(d.count() + count));
            } else {
                list.add(new Component.Delete(count));
            }
            return this;
        }

        public TextOperation build() {
            return new TextOperation(list.isEmpty() ? NONE : list.toArray(NONE), baseLength, targetLength);
        }

        private Component last() {
            return list.isEmpty() ? null : list.get(list.size() - 1);
        }

        private static int add(int length, int count) {
            if (length > Integer.MAX_VALUE - count) {
                throw new InvalidOperationException("operation spans more than " + Integer.MAX_VALUE + " code units");
            }
            return length + count;
        }

        private static void requireNonNegative(int count, String what) {
            if (count < 0) {
                throw new InvalidOperationException(what + " of negative length " + count);
            }
        }
    }

    /** A read position inside a component array, for the pairwise walks of compose and transform. */
    private static final class Walk {
        private final Component[] components;
        private int index;
        private int offset;

        Walk(Component[] components) {
            this.components = components;
        }

        boolean done() {
            return index == components.length;
        }

        Component current() {
            return done() ? null : components[index];
        }

        int remaining() {
            return components[index].length() - offset;
        }

        /** The next {@code n} code units of the current insert. */
        String text(int n) {
            String text = ((Component.Insert) components[index]).text();
            return offset == 0 && n == text.length() ? text : text.substring(offset, offset + n);
        }

        void advance(int n) {
            offset += n;
            if (offset == components[index].length()) {
                index++;
                offset = 0;
            }
        }
    }
}
