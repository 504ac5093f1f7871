package app.concord.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RangeTest {

    private static TextOperation op(Object... components) {
        return TextOperation.fromWire(List.of(components));
    }

    @Test
    void aPeersCaretStaysBeforeTextInsertedAtIt() {
        assertEquals(new Range(2, 2), new Range(2, 2).transform(op(2, "xy", 3), false));
    }

    @Test
    void theOwnersCaretFollowsTheirOwnInsert() {
        assertEquals(new Range(4, 4), new Range(2, 2).transform(op(2, "xy", 3), true));
    }

    @Test
    void aCaretMovesWithInsertsAndDeletesBeforeIt() {
        assertEquals(new Range(5, 5), new Range(3, 3).transform(op("ab", 5), false));
        assertEquals(new Range(1, 1), new Range(3, 3).transform(op(-2, 3), false));
        assertEquals(new Range(3, 3), new Range(3, 3).transform(op(4, "tail", 1), true));
    }

    @Test
    void aSelectionDoesNotGrowByInsertsAtItsEdges() {
        Range selection = new Range(2, 4);
        assertEquals(new Range(4, 6), selection.transform(op(2, "xy", 4), false), "insert at the start goes before it");
        assertEquals(new Range(2, 4), selection.transform(op(4, "xy", 2), false), "insert at the end goes after it");
        assertEquals(new Range(4, 6), selection.transform(op(2, "xy", 4), true), "even for the owner");
        assertEquals(new Range(2, 4), selection.transform(op(4, "xy", 2), true), "even for the owner");
    }

    @Test
    void aSelectionGrowsByInsertsInsideIt() {
        assertEquals(new Range(2, 6), new Range(2, 4).transform(op(3, "xy", 3), false));
    }

    @Test
    void aSelectionCollapsesWhenItsTextIsDeleted() {
        assertEquals(new Range(1, 1), new Range(2, 4).transform(op(1, -4, 1), false));
        assertEquals(new Range(2, 2), new Range(2, 4).transform(op(2, -2, 2), false));
    }

    @Test
    void aSelectionReplacedByNewTextCollapsesAfterTheReplacement() {
        assertEquals(new Range(4, 4), new Range(2, 4).transform(op(2, "ab", -2, 2), false));
    }

    @Test
    void aSelectionShrinksWhenPartOfItIsDeleted() {
        assertEquals(new Range(1, 3), new Range(2, 5).transform(op(1, -2, 3), false));
    }

    @Test
    void aBackwardSelectionStaysBackward() {
        Range backward = new Range(4, 2);
        Range moved = backward.transform(op("ab", 6), false);
        assertEquals(new Range(6, 4), moved);
        assertEquals(4, moved.from());
        assertEquals(6, moved.to());
    }

    /**
     * For random selections and operations the result lies in the new document, keeps its
     * direction (or collapses), and an empty range stays empty.
     */
    @Test
    void transformedRangesStayInsideTheDocumentAndKeepTheirDirection() {
        long baseSeed = 0x5E1EC7L;
        for (int i = 0; i < 1_000; i++) {
            long seed = baseSeed + i;
            Random random = new Random(seed);
            String d = RandomOps.document(random);
            TextOperation op = RandomOps.operation(random, d);
            Range range = new Range(RandomOps.boundary(random, d), RandomOps.boundary(random, d));
            boolean byOwner = random.nextBoolean();
            Range moved = range.transform(op, byOwner);
            String context = "seed " + seed + " d=" + RandomOps.quote(d) + " op=" + op + " range=" + range + " byOwner=" + byOwner;
            assertTrue(0 <= moved.from() && moved.to() <= op.targetLength(), context);
            assertTrue(moved.isEmpty() || (range.anchor() < range.head()) == (moved.anchor() < moved.head()), context);
            assertTrue(!range.isEmpty() || moved.isEmpty(), context);
        }
    }
}
