package app.concord.collab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Makes revisions durable in groups: whatever has queued while the previous commit ran
 * is written in the next single transaction, so one commit's latency is shared by every
 * edit that waited for it, and durability does not cap throughput.
 *
 * <p>At most one drain runs at a time, on {@code executor}; it exits when the queue is
 * empty, so no thread is held while the server is idle. After a commit each document
 * hears the highest revision now durable; when a commit fails, each document in it hears
 * of the failure and its later queued revisions are dropped, never stored out of order.
 */
public final class GroupCommitter {

    private static final System.Logger LOG = System.getLogger(GroupCommitter.class.getName());

    private final DocumentStore store;
    private final Executor executor;
    private final int maxBatch;
    private final CommitObserver observer;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    public GroupCommitter(DocumentStore store, Executor executor, int maxBatch) {
        this(store, executor, maxBatch, CommitObserver.NONE);
    }

    public GroupCommitter(DocumentStore store, Executor executor, int maxBatch, CommitObserver observer) {
        this.store = store;
        this.executor = executor;
        this.maxBatch = maxBatch;
        this.observer = observer;
    }

    /** Revisions queued and not yet in a transaction; counts the queue, so for occasional use. */
    int waiting() {
        return queue.size();
    }

    /** Queues {@code commit} of {@code document}; callers queue one document's revisions in order. */
    void enqueue(Commit commit, LiveDocument document) {
        queue.add(new Pending(commit, document));
        schedule();
    }

    private void schedule() {
        if (draining.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (RuntimeException e) {
                draining.set(false);
                LOG.log(System.Logger.Level.ERROR, "event=commit-failed id=" + Incidents.idOf(e) + " cannot schedule a commit", e);
                observer.failed(e);
                failAll(e);
            }
        }
    }

    private void drain() {
        try {
            List<Pending> batch = new ArrayList<>();
            while (true) {
                batch.clear();
                Pending p;
                while (batch.size() < maxBatch && (p = queue.poll()) != null) {
                    if (!p.document.isBroken()) {
                        batch.add(p);
                    }
                }
                if (batch.isEmpty()) {
                    return;
                }
                commit(batch);
            }
        } finally {
            draining.set(false);
            if (!queue.isEmpty()) {
                schedule();
            }
        }
    }

    private void commit(List<Pending> batch) {
        Map<LiveDocument, Integer> highest = new LinkedHashMap<>();
        List<Commit> commits = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            commits.add(p.commit);
            highest.put(p.document, p.commit.revision().rev());
        }
        long start = System.nanoTime();
        try {
            store.commit(commits);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "event=commit-failed id=" + Incidents.idOf(e) + " revisions=" + commits.size(), e);
            observer.failed(e);
            highest.keySet().forEach(d -> d.failed(e));
            return;
        }
        observer.committed(commits.size(), System.nanoTime() - start);
        highest.forEach(LiveDocument::durable);
    }

    private void failAll(RuntimeException e) {
        Pending p;
        while ((p = queue.poll()) != null) {
            p.document.failed(e);
        }
    }

    private record Pending(Commit commit, LiveDocument document) {
    }
}
