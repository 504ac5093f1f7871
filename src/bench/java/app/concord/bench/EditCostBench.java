package app.concord.bench;

import app.concord.ot.TextBuffer;
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
 * The cost of one single-character edit, built as a {@link TextOperation} and applied to a
 * {@link TextBuffer} as the server does, on a 10 KB and a 10 MB document. {@code typing}:
 * a caret that drifts a few characters between edits, alternately typing and backspacing
 * (the size stays put); this is what must be flat in the document size. {@code randomPosition}:
 * every edit somewhere else, which moves the gap across the text, for contrast.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EditCostBench {

    @Param({"10240", "10485760"})
    public int size;

    private TextBuffer text;
    private SplittableRandom random;
    private int caret;
    private boolean backspace;

    @Setup
    public void fill() {
        StringBuilder s = new StringBuilder(size);
        SplittableRandom r = new SplittableRandom(1);
        while (s.length() < size) {
            s.append(r.nextInt(12) == 0 ? '\n' : (char) ('a' + r.nextInt(26)));
        }
        text = new TextBuffer(s);
        random = new SplittableRandom(2);
        caret = size / 2;
    }

    @Benchmark
    public int typing() {
        int length = text.length();
        caret = Math.max(1, Math.min(length - 1, caret + random.nextInt(-8, 9)));
        TextOperation op = backspace ? TextOperation.splice(length, caret - 1, 1, "")
                : TextOperation.splice(length, caret, 0, "x");
        backspace = !backspace;
        op.applyTo(text);
        return text.length();
    }

    @Benchmark
    public int randomPosition() {
        int length = text.length();
        int pos = random.nextInt(1, length);
        TextOperation op = backspace ? TextOperation.splice(length, pos - 1, 1, "")
                : TextOperation.splice(length, pos, 0, "x");
        backspace = !backspace;
        op.applyTo(text);
        return text.length();
    }
}
