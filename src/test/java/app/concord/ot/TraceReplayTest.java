package app.concord.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import app.concord.collab.DocumentAuthority;
import app.concord.collab.HistorySource;
import app.concord.collab.Receipt;
import app.concord.traces.Trace;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Real editing sessions (src/test/resources/traces) replayed patch by patch as operations. */
class TraceReplayTest {

    private static final Map<String, Trace> LOADED = new ConcurrentHashMap<>();

    static List<String> traces() {
        return Trace.NAMES;
    }

    private static Trace trace(String name) {
        return LOADED.computeIfAbsent(name, Trace::load);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("traces")
    void replayingATraceIntoABufferGivesItsEndContent(String name) {
        Trace trace = trace(name);
        assertFalse(trace.patches().isEmpty());
        TextBuffer buffer = new TextBuffer(trace.startContent());
        int step = 0;
        for (Trace.Patch p : trace.patches()) {
            TextOperation op = TextOperation.splice(buffer.length(), p.pos(), p.deleteCount(), p.inserted());
            try {
                op.applyTo(buffer);
            } catch (RuntimeException e) {
                throw new AssertionError(name + " patch " + step + " " + p + " as " + op, e);
            }
            step++;
        }
        assertEquals(trace.endContent(), buffer.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("traces")
    void replayingATraceThroughTheAuthorityGivesItsEndContent(String name) {
        Trace trace = trace(name);
        DocumentAuthority authority = new DocumentAuthority(name, trace.startContent(), 0, List.of(), Map.of(),
                Integer.MAX_VALUE, 100, HistorySource.NONE);
        long seq = 1;
        for (Trace.Patch p : trace.patches()) {
            TextOperation op = TextOperation.splice(authority.length(), p.pos(), p.deleteCount(), p.inserted());
            Receipt receipt = authority.receive(authority.revision(), "typist", seq, op);
            assertEquals(seq, receipt.rev(), name + " patch " + (seq - 1));
            seq++;
        }
        assertEquals(trace.patches().size(), authority.revision());
        assertEquals(trace.endContent(), authority.text().toString());
    }
}
