package app.concord.bench;

import app.concord.ot.TextBuffer;
import app.concord.ot.TextOperation;
import app.concord.traces.Trace;
import java.util.ArrayList;
import java.util.List;
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
 * A whole editing trace applied to an empty {@link TextBuffer} (target for automerge-paper,
 * 259,778 single-character edits: 60 ms or less): straight through the buffer's insert and
 * delete, and as one {@link TextOperation} per patch (splice, then applyTo), as the server
 * applies an operation. The operations are built in the setup, so only applying is timed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TraceReplayBench {

    @Param({"automerge-paper"})
    public String trace;

    private List<Trace.Patch> patches;
    private TextOperation[] operations;
    private String endContent;

    @Setup
    public void load() {
        Trace t = Trace.load(trace);
        patches = t.patches();
        endContent = t.endContent();
        List<TextOperation> ops = new ArrayList<>(patches.size());
        int length = t.startContent().length();
        for (Trace.Patch p : patches) {
            TextOperation op = TextOperation.splice(length, p.pos(), p.deleteCount(), p.inserted());
            ops.add(op);
            length = op.targetLength();
        }
        operations = ops.toArray(TextOperation[]::new);
        if (!buffer().toString().equals(endContent) || !operations().toString().equals(endContent)) {
            throw new IllegalStateException("replay of " + trace + " does not reach its endContent");
        }
    }

    @Benchmark
    public TextBuffer buffer() {
        TextBuffer text = new TextBuffer();
        for (Trace.Patch p : patches) {
            if (p.deleteCount() > 0) {
                text.delete(p.pos(), p.deleteCount());
            }
            if (!p.inserted().isEmpty()) {
                text.insert(p.pos(), p.inserted());
            }
        }
        return text;
    }

    @Benchmark
    public TextBuffer operations() {
        TextBuffer text = new TextBuffer();
        for (TextOperation op : operations) {
            op.applyTo(text);
        }
        return text;
    }
}
