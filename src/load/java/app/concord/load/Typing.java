package app.concord.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Writers typing at a fixed rate each, on two threads of their own: each starts at a random
 * moment of the first period and types with a {@link Random} of its own, all drawn from one
 * seed, so that a run can be repeated.
 */
final class Typing implements AutoCloseable {

    private final ScheduledExecutorService threads = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "typist");
        t.setDaemon(true);
        return t;
    });
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
    private final Random seeds;
    private final long periodNanos;

    /** @param rate keystrokes per second of each writer */
    Typing(double rate, long seed) {
        this.seeds = new Random(seed);
        this.periodNanos = (long) (1e9 / rate);
    }

    /** {@code writer} types: {@code type} is called at the rate, with the writer's own random. */
    <W> void start(W writer, BiConsumer<W, Random> type) {
        Random random = new Random(seeds.nextLong());
        tasks.add(threads.scheduleAtFixedRate(() -> type.accept(writer, random), random.nextLong(periodNanos), periodNanos,
                TimeUnit.NANOSECONDS));
    }

    /** Something else to do every {@code seconds} while the writers type (pings). */
    void every(long seconds, Runnable task) {
        tasks.add(threads.scheduleAtFixedRate(task, seconds, seconds, TimeUnit.SECONDS));
    }

    /** Stops every writer; returns once no keystroke is under way (or after 5 seconds). */
    @Override
    public void close() throws InterruptedException {
        tasks.forEach(t -> t.cancel(false));
        threads.shutdown();
        threads.awaitTermination(5, TimeUnit.SECONDS);
    }
}
