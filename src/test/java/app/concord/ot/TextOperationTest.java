package app.concord.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TextOperationTest {

    private static TextOperation wire(Object... components) {
        return TextOperation.fromWire(Arrays.asList(components));
    }

    private static String rejection(Object... components) {
        return assertThrows(InvalidOperationException.class, () -> wire(components)).getMessage();
    }

    @Nested
    class ProtocolExamples {

        @Test
        void retainThenInsertAppends() {
            assertEquals("hello world", wire(5, " world").apply("hello"));
        }

        @Test
        void deleteInsertRetainCapitalises() {
            TextOperation op = wire(-1, "H", 4);
            assertEquals("Hello", op.apply("hello"));
            assertEquals("[\"H\",-1,4]", op.toString(), "canonical form puts the insert first");
        }

        @Test
        void emptyListIsTheNoOpOnTheEmptyDocument() {
            TextOperation op = wire();
            assertEquals("", op.apply(""));
            assertTrue(op.isIdentity());
            assertEquals(0, op.baseLength());
            assertEquals(List.of(), op.toWire());
            assertEquals(TextOperation.identity(0), op);
        }

        @Test
        void singleRetainIsTheNoOpOnADocumentOfThatLength() {
            TextOperation op = wire(5);
            assertEquals("hello", op.apply("hello"));
            assertTrue(op.isIdentity());
            assertEquals(TextOperation.identity(5), op);
            assertEquals(List.of(5), op.toWire());
        }

        @Test
        void anOperationThatChangesSomethingIsNotIdentity() {
            assertTrue(!wire(1, -1).isIdentity() && !wire("a").isIdentity());
        }
    }

    @Nested
    class ReadingTheWireForm {

        @Test
        void acceptsEveryIntegralNumberType() {
            TextOperation expected = wire(2, -1, 3);
            assertEquals(expected, TextOperation.fromWire(List.of(2L, -1L, 3L)));
            assertEquals(expected, TextOperation.fromWire(List.of(new BigDecimal("2"), new BigDecimal("-1.0"), BigInteger.valueOf(3))));
            assertEquals(expected, TextOperation.fromWire(List.of(2.0, -1.0, 3.0)));
        }

        @Test
        void rejectsAFractionalNumber() {
            assertEquals("component 1: 1.5 is not an integer", rejection(2, 1.5));
        }

        @Test
        void rejectsNumbersOutsideTheIntRange() {
            assertEquals("component 0: length 1000000000000 is out of range", rejection(1e12));
            assertEquals("component 0: length -2147483648 is out of range", rejection(-2147483648));
            assertEquals("component 1: length 2147483648 is out of range", rejection(1, 2147483648L));
            assertEquals("component 0: length 1E+40 is out of range", rejection(new BigDecimal("1e40")));
        }

        @Test
        void keepsTheMessageShortForExtremeExponents() {
            // Printed plainly these would be a billion digits long.
            assertEquals("component 0: 1E-1000000000 is not an integer", rejection(new BigDecimal("1e-1000000000")));
            assertEquals("component 0: length 1E+1000000000 is out of range", rejection(new BigDecimal("1e1000000000")));
        }

        @Test
        void rejectsNonNumbersAsInJson() {
            assertEquals("component 0: expected an integer or a string but got null", rejection((Object) null));
            assertEquals("component 1: expected an integer or a string but got a boolean", rejection(1, true));
            assertEquals("component 0: expected an integer or a string but got an object", rejection(Map.of("n", 1)));
            assertEquals("component 0: expected an integer or a string but got an array", rejection(List.of(1)));
        }

        @Test
        void rejectsNotANumber() {
            assertEquals("component 0: NaN is not a number", rejection(Double.NaN));
        }

        @Test
        void rejectsAnOperationLongerThanAnInt() {
            assertEquals("operation spans more than 2147483647 code units", rejection(Integer.MAX_VALUE, 1));
            assertEquals("operation spans more than 2147483647 code units", rejection("ab", -Integer.MAX_VALUE, -1));
        }

        @Test
        void rejectsUnpairedSurrogatesInInserts() {
            assertEquals("component 1: insert has an unpaired surrogate at offset 0", rejection(1, "\uD83D"));
            assertEquals("component 0: insert has an unpaired surrogate at offset 1", rejection("a\uDE00b"));
            assertEquals("component 0: insert has an unpaired surrogate at offset 2", rejection("😀\uD83D"));
            // The halves of a pair in two inserts are two unpaired surrogates, even though they would merge.
            assertEquals("component 0: insert has an unpaired surrogate at offset 0", rejection("\uD83D", "\uDE00"));
        }

        @Test
        void acceptsAndDropsZeroLengthComponents() {
            assertEquals(wire(3), wire(0, "", 3, 0, ""));
            assertEquals(TextOperation.identity(0), wire("", 0, -0));
            assertEquals(List.of(1, "a", 2), wire(1, 0, "a", "", 0, 2).toWire());
        }

        @Test
        void mergesAdjacentComponentsOfOneKind() {
            assertEquals(List.of(3, "ab", -3), wire(1, 2, "a", "b", -1, -2).toWire());
        }

        @Test
        void movesAnInsertBeforeTheDeleteItFollows() {
            assertEquals(List.of("xy", -2, 1), wire(-2, "xy", 1).toWire());
            assertEquals(List.of("ab", -2), wire(-1, "a", -1, "b").toWire());
            assertEquals(List.of(1, "ab", -2), wire(1, "a", -2, "b").toWire());
        }
    }

    @Nested
    class Applying {

        @Test
        void rejectsTheWrongBaseLength() {
            InvalidOperationException e = assertThrows(InvalidOperationException.class, () -> wire(3).apply("hello"));
            assertEquals("operation expects a document of length 3 but the document has length 5", e.getMessage());
            assertThrows(InvalidOperationException.class, () -> wire(6).checkAppliesTo(new TextBuffer("hello")));
        }

        @Test
        void rejectsAComponentBoundaryInsideASurrogatePair() {
            assertEquals("component 1 starts at 1, inside a surrogate pair",
                    assertThrows(InvalidOperationException.class, () -> wire(1, "x", 1).apply("😀")).getMessage());
            assertEquals("component 1 starts at 2, inside a surrogate pair",
                    assertThrows(InvalidOperationException.class, () -> wire(-2, 1).apply("a😀")).getMessage());
            assertEquals("component 1 starts at 1, inside a surrogate pair",
                    assertThrows(InvalidOperationException.class, () -> wire(1, -1).invert("😀")).getMessage());
        }

        @Test
        void leavesTheBufferUntouchedWhenRejecting() {
            TextBuffer buffer = new TextBuffer("a😀");
            assertThrows(InvalidOperationException.class, () -> wire("x", 2, -1).applyTo(buffer));
            assertEquals("a😀", buffer.toString());
        }

        @Test
        void acceptsBoundariesAroundAPair() {
            assertEquals("a!😀?b", wire(1, "!", 2, "?", 1).apply("a😀b"));
            assertEquals("ab", wire(1, -2, 1).apply("a😀b"));
        }

        @Test
        void invertsADeleteWithTheDeletedText() {
            assertEquals(List.of(1, "😀", -1, 1), wire(1, "x", -2, 1).invert("a😀b").toWire());
        }
    }

    @Nested
    class Splicing {

        @Test
        void replacesARange() {
            TextOperation op = TextOperation.splice(5, 1, 2, "XY");
            assertEquals(List.of(1, "XY", -2, 2), op.toWire());
            assertEquals("hXYlo", op.apply("hello"));
        }

        @Test
        void insertsAtTheEndAndDeletesEverything() {
            assertEquals("hello!", TextOperation.splice(5, 5, 0, "!").apply("hello"));
            assertEquals("", TextOperation.splice(5, 0, 5, "").apply("hello"));
            assertEquals(TextOperation.identity(5), TextOperation.splice(5, 2, 0, ""));
        }

        @Test
        void rejectsARangeOutsideTheDocument() {
            assertEquals("splice of 3 at 4 is outside a document of length 5",
                    assertThrows(InvalidOperationException.class, () -> TextOperation.splice(5, 4, 3, "")).getMessage());
            assertThrows(InvalidOperationException.class, () -> TextOperation.splice(5, -1, 0, ""));
            assertThrows(InvalidOperationException.class, () -> TextOperation.splice(5, 0, -1, ""));
        }
    }

    @Nested
    class Combining {

        @Test
        void composeRejectsMismatchedLengths() {
            assertEquals("cannot compose: the first operation produces length 6 but the second expects length 5",
                    assertThrows(InvalidOperationException.class, () -> wire(5, "!").compose(wire(5))).getMessage());
        }

        @Test
        void transformRejectsOperationsOnDifferentDocuments() {
            assertEquals("cannot transform: operations expect lengths 5 and 4",
                    assertThrows(InvalidOperationException.class, () -> TextOperation.transform(wire(5), wire(4))).getMessage());
        }

        @Test
        void concurrentDeletesOfTheSameTextDeleteItOnce() {
            TextOperation.Transformed t = TextOperation.transform(wire(1, -3, 1), wire(2, -3));
            assertEquals("h", t.later().apply("ho"));
            assertEquals("h", t.prior().apply("he"));
            assertEquals(List.of(1, -1), t.later().toWire());
            assertEquals(List.of(1, -1), t.prior().toWire());
        }

        @Test
        void builderRejectsNegativeLengths() {
            assertEquals("retain of negative length -1",
                    assertThrows(InvalidOperationException.class, () -> TextOperation.builder().retain(-1)).getMessage());
            assertEquals("delete of negative length -2",
                    assertThrows(InvalidOperationException.class, () -> TextOperation.builder().delete(-2)).getMessage());
        }

        @Test
        void transformsPositionsAroundAnInsert() {
            TextOperation op = wire(2, "xyz", 3);
            assertEquals(2, op.transformPosition(2, Bias.BEFORE));
            assertEquals(5, op.transformPosition(2, Bias.AFTER));
            assertEquals(1, op.transformPosition(1, Bias.AFTER));
            assertEquals(6, op.transformPosition(3, Bias.BEFORE));
        }

        @Test
        void movesAPositionInsideADeletionToItsStart() {
            TextOperation op = wire(1, -3, 1);
            assertEquals(1, op.transformPosition(2, Bias.AFTER));
            assertEquals(1, op.transformPosition(4, Bias.BEFORE));
            assertEquals(2, op.transformPosition(5, Bias.BEFORE));
        }
    }

    @Nested
    class Printing {

        @Test
        void printsTheWireFormAsJson() {
            assertEquals("[2,\"ab\",-3,1]", wire(2, "ab", -3, 1).toString());
            assertEquals("[]", wire().toString());
        }

        @Test
        void escapesStringsAsJson() {
            assertEquals("[\"a\\\"b\\\\c\\n\\t\\r\\u0001😀é\"]", wire("a\"b\\c\n\t\r\u0001😀é").toString());
        }

        @Test
        void equalOperationsHaveEqualHashes() {
            assertEquals(wire(1, "a", -1).hashCode(), wire(1, 0, "a", -1).hashCode());
        }
    }

    @Nested
    class Buffer {

        @Test
        void matchesAStringBuilderOverManyRandomEdits() {
            long seed = 0xB0FFE4L;
            Random random = new Random(seed);
            TextBuffer buffer = new TextBuffer();
            StringBuilder model = new StringBuilder();
            for (int step = 0; step < 20_000; step++) {
                int pos = random.nextInt(model.length() + 1);
                String context = "seed " + seed + " step " + step + " at " + pos + " length " + model.length();
                if (random.nextInt(5) < 3 || model.length() == 0) {
                    int size = random.nextInt(50) == 0 ? 200 + random.nextInt(400) : 1 + random.nextInt(4);
                    String text = ("0123456789abcdef".repeat(64)).substring(step % 16, step % 16 + size);
                    buffer.insert(pos, text);
                    model.insert(pos, text);
                } else {
                    int count = random.nextInt(Math.min(8, model.length() - pos) + 1);
                    buffer.delete(pos, count);
                    model.delete(pos, pos + count);
                }
                assertEquals(model.length(), buffer.length(), context);
                int start = random.nextInt(model.length() + 1);
                int end = start + random.nextInt(Math.min(300, model.length() - start) + 1);
                assertEquals(model.substring(start, end), buffer.substring(start, end), context + " substring " + start + ".." + end);
                if (model.length() > 0) {
                    int i = random.nextInt(model.length());
                    assertEquals(model.charAt(i), buffer.charAt(i), context + " charAt " + i);
                }
                if (step % 1_000 == 0) {
                    assertEquals(model.toString(), buffer.toString(), context);
                }
            }
            assertEquals(model.toString(), buffer.toString());
            assertTrue(model.length() > 10_000, "the buffer grew well past its first capacity");
        }

        @Test
        void readsASubstringAcrossTheGap() {
            TextBuffer buffer = new TextBuffer("hello world");
            buffer.insert(5, ",");
            buffer.delete(0, 1);
            buffer.insert(0, "J");
            assertEquals("Jello, world", buffer.toString());
            assertEquals("ello, w", buffer.substring(1, 8));
            assertEquals("ello, w", buffer.subSequence(1, 8).toString());
            assertEquals("", buffer.substring(4, 4));
            assertEquals('w', buffer.charAt(7));
        }

        @Test
        void growsFromEmptyByOneLargeInsert() {
            TextBuffer buffer = new TextBuffer();
            String big = "x".repeat(10_000);
            buffer.insert(0, big);
            buffer.insert(5_000, new StringBuilder("mid"));
            assertEquals(big.substring(0, 5_000) + "mid" + big.substring(5_000), buffer.toString());
        }

        @Test
        void rejectsIndexesOutsideTheText() {
            TextBuffer buffer = new TextBuffer("abc");
            assertThrows(IndexOutOfBoundsException.class, () -> buffer.charAt(3));
            assertThrows(IndexOutOfBoundsException.class, () -> buffer.charAt(-1));
            assertThrows(IndexOutOfBoundsException.class, () -> buffer.insert(4, "x"));
            assertThrows(IndexOutOfBoundsException.class, () -> buffer.delete(2, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> buffer.substring(2, 1));
            assertEquals("abc", buffer.toString());
        }
    }
}
