package app.concord.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.client.ConcordException;
import app.concord.client.ConnectionState;
import app.concord.client.DocumentListener;
import app.concord.client.RemoteDocument;
import app.concord.ot.TextOperation;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * People typing into one document with the client library, each from a server of its own
 * choosing, and what each was told: the "nothing lost, nothing doubled" check of the cluster
 * tests, as in RestartIT and DatabaseOutageIT. Each typist inserts numbered tokens
 * ({@code <name:k>}) at random places outside other tokens, so that in the end every token
 * anyone typed can be counted in the text: exactly once.
 */
final class Typists implements AutoCloseable {

    /** One person: the library's document, the tokens typed, and those acknowledged with when. */
    static final class Typist implements DocumentListener {
        final String name;
        final RemoteDocument doc;
        final List<String> typed = Collections.synchronizedList(new ArrayList<>());
        /** Nanosecond times of the acknowledgements, in the order they came. */
        final List<Long> acknowledgedAt = Collections.synchronizedList(new ArrayList<>());
        final List<String> errors = new CopyOnWriteArrayList<>();
        private volatile int drops;

        private Typist(String name, URI server, String doc) throws InterruptedException {
            this.name = name;
            this.doc = new ServerUnderTest(server).join(doc, ServerUnderTest.options(name), this);
        }

        /** Types the next token; {@code k} numbers it. */
        void type(int k, Random random) {
            String token = "<" + name + ":" + k + ">";
            typed.add(token);
            doc.edit(text -> TextOperation.splice(text.length(),
                    CollaborationIT.boundaryAtOrAfter(text, random.nextInt(text.length() + 1)), 0, token))
                    .thenRun(() -> acknowledgedAt.add(System.nanoTime()));
        }

        /** Edits acknowledged so far. */
        int acknowledged() {
            return acknowledgedAt.size();
        }

        /** The time of the first acknowledgement after {@code nanos}, or -1 if none came yet. */
        long firstAcknowledgedAfter(long nanos) {
            synchronized (acknowledgedAt) {
                return acknowledgedAt.stream().filter(t -> t > nanos).findFirst().orElse(-1L);
            }
        }

        /** How often the connection dropped. */
        int drops() {
            return drops;
        }

        @Override
        public void stateChanged(ConnectionState state, Throwable cause) {
            if (state == ConnectionState.RECONNECTING) {
                drops++;
            }
        }

        @Override
        public void error(ConcordException error) {
            errors.add(error.getMessage());
        }
    }

    private final String doc;
    private final List<Typist> typists = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Future<?>> running = new ArrayList<>();
    private final AtomicBoolean typing = new AtomicBoolean();

    Typists(String doc) {
        this.doc = doc;
    }

    String doc() {
        return doc;
    }

    /** A new typist named {@code name} (also its client id) on {@code server} ({@code http://host:port/}). */
    Typist join(String name, URI server) throws InterruptedException {
        Typist typist = new Typist(name, server, doc);
        typists.add(typist);
        return typist;
    }

    List<Typist> all() {
        return typists;
    }

    /** Every typist types a token, then waits {@code pause}, on a thread of its own until {@link #stop()}. */
    void start(Duration pause, long seed) {
        typing.set(true);
        for (int i = 0; i < typists.size(); i++) {
            Typist typist = typists.get(i);
            Random random = new Random(seed + i);
            running.add(threads.submit(() -> {
                for (int k = 0; typing.get(); k++) {
                    typist.type(k, random);
                    Thread.sleep(pause.toMillis());
                }
                return null;
            }));
        }
    }

    /** Stops typing (the edits made are still on their way). */
    void stop() throws Exception {
        typing.set(false);
        for (Future<?> f : running) {
            f.get();
        }
        running.clear();
    }

    /** Waits until every typist has had at least {@code edits} edits acknowledged. */
    void awaitAcknowledged(int edits, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Typist t : typists) {
            while (t.acknowledged() < edits) {
                assertTrue(System.nanoTime() < deadline, () -> t.name + " had " + t.acknowledged() + " edits acknowledged, not "
                        + edits + ", within " + timeout + " (" + t.doc.state() + ")");
                Thread.sleep(10);
            }
        }
    }

    /**
     * Waits until every typist has had an edit acknowledged after {@code nanos} (a
     * {@link System#nanoTime()}), at most until {@code nanos + within}; returns how long after
     * {@code nanos} the last of them came.
     */
    Duration awaitAcknowledgedAfter(long nanos, Duration within) throws InterruptedException {
        long deadline = nanos + within.toNanos();
        long slowest = 0;
        for (Typist t : typists) {
            long first;
            while ((first = t.firstAcknowledgedAfter(nanos)) < 0) {
                assertTrue(System.nanoTime() < deadline, () -> t.name + " had no edit acknowledged within " + within + " ("
                        + t.doc.state() + ", " + t.doc.unacknowledgedEdits() + " unacknowledged, " + t.drops() + " drops)");
                Thread.sleep(5);
            }
            slowest = Math.max(slowest, first - nanos);
        }
        return Duration.ofNanos(slowest);
    }

    /**
     * The longest any typist waited between two acknowledgements, the later one after
     * {@code nanos}: the longest pause in saving that anyone saw since then.
     */
    Duration longestPauseAfter(long nanos) {
        long longest = 0;
        for (Typist t : typists) {
            synchronized (t.acknowledgedAt) {
                for (int i = 1; i < t.acknowledgedAt.size(); i++) {
                    if (t.acknowledgedAt.get(i) > nanos) {
                        longest = Math.max(longest, t.acknowledgedAt.get(i) - t.acknowledgedAt.get(i - 1));
                    }
                }
            }
        }
        return Duration.ofNanos(longest);
    }

    /**
     * Waits until everything typed is acknowledged and every replica is at the last revision,
     * then checks that all replicas and {@code server}'s document have the same text, with
     * every token typed in it exactly once, and that nobody was told of an error. Returns the text.
     */
    String assertConverged(ServerUnderTest server, Duration timeout) throws Exception {
        for (Typist t : typists) {
            try {
                t.doc.awaitAcknowledged(timeout);
            } catch (TimeoutException e) {
                throw new AssertionError(t.name + ": " + t.doc.unacknowledgedEdits() + " edits still unacknowledged after "
                        + timeout + " (" + t.doc.state() + ", " + t.drops() + " drops, errors " + t.errors + ")", e);
            }
        }
        int rev = typists.stream().mapToInt(t -> t.doc.revision()).max().orElseThrow();
        for (Typist t : typists) {
            ServerUnderTest.awaitRevision(t.doc, rev, timeout);
        }
        String text = server.json("/api/docs/" + doc).getString("text");
        for (Typist t : typists) {
            assertEquals(rev, t.doc.revision(), t.name + "'s revision");
            assertTrue(text.equals(t.doc.text()), () -> t.name + "'s replica differs from the server's text");
            assertTrue(t.errors.isEmpty(), () -> t.name + " was told of " + t.errors.size() + " errors, "
                    + new TreeSet<>(t.errors));
            List<String> typed;
            synchronized (t.typed) {
                typed = new ArrayList<>(t.typed);
            }
            for (String token : typed) {
                int found = CollaborationIT.occurrences(text, token);
                assertEquals(1, found, () -> token + " is in the text " + found + " times");
            }
        }
        return text;
    }

    /** Edits typed by everyone. */
    int typed() {
        return typists.stream().mapToInt(t -> t.typed.size()).sum();
    }

    @Override
    public void close() throws InterruptedException {
        typing.set(false);
        threads.shutdownNow();
        for (Typist t : typists) {
            t.doc.close();
        }
    }
}
