package app.concord.collab;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * What one document may tell only once a revision is durable, in the order it was decided:
 * each action waits for its revision and for every action queued before it, so connections
 * hear revisions in order with no gaps, and an {@code ack} is never ahead of the disk.
 *
 * <p>Not thread-safe: its document's lock guards it.
 */
final class DurableOrder {

    private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
    private int durable;

    /** @param durable the newest revision already durable */
    DurableOrder(int durable) {
        this.durable = durable;
    }

    /** The newest durable revision. */
    int durable() {
        return durable;
    }

    /** Runs {@code action} once revision {@code rev} is durable, after everything queued before it. */
    void after(int rev, Runnable action) {
        after(rev, action, cause -> { });
    }

    /** As above; {@code abandoned} hears why instead when the revision will never be durable here. */
    void after(int rev, Runnable action, Consumer<Throwable> abandoned) {
        if (queue.isEmpty() && rev <= durable) {
            action.run();
        } else {
            queue.addLast(new Waiting(rev, action, abandoned));
        }
    }

    /** Every revision up to {@code rev} is durable: runs what waited for it. */
    void durableUpTo(int rev) {
        if (rev > durable) {
            durable = rev;
        }
        Waiting next;
        while ((next = queue.peekFirst()) != null && next.rev <= durable) {
            queue.removeFirst();
            next.action.run();
        }
    }

    /** Nothing waits, and {@code rev} is durable. */
    boolean settledAt(int rev) {
        return queue.isEmpty() && durable >= rev;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** The revisions waited for will never be durable here: drops every action, telling each why. */
    void abandon(Throwable cause) {
        Waiting w;
        while ((w = queue.pollFirst()) != null) {
            w.abandoned.accept(cause);
        }
    }

    private record Waiting(int rev, Runnable action, Consumer<Throwable> abandoned) {
    }
}
