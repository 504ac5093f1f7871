package app.concord.bench;

import app.concord.ot.TextOperation;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link TextOperation#transform} and {@link TextOperation#compose} on operations like the
 * server sees them, on a 100,000-character document: {@code insert} and {@code delete} are
 * single-character edits at random positions, {@code multi} are operations of 10 scattered
 * edits (a buffered burst of typing or a multi-cursor edit). 1,024 pairs are prepared in the
 * setup and cycled through.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TransformComposeBench {

    private static final int PAIRS = 1024;
    private static final int LENGTH = 100_000;

    @Param({"insert", "delete", "multi"})
    public String kind;

    private final TextOperation[] a = new TextOperation[PAIRS];
    private final TextOperation[] concurrent = new TextOperation[PAIRS];
    private final TextOperation[] next = new TextOperation[PAIRS];
    private int i;

    @Setup
    public void prepare() {
        SplittableRandom r = new SplittableRandom(3);
        for (int k = 0; k < PAIRS; k++) {
            a[k] = edit(r, LENGTH);
            concurrent[k] = edit(r, LENGTH);
            next[k] = edit(r, a[k].targetLength());
        }
    }

    private TextOperation edit(SplittableRandom r, int length) {
        return switch (kind) {
            case "insert" -> TextOperation.splice(length, r.nextInt(length + 1), 0, "x");
            case "delete" -> TextOperation.splice(length, r.nextInt(length), 1, "");
            default -> multi(r, length, 10);
        };
    }

    /** {@code edits} inserts and deletes of 1 to 4 characters at ascending random positions. */
    private static TextOperation multi(SplittableRandom r, int length, int edits) {
        TextOperation.Builder b = TextOperation.builder();
        int gap = length / edits;
        int pos = 0;
        for (int e = 0; e < edits; e++) {
            int skip = r.nextInt(gap - 4);
            b.retain(skip);
            pos += skip;
            if (r.nextBoolean()) {
                b.insert("abcd".substring(0, 1 + r.nextInt(4)));
            } else {
                int n = 1 + r.nextInt(4);
                b.delete(n);
                pos += n;
            }
        }
        return b.retain(length - pos).build();
    }

    @Benchmark
    public TextOperation.Transformed transform() {
        int k = i++ & (PAIRS - 1);
        return TextOperation.transform(a[k], concurrent[k]);
    }

    @Benchmark
    public TextOperation compose() {
        int k = i++ & (PAIRS - 1);
        return a[k].compose(next[k]);
    }
}
