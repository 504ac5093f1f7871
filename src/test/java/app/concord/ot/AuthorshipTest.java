package app.concord.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import app.concord.traces.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Authorship} and {@link AuthorshipBuffer} against the plain model: one author per code
 * unit, edited like the text. Random inputs are seeded; a failure names the seed and the input.
 */
class AuthorshipTest {

    static final String[] AUTHORS = {"Qm9iIHdhcyBoZXJl", "~c1", "~tab-7", "x"};

    /** The model: the author of every code unit, in a list edited exactly as the text is. */
    static List<String> perUnit(Authorship a) {
        List<String> units = new ArrayList<>(a.length());
        for (Authorship.Run run : a.runs()) {
            for (int i = 0; i < run.length(); i++) {
                units.add(run.author());
            }
        }
        return units;
    }

    static Authorship fromUnits(List<String> units) {
        Authorship.Builder b = Authorship.builder();
        for (String u : units) {
            b.add(1, u);
        }
        return b.build();
    }

    /** The model's apply: walk the operation, copying kept authors and adding the inserted ones in order. */
    static List<String> applyModel(List<String> before, TextOperation op, List<String> insertedAuthors) {
        List<String> after = new ArrayList<>();
        int pos = 0;
        int next = 0;
        for (Component c : op.components()) {
            if (c instanceof Component.Retain) {
                after.addAll(before.subList(pos, pos + c.length()));
                pos += c.length();
            } else if (c instanceof Component.Insert) {
                after.addAll(insertedAuthors.subList(next, next + c.length()));
                next += c.length();
            } else {
                pos += c.length();
            }
        }
        return after;
    }

    static Authorship randomRuns(Random random, int length) {
        Authorship.Builder b = Authorship.builder();
        int left = length;
        while (left > 0) {
            int n = 1 + random.nextInt(Math.min(left, 4));
            b.add(n, AUTHORS[random.nextInt(AUTHORS.length)]);
            left -= n;
        }
        return b.build();
    }

    @Test
    void applyingAnOperationAttributesInsertsToItsAuthorAndKeepsTheRest() {
        for (int seed = 0; seed < 2_000; seed++) {
            Random random = new Random(seed);
            String doc = RandomOps.document(random);
            Authorship before = randomRuns(random, doc.length());
            TextOperation op = RandomOps.operation(random, doc);
            String author = AUTHORS[random.nextInt(AUTHORS.length)];
            List<String> inserted = new ArrayList<>();
            for (int i = 0; i < op.insertedLength(); i++) {
                inserted.add(author);
            }
            Authorship expected = fromUnits(applyModel(perUnit(before), op, inserted));
            String input = "seed " + seed + ": " + before + " then " + op + " by " + author;
            assertEquals(expected, before.apply(op, author), input);
            assertEquals(op.targetLength(), before.apply(op, author).length(), input);
        }
    }

    @Test
    void insertedTextTakesTheGivenAuthorsInOrder() {
        for (int seed = 0; seed < 2_000; seed++) {
            Random random = new Random(seed);
            String doc = RandomOps.document(random);
            Authorship before = randomRuns(random, doc.length());
            TextOperation op = RandomOps.operation(random, doc);
            Authorship inserted = randomRuns(random, op.insertedLength());
            Authorship expected = fromUnits(applyModel(perUnit(before), op, perUnit(inserted)));
            assertEquals(expected, before.apply(op, inserted), "seed " + seed + ": " + before + " then " + op + " with " + inserted);
        }
    }

    @Test
    void runsAreCanonicalSoEqualAttributionMeansEqualRuns() {
        Authorship built = Authorship.builder().add(2, "a").add(0, "b").add(3, "a").add(1, "b").build();
        assertEquals("[[5,\"a\"],[1,\"b\"]]", built.toString());
        assertEquals(Authorship.of(6, "a"), Authorship.of(2, "b").apply(TextOperation.fromWire(List.of(-2, "aaaaaa")), "a"));
        assertEquals(Authorship.empty(), Authorship.of(3, "a").apply(TextOperation.fromWire(List.of(-3)), "b"));
        assertEquals(0, Authorship.empty().runCount());
    }

    @Test
    void anInsertOfTheSameAuthorInsideTheirRunLeavesOneRun() {
        Authorship one = Authorship.of(4, "a").apply(TextOperation.fromWire(List.of(2, "xy", 2)), "a");
        assertEquals(List.of(new Authorship.Run(6, "a")), one.runs());
        Authorship split = Authorship.of(4, "a").apply(TextOperation.fromWire(List.of(2, "xy", 2)), "b");
        assertEquals("[[2,\"a\"],[2,\"b\"],[2,\"a\"]]", split.toString());
        Authorship rejoined = split.apply(TextOperation.fromWire(List.of(2, -2, 2)), "c");
        assertEquals(Authorship.of(4, "a"), rejoined);
    }

    @Test
    void anOperationThatDoesNotFitIsRefusedAndChangesNothing() {
        AuthorshipBuffer buffer = new AuthorshipBuffer(Authorship.of(3, "a"));
        assertThrows(InvalidOperationException.class, () -> buffer.apply(TextOperation.fromWire(List.of(4)), "b"));
        assertThrows(InvalidOperationException.class,
                () -> buffer.apply(TextOperation.fromWire(List.of(3, "xy")), Authorship.of(1, "b")));
        assertEquals(Authorship.of(3, "a"), buffer.toAuthorship());
    }

    /** Many edits into one buffer, so the gap travels both ways, splits runs, grows, and merges them again. */
    @Test
    void aBufferEditedManyTimesAgreesWithTheModelAfterEveryEdit() {
        for (int seed = 0; seed < 200; seed++) {
            Random random = new Random(seed);
            String text = RandomOps.document(random);
            Authorship start = randomRuns(random, text.length());
            AuthorshipBuffer buffer = new AuthorshipBuffer(start);
            List<String> model = perUnit(start);
            for (int step = 0; step < 60; step++) {
                TextOperation op = random.nextBoolean() ? RandomOps.operation(random, text)
                        : splice(random, text);
                String author = AUTHORS[random.nextInt(AUTHORS.length)];
                List<String> inserted = new ArrayList<>();
                for (int i = 0; i < op.insertedLength(); i++) {
                    inserted.add(author);
                }
                model = applyModel(model, op, inserted);
                text = op.apply(text);
                buffer.apply(op, author);
                assertEquals(fromUnits(model), buffer.toAuthorship(), "seed " + seed + " step " + step + ": " + op + " by " + author);
                assertEquals(fromUnits(model).runCount(), buffer.runCount());
            }
        }
    }

    @Test
    void aRecordedEditingSessionByTakingTurnsAgreesWithTheModel() {
        Trace trace = Trace.load("sveltecomponent");
        Random random = new Random(18);
        AuthorshipBuffer buffer = new AuthorshipBuffer(Authorship.of(trace.startContent().length(), "start"));
        List<String> model = new ArrayList<>(perUnit(Authorship.of(trace.startContent().length(), "start")));
        String author = AUTHORS[0];
        int step = 0;
        for (Trace.Patch p : trace.patches()) {
            if (random.nextInt(30) == 0) {
                author = AUTHORS[random.nextInt(AUTHORS.length)];
            }
            TextOperation op = TextOperation.splice(buffer.length(), p.pos(), p.deleteCount(), p.inserted());
            buffer.apply(op, author);
            model.subList(p.pos(), p.pos() + p.deleteCount()).clear();
            for (int i = 0; i < p.inserted().length(); i++) {
                model.add(p.pos() + i, author);
            }
            if (++step % 1_000 == 0) {
                assertEquals(fromUnits(model), buffer.toAuthorship(), "after patch " + step);
            }
        }
        assertEquals(trace.endContent().length(), buffer.length());
        assertEquals(fromUnits(model), buffer.toAuthorship());
    }

    @Test
    void insertedByNamesTheAuthorsOfTheResultWhereTheOperationInserts() {
        for (int seed = 0; seed < 1_000; seed++) {
            Random random = new Random(seed);
            String doc = RandomOps.document(random);
            TextOperation op = RandomOps.operation(random, doc);
            Authorship result = randomRuns(random, op.targetLength());
            List<String> expected = new ArrayList<>();
            List<String> resultUnits = perUnit(result);
            int target = 0;
            for (Component c : op.components()) {
                if (c instanceof Component.Insert) {
                    expected.addAll(resultUnits.subList(target, target + c.length()));
                }
                if (!(c instanceof Component.Delete)) {
                    target += c.length();
                }
            }
            Authorship inserted = Authorship.insertedBy(op, result);
            assertEquals(fromUnits(expected), inserted, "seed " + seed + ": " + op + " making " + result);
            // Applying the operation with those authors to anything gives the result's authors where it inserts.
            Authorship before = randomRuns(random, doc.length());
            assertEquals(inserted, Authorship.insertedBy(op, before.apply(op, inserted)));
        }
    }

    @Test
    void sliceAndAuthorAtReadTheRuns() {
        Authorship a = Authorship.builder().add(2, "a").add(3, "b").add(1, "c").build();
        assertEquals("b", a.authorAt(2));
        assertEquals("c", a.authorAt(5));
        assertThrows(IndexOutOfBoundsException.class, () -> a.authorAt(6));
        assertEquals("[[1,\"a\"],[2,\"b\"]]", a.slice(1, 4).toString());
        assertEquals(Authorship.empty(), a.slice(3, 3));
        assertEquals(List.of("a", "b", "c"), a.authors());
        assertEquals(a, Authorship.builder().add(a.slice(0, 3)).add(a.slice(3, 6)).build());
    }

    static TextOperation splice(Random random, String text) {
        int pos = RandomOps.boundary(random, text);
        int delete = random.nextInt(3) == 0 ? RandomOps.codeUnits(text, pos, 1 + random.nextInt(3)) : 0;
        return TextOperation.splice(text.length(), pos, delete, random.nextInt(4) == 0 ? "" : RandomOps.text(random, 3));
    }
}
