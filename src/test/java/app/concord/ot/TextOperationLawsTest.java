package app.concord.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The laws of the operation algebra, each checked on {@value #CASES} seeded random cases.
 * A failure names the law, the seed and every generated input, so that the case can be
 * replayed with {@code new Random(seed)} or rebuilt from the printed wire forms.
 */
class TextOperationLawsTest {

    private static final long BASE_SEED = 0xC0C0_2024L;
    private static final int CASES = 2_000;

    /**
     * Transform convergence: for p and l made on the same document d and
     * (p', l') = transform(p, l), applying p then l' gives the same text as applying l then p'.
     */
    @Test
    void transformedOperationsConverge() {
        forAll("transform convergence", (random, in) -> {
            String d = in.doc("d", RandomOps.document(random));
            TextOperation p = in.op("prior", RandomOps.operation(random, d));
            TextOperation l = in.op("later", RandomOps.operation(random, d));
            TextOperation.Transformed t = TextOperation.transform(p, l);
            assertEquals(t.later().apply(p.apply(d)), t.prior().apply(l.apply(d)));
            assertCanonical(t.prior());
            assertCanonical(t.later());
        });
    }

    /**
     * Transform tie-break: when both operations replace text starting at the same position,
     * the prior's insert ends up left of the later's, whichever side applies first.
     */
    @Test
    void priorInsertStaysLeftOfLaterInsertAtTheSamePosition() {
        forAll("transform tie-break", (random, in) -> {
            String d = in.doc("d", RandomOps.document(random));
            int pos = in.number("pos", RandomOps.boundary(random, d));
            String x = in.doc("x", "<" + RandomOps.text(random, 3) + ">");
            String y = in.doc("y", "{" + RandomOps.text(random, 3) + "}");
            int dp = RandomOps.codeUnits(d, pos, random.nextInt(3));
            int dl = RandomOps.codeUnits(d, pos, random.nextInt(3));
            TextOperation p = in.op("prior", TextOperation.splice(d.length(), pos, dp, x));
            TextOperation l = in.op("later", TextOperation.splice(d.length(), pos, dl, y));
            String expected = d.substring(0, pos) + x + y + d.substring(pos + Math.max(dp, dl));
            TextOperation.Transformed t = TextOperation.transform(p, l);
            assertEquals(expected, t.later().apply(p.apply(d)));
            assertEquals(expected, t.prior().apply(l.apply(d)));
        });
    }

    @Test
    void priorInsertStaysLeftInATargetedCase() {
        TextOperation prior = TextOperation.splice(2, 1, 0, "P");
        TextOperation later = TextOperation.splice(2, 1, 0, "L");
        TextOperation.Transformed t = TextOperation.transform(prior, later);
        assertEquals("aPLb", t.later().apply(prior.apply("ab")));
        assertEquals("aPLb", t.prior().apply(later.apply("ab")));
        assertEquals("[1,\"P\",2]", t.prior().toString());
        assertEquals("[2,\"L\",1]", t.later().toString());
        // Swapping the roles swaps the order: the tie-break is by server order, not by content.
        TextOperation.Transformed swapped = TextOperation.transform(later, prior);
        assertEquals("aLPb", swapped.later().apply(later.apply("ab")));
    }

    /** Compose: applying a then b equals applying compose(a, b), which is canonical. */
    @Test
    void composeEqualsSequentialApply() {
        forAll("compose", (random, in) -> {
            String d = in.doc("d", RandomOps.document(random));
            TextOperation a = in.op("a", RandomOps.operation(random, d));
            String afterA = a.apply(d);
            TextOperation b = in.op("b", RandomOps.operation(random, afterA));
            TextOperation ab = a.compose(b);
            assertEquals(b.apply(afterA), ab.apply(d));
            assertEquals(a.baseLength(), ab.baseLength());
            assertEquals(b.targetLength(), ab.targetLength());
            assertCanonical(ab);
        });
    }

    /** Compose is associative: compose(compose(a, b), c) equals compose(a, compose(b, c)). */
    @Test
    void composeIsAssociative() {
        forAll("compose associativity", (random, in) -> {
            String d = in.doc("d", RandomOps.document(random));
            TextOperation a = in.op("a", RandomOps.operation(random, d));
            TextOperation b = in.op("b", RandomOps.operation(random, a.apply(d)));
            TextOperation c = in.op("c", RandomOps.operation(random, b.apply(a.apply(d))));
            assertEquals(a.compose(b).compose(c), a.compose(b.compose(c)));
        });
    }

    /**
     * Two-step convergence, the client's case: s (the server's operation) transformed past
     * c1 (outstanding) and then c2 (buffer) gives the same text as c1' and c2' applied after s.
     *
     * <p>Transform does NOT distribute over compose, and no test claims it: with d = "a",
     * s = [1," "], c1 = [-1], c2 = ["c"], stepwise gives " c" but transforming past
     * compose(c1, c2) = ["c",-1] gives "c ", because canonical form moves an insert before
     * the delete it touches. Client and server therefore must transform against the same
     * sequence of operations, which they do: both see the buffer as one composed operation.
     */
    @Test
    void stepwiseTransformPastTwoOperationsConverges() {
        forAll("two-step convergence", (random, in) -> {
            String d = in.doc("d", RandomOps.document(random));
            TextOperation s = in.op("s", RandomOps.operation(random, d));
            TextOperation c1 = in.op("c1", RandomOps.operation(random, d));
            TextOperation c2 = in.op("c2", RandomOps.operation(random, c1.apply(d)));
            TextOperation.Transformed first = TextOperation.transform(s, c1);
            TextOperation.Transformed second = TextOperation.transform(first.prior(), c2);
            String clientSide = second.prior().apply(c2.apply(c1.apply(d)));
            String serverSide = first.later().compose(second.later()).apply(s.apply(d));
            assertEquals(clientSide, serverSide);
        });
    }

    /** Invert undoes: applying a and then a.invert(d) gives d back; inverting twice gives a. */
    @Test
    void invertUndoes() {
        forAll("invert", (random, in) -> {
            String d = in.doc("d", RandomOps.document(random));
            TextOperation a = in.op("a", RandomOps.operation(random, d));
            String after = a.apply(d);
            TextOperation undo = a.invert(d);
            assertEquals(d, undo.apply(after));
            assertEquals(a, undo.invert(after));
            assertCanonical(undo);
        });
    }

    /**
     * Normalisation is idempotent: reading an operation's own wire form gives an equal
     * operation; and any non-canonical wire list (zero lengths, runs of one kind, deletes
     * before inserts) reads as a canonical operation with the same effect, whose wire form
     * reads back unchanged.
     */
    @Test
    void normalisationIsIdempotent() {
        forAll("normalisation", (random, in) -> {
            String d = in.doc("d", RandomOps.document(random));
            TextOperation a = in.op("a", RandomOps.operation(random, d));
            assertEquals(a, TextOperation.fromWire(a.toWire()));
            assertCanonical(a);

            List<Object> messy = in.wire("messy", RandomOps.messyWire(random, d));
            TextOperation read = TextOperation.fromWire(messy);
            assertCanonical(read);
            assertEquals(RandomOps.applyWire(messy, d), read.apply(d));
            assertEquals(read, TextOperation.fromWire(read.toWire()));
            assertEquals(read.toWire(), TextOperation.fromWire(read.toWire()).toWire());
        });
    }

    /** Applying in place to a TextBuffer gives the same text as applying to a String. */
    @Test
    void applyingToABufferEqualsApplyingToAString() {
        forAll("buffer apply", (random, in) -> {
            String d = in.doc("d", RandomOps.document(random));
            TextOperation a = in.op("a", RandomOps.operation(random, d));
            TextBuffer buffer = new TextBuffer(d);
            a.applyTo(buffer);
            assertEquals(a.apply(d), buffer.toString());
        });
    }

    /**
     * Positions follow apply: a code unit at i that the operation keeps is found at
     * transformPosition(i, AFTER) in the result, and one at i - 1 at
     * transformPosition(i, BEFORE) - 1 (BEFORE stays left of text inserted exactly at i).
     * Every transformed position lies in the result, positions keep their order, and
     * BEFORE is never right of AFTER.
     */
    @Test
    void positionTransformIsConsistentWithApply() {
        forAll("position transform", (random, in) -> {
            String d = in.doc("d", RandomOps.document(random));
            TextOperation a = in.op("a", RandomOps.operation(random, d));
            List<Integer> tags = keptIndexes(a);
            int previousBefore = 0;
            for (int i = 0; i <= d.length(); i++) {
                int after = a.transformPosition(i, Bias.AFTER);
                int before = a.transformPosition(i, Bias.BEFORE);
                if (i < d.length() && tags.contains(i)) {
                    assertEquals(tags.indexOf(i), after, "AFTER of kept unit " + i);
                }
                if (i > 0 && tags.contains(i - 1)) {
                    assertEquals(tags.indexOf(i - 1) + 1, before, "BEFORE after kept unit " + (i - 1));
                }
                assertTrue(0 <= before && before <= after && after <= a.targetLength(), "bounds at " + i);
                assertTrue(previousBefore <= before, "order at " + i);
                previousBefore = before;
            }
        });
    }

    /** What each code unit of the result was: its index in the base document, or -1 when inserted. */
    private static List<Integer> keptIndexes(TextOperation op) {
        List<Integer> tags = new ArrayList<>();
        int pos = 0;
        for (Component c : op.components()) {
            for (int k = 0; k < c.length(); k++) {
                if (c instanceof Component.Insert) {
                    tags.add(-1);
                } else if (c instanceof Component.Retain) {
                    tags.add(pos + k);
                }
            }
            if (!(c instanceof Component.Insert)) {
                pos += c.length();
            }
        }
        return tags;
    }

    /** No zero-length component, no two neighbours of one kind, no insert right after a delete. */
    static void assertCanonical(TextOperation op) {
        List<Component> cs = op.components();
        for (int i = 0; i < cs.size(); i++) {
            assertTrue(cs.get(i).length() > 0, "zero-length component in " + op);
            if (i > 0) {
                Component before = cs.get(i - 1);
                assertFalse(before.getClass() == cs.get(i).getClass(), "adjacent components of one kind in " + op);
                assertFalse(before instanceof Component.Delete && cs.get(i) instanceof Component.Insert,
                        "insert after delete in " + op);
            }
        }
    }

    private interface Property {
        void check(Random random, Inputs inputs);
    }

    /** The generated inputs of one case, kept as they are made and printed only when the case fails. */
    private static final class Inputs {
        private final List<String> names = new ArrayList<>();
        private final List<Object> values = new ArrayList<>();

        <T> T note(String name, T value) {
            names.add(name);
            values.add(value);
            return value;
        }

        String doc(String name, String value) {
            return note(name, value);
        }

        TextOperation op(String name, TextOperation value) {
            return note(name, value);
        }

        int number(String name, int value) {
            return note(name, value);
        }

        List<Object> wire(String name, List<Object> value) {
            return note(name, value);
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < names.size(); i++) {
                Object v = values.get(i);
                s.append(i == 0 ? "" : " ").append(names.get(i)).append('=')
                        .append(v instanceof String text ? RandomOps.quote(text) : String.valueOf(v));
            }
            return s.toString();
        }
    }

    private static void forAll(String law, Property property) {
        for (int i = 0; i < CASES; i++) {
            long seed = BASE_SEED + i;
            Inputs inputs = new Inputs();
            try {
                property.check(new Random(seed), inputs);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(law + " fails for seed " + seed + ": " + inputs + "\n" + e.getMessage(), e);
            }
        }
    }
}
