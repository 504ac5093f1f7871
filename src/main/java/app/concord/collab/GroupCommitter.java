package app.concord.collab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes revisions durable in groups: whatever has queued while the previous commit ran
 * is written in the next single transaction, so one commit's latency is shared by every
 * edit that waited for it, and durability does not cap throughput.
 *
 * <p>At most one drain runs at a time, on {@code executor}; it exits when the queue is
 * empty, so no thread is held while the server is idle. After a commit each document's
 * {@link CommitListener} hears the highest revision now durable.
 *
 * <p>A database that cannot be reached ({@link StoreUnavailableException}) loses nothing:
 * the batch is tried again, with growing pauses, until the database is back, and later
 * revisions wait behind it in order (a client has one operation in flight, so the wait is
 * bounded by the connections). Before each new try, documents whose revisions turn out to
 * be stored already (the failed commit's outcome was unknown) are reported durable. A
 * database that answers but refuses a batch has each document's part tried on its own, so
 * that only the refused documents fail; their later queued revisions are dropped, never
 * stored out of order. A document another server wrote first ({@link RevisionTakenException})
 * fails the same way, as a matter of course rather than a fault.
 */
public final class GroupCommitter {

    private static final System.Logger LOG = System.getLogger(GroupCommitter.class.getName());

    static final long FIRST_RETRY_MILLIS = 50;
    static final long LONGEST_RETRY_MILLIS = 2_000;

    private final DocumentStore store;
    private final Executor executor;
    private final int maxBatch;
    private final CommitObserver observer;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean outage;
    private volatile boolean stopping;

    public GroupCommitter(DocumentStore store, Executor executor, int maxBatch) {
        this(store, executor, maxBatch, CommitObserver.NONE);
    }

    public GroupCommitter(DocumentStore store, Executor executor, int maxBatch, CommitObserver observer) {
        this.store = store;
        this.executor = executor;
        this.maxBatch = maxBatch;
        this.observer = observer;
    }

    /** Queues {@code commit}; callers queue one document's revisions in order, each with that document's listener. */
    void enqueue(Commit commit, CommitListener listener) {
        waiting.incrementAndGet();
        queue.add(new Pending(commit, listener));
        schedule();
    }

    /** Revisions queued or being written, not yet durable ({@link LiveDocuments#revisionsWaitingForCommit()}). */
    int waiting() {
        return waiting.get();
    }

    /** True while the store cannot be reached and commits wait for it. */
    boolean inOutage() {
        return outage;
    }

    /**
     * Stops waiting for an unreachable store: the batch being tried and everything queued
     * fail (their clients resend them elsewhere or later). What the store can take is still
     * written; call before the executor is shut down.
     */
    public void stop() {
        stopping = true;
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
                    if (p.listener.stillWanted()) {
                        batch.add(p);
                    } else {
                        waiting.decrementAndGet();
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
        List<Pending> remaining = new ArrayList<>(batch);
        long pause = FIRST_RETRY_MILLIS;
        boolean retry = false;
        while (!remaining.isEmpty()) {
            try {
                if (retry) {
                    remaining = withoutStored(remaining);
                    if (remaining.isEmpty()) {
                        break;
                    }
                }
                write(remaining);
                break;
            } catch (StoreUnavailableException e) {
                observer.failed(e);
                enterOutage(e);
                if (stopping || !pause(pause)) {
                    fail(remaining, e);
                    return;
                }
                pause = Math.min(pause * 2, LONGEST_RETRY_MILLIS);
                retry = true;
            } catch (RevisionTakenException e) {
                // Another server writes one of these documents too: find out which.
                remaining = eachDocumentOnItsOwn(remaining);
                retry = true;
            } catch (RuntimeException e) {
                observer.failed(e);
                LOG.log(System.Logger.Level.WARNING, "event=commit-failed id=" + Incidents.idOf(e) + " revisions="
                        + remaining.size() + ": refused; committing each document on its own", e);
                remaining = eachDocumentOnItsOwn(remaining);
                retry = true;
            }
        }
        if (outage) {
            outage = false;
            LOG.log(System.Logger.Level.INFO, "event=store-available: the document store answers again;"
                    + " waiting edits are being saved");
            observer.available();
        }
    }

    /** Stores {@code pendings} in one transaction and tells their documents. */
    private void write(List<Pending> pendings) {
        List<Commit> commits = new ArrayList<>(pendings.size());
        Map<CommitListener, Integer> highest = new LinkedHashMap<>();
        for (Pending p : pendings) {
            commits.add(p.commit);
            highest.put(p.listener, p.commit.revision().rev());
        }
        long start = System.nanoTime();
        store.commit(commits);
        observer.committed(commits.size(), System.nanoTime() - start);
        waiting.addAndGet(-pendings.size());
        highest.forEach(CommitListener::durable);
    }

    /**
     * Each document's revisions in a transaction of their own: the refused ones fail their
     * document; the rest are stored. Returns the revisions that met an unreachable store.
     */
    private List<Pending> eachDocumentOnItsOwn(List<Pending> pendings) {
        List<Pending> unwritten = new ArrayList<>();
        for (List<Pending> document : byDocument(pendings).values()) {
            if (!unwritten.isEmpty()) {
                unwritten.addAll(document);
                continue;
            }
            try {
                write(document);
            } catch (StoreUnavailableException e) {
                unwritten.addAll(document);
            } catch (RevisionTakenException e) {
                taken(document, e);
            } catch (RuntimeException e) {
                observer.failed(e);
                LOG.log(System.Logger.Level.ERROR, "event=commit-refused id=" + Incidents.idOf(e) + ": revisions "
                        + document.get(0).commit.revision().rev() + ".."
                        + document.get(document.size() - 1).commit.revision().rev() + " cannot be stored", e);
                observer.refused(e);
                fail(document, e);
            }
        }
        return unwritten;
    }

    /**
     * Drops the documents whose revisions are stored already: a commit whose outcome was
     * unknown may have gone through. Such a document hears they are durable; one whose
     * revision was stored by another writer fails.
     */
    private List<Pending> withoutStored(List<Pending> pendings) {
        List<Pending> left = new ArrayList<>();
        for (List<Pending> document : byDocument(pendings).values()) {
            Commit first = document.get(0).commit;
            int rev = first.revision().rev();
            var stored = store.revisions(first.docId(), rev - 1, rev);
            if (stored.isEmpty()) {
                left.addAll(document);
            } else if (stored.get(0).client().equals(first.revision().client())
                    && stored.get(0).seq() == first.revision().seq()) {
                // One transaction wrote the whole batch: if its first revision is there, all are.
                waiting.addAndGet(-document.size());
                document.get(0).listener.durable(document.get(document.size() - 1).commit.revision().rev());
            } else {
                taken(document, new RevisionTakenException("revision " + rev + " of " + first.docId()
                        + " was stored by another writer", null));
            }
        }
        return left;
    }

    /** Another server stored one of {@code document}'s revisions first: none of them is stored here. */
    private void taken(List<Pending> document, RevisionTakenException e) {
        LOG.log(System.Logger.Level.INFO, () -> "event=revision-taken revisions=" + document.size()
                + ": another server stored this document's revision first; its clients resume there");
        observer.revisionTaken();
        fail(document, e);
    }

    private void enterOutage(StoreUnavailableException e) {
        if (!outage) {
            outage = true;
            LOG.log(System.Logger.Level.ERROR, "event=store-unavailable: " + e.getMessage()
                    + "; edits wait unacknowledged and are saved when it is back", e);
            observer.unavailable(e.getMessage());
        }
    }

    /** Sleeps; false when interrupted (the server is stopping). */
    private boolean pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Map<String, List<Pending>> byDocument(List<Pending> pendings) {
        Map<String, List<Pending>> documents = new LinkedHashMap<>();
        for (Pending p : pendings) {
            documents.computeIfAbsent(p.commit.docId(), d -> new ArrayList<>()).add(p);
        }
        return documents;
    }

    private void fail(List<Pending> pendings, RuntimeException e) {
        waiting.addAndGet(-pendings.size());
        pendings.stream().map(Pending::listener).distinct().forEach(l -> l.failed(e));
    }

    private void failAll(RuntimeException e) {
        Pending p;
        while ((p = queue.poll()) != null) {
            waiting.decrementAndGet();
            p.listener.failed(e);
        }
    }

    private record Pending(Commit commit, CommitListener listener) {
    }
}
