package app.concord.documents.control;

import app.concord.collab.Commit;
import app.concord.collab.RevisionTakenException;
import app.concord.collab.StoreUnavailableException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Commits made durable by a {@link CommitJournal} at once and written to the database a few
 * times a second, many batches in one transaction: for a database that this store alone
 * writes (Concord's own H2 file), where a transaction costs about the same whatever it
 * carries and a batch, under steady typing, carries about one revision (BENCHMARKS.md, "The
 * commit journal").
 *
 * <p>The contract of {@code DocumentStore.commit} holds: {@link #accept} returns once the
 * batch is in the journal's file, which survives a crash of the process (and, once a second,
 * is forced to the disk); it throws, having stored nothing, for a batch that does not follow
 * what was accepted before. Every read of the store first {@link #drain drains}: it sees
 * every accepted batch. A batch stays in the journal until a transaction of the database
 * holds it; at the next start, {@link #open} hands the database what it lacks.
 */
final class WriteBehind implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(WriteBehind.class.getName());

    /**
     * Accepted commits waiting for the database beyond which {@link #accept} first writes
     * them, so that a database that refuses them holds up new edits rather than memory.
     */
    static final int MAX_WAITING_COMMITS = 50_000;

    /** How many documents' last accepted revisions are kept; the others are asked of the database. */
    static final int KNOWN_DOCUMENTS = 10_000;

    private static final long FORCE_EVERY_NANOS = 1_000_000_000L;

    /** Where the batches go for good. */
    interface Target {

        /** The last revision of {@code docId} that the database holds, 0 for none. */
        int lastStored(String docId);

        /** Writes {@code batches} in one transaction, each with its commit time; throws, having stored nothing, when it cannot. */
        void store(List<CommitJournal.Batch> batches);
    }

    private final CommitJournal journal;
    private final Target database;
    private final ReentrantLock draining = new ReentrantLock();
    /** Guards the journal's appends, {@link #waiting} and {@link #accepted}. */
    private final Object appending = new Object();
    private List<CommitJournal.Batch> waiting = new ArrayList<>();
    private int waitingCommits;
    private boolean appendedSinceForce;
    private long lastForceNanos = System.nanoTime();
    private volatile String problem;
    private String loggedProblem;
    private final Map<String, Integer> accepted = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > KNOWN_DOCUMENTS;
        }
    };

    private WriteBehind(CommitJournal journal, Target database, List<CommitJournal.Batch> unstored) {
        this.journal = journal;
        this.database = database;
        for (CommitJournal.Batch batch : unstored) {
            waiting.add(batch);
            waitingCommits += batch.commits().size();
            for (Commit c : batch.commits()) {
                accepted.put(c.docId(), c.revision().rev());
            }
        }
    }

    /**
     * Takes the journal in {@code folder} and finds what of it the database lacks: the
     * revisions an earlier run accepted but did not write, a crash having stopped it. They
     * are the first to be written.
     *
     * @throws IOException when the journal cannot be read, or another store holds it
     */
    static WriteBehind open(java.nio.file.Path folder, Target database) throws IOException {
        CommitJournal journal = CommitJournal.open(folder);
        try {
            List<CommitJournal.Batch> recovered = journal.recovered();
            List<CommitJournal.Batch> unstored = unstored(recovered, database);
            if (!recovered.isEmpty()) {
                int revisions = unstored.stream().mapToInt(b -> b.commits().size()).sum();
                LOG.log(System.Logger.Level.INFO, "event=journal-recovered: " + revisions
                        + " revisions in the commit journal " + folder + " were not in the database yet; writing them");
            }
            if (unstored.isEmpty()) {
                journal.deleteSealed();
            }
            return new WriteBehind(journal, database, unstored);
        } catch (IOException | RuntimeException e) {
            try {
                journal.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Makes {@code batch} durable in the journal.
     *
     * @throws RevisionTakenException     when a revision of it was accepted already
     * @throws IllegalStateException      when a revision does not follow the accepted ones
     * @throws StoreUnavailableException  when the journal cannot be written, or too many commits wait for a database that fails
     */
    void accept(List<Commit> batch, long createdMillis) {
        Map<String, Integer> first = OpLogWriter.firstRevisions(batch);
        boolean full;
        List<String> unknown = new ArrayList<>();
        synchronized (appending) {
            full = waitingCommits >= MAX_WAITING_COMMITS;
            for (String docId : first.keySet()) {
                if (!accepted.containsKey(docId)) {
                    unknown.add(docId);
                }
            }
        }
        if (full || !unknown.isEmpty()) {
            drain();
        }
        Map<String, Integer> stored = new HashMap<>();
        for (String docId : unknown) {
            stored.put(docId, database.lastStored(docId));
        }
        synchronized (appending) {
            for (Map.Entry<String, Integer> e : first.entrySet()) {
                Integer known = accepted.get(e.getKey());
                int last = known != null ? known : stored.computeIfAbsent(e.getKey(), database::lastStored);
                int rev = e.getValue();
                if (rev <= last) {
                    throw new RevisionTakenException("revision " + rev + " of " + e.getKey() + " is stored already", null);
                }
                if (rev != last + 1) {
                    throw new IllegalStateException("revision " + rev + " of " + e.getKey()
                            + " does not follow a stored revision: " + (rev - 1) + " is missing");
                }
            }
            try {
                journal.append(batch, createdMillis);
            } catch (IOException e) {
                throw new StoreUnavailableException("cannot write the commit journal in " + journal.folder() + ": " + e.getMessage(), e);
            }
            waiting.add(new CommitJournal.Batch(List.copyOf(batch), createdMillis));
            waitingCommits += batch.size();
            appendedSinceForce = true;
            for (Commit c : batch) {
                accepted.put(c.docId(), c.revision().rev());
            }
        }
    }

    /**
     * Writes every accepted batch to the database, in one transaction, and deletes the journal
     * segments that held them.
     *
     * @throws StoreUnavailableException when the database does not take them; they stay waiting
     */
    void drain() {
        draining.lock();
        try {
            List<CommitJournal.Batch> taken;
            synchronized (appending) {
                if (waiting.isEmpty()) {
                    return;
                }
                taken = waiting;
                waiting = new ArrayList<>();
                sealJournal();
            }
            try {
                database.store(taken);
            } catch (RuntimeException e) {
                synchronized (appending) {
                    taken.addAll(waiting);
                    waiting = taken;
                }
                String reason = "revisions accepted in the commit journal cannot be written to the database yet"
                        + " (they are kept and written when it takes them): " + e.getMessage();
                problem = reason;
                if (!reason.equals(loggedProblem)) {
                    loggedProblem = reason;
                    LOG.log(System.Logger.Level.ERROR, "event=journal-behind: " + reason, e);
                }
                throw e instanceof StoreUnavailableException u ? u : new StoreUnavailableException(reason, e);
            }
            if (problem != null) {
                LOG.log(System.Logger.Level.INFO, "event=journal-caught-up: the database holds every accepted revision again");
                problem = null;
                loggedProblem = null;
            }
            synchronized (appending) {
                for (CommitJournal.Batch b : taken) {
                    waitingCommits -= b.commits().size();
                }
                try {
                    journal.deleteSealed();
                } catch (IOException e) {
                    // Read again at the next start and found stored: nothing is written twice.
                    LOG.log(System.Logger.Level.WARNING, "cannot delete a segment of the commit journal: " + e.getMessage());
                }
            }
        } finally {
            draining.unlock();
        }
    }

    /**
     * What the database needs done a few times a second: the waiting batches written, and
     * once a second the journal forced to the disk. Failures are logged (once) and retried.
     */
    void upkeep() {
        try {
            drain();
        } catch (RuntimeException e) {
            // drain() said so in the log; the next run tries again.
        }
        long now = System.nanoTime();
        FileChannel toForce = null;
        synchronized (appending) {
            if (appendedSinceForce && now - lastForceNanos >= FORCE_EVERY_NANOS) {
                appendedSinceForce = false;
                lastForceNanos = now;
                toForce = journal.channel();
            }
        }
        if (toForce != null) {
            try {
                // Outside the lock: forcing takes as long as the disk does, appends go on meanwhile.
                toForce.force(false);
            } catch (ClosedChannelException sealed) {
                // Sealed meanwhile: what it held is in the database now, or written with the next drain.
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot force the commit journal to the disk: " + e.getMessage());
            }
        }
    }

    /** Revisions accepted and not yet in the database. */
    int waitingRevisions() {
        synchronized (appending) {
            return waitingCommits;
        }
    }

    /** Why accepted revisions are not in the database, or null when nothing stands in the way. */
    String problem() {
        return problem;
    }

    /** Writes what waits and lets the journal go; what cannot be written stays in the journal for the next start. */
    @Override
    public void close() {
        try {
            drain();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "event=journal-kept: accepted revisions stay in the commit journal "
                    + journal.folder() + " and are written at the next start: " + e.getMessage());
        }
        synchronized (appending) {
            try {
                journal.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "closing the commit journal failed: " + e.getMessage());
            }
        }
    }

    /** Must hold {@link #appending}. */
    private void sealJournal() {
        try {
            journal.seal();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing a segment of the commit journal failed: " + e.getMessage());
        }
    }

    /**
     * The commits of {@code recovered} that the database lacks: each document's revisions after
     * its last stored one. A revision that does not follow (the journal lost a segment) cannot
     * be written, nor can any later one of that document: the log says so.
     */
    private static List<CommitJournal.Batch> unstored(List<CommitJournal.Batch> recovered, Target database) {
        Map<String, Integer> last = new HashMap<>();
        Map<String, Integer> unusable = new LinkedHashMap<>();
        List<CommitJournal.Batch> unstored = new ArrayList<>();
        for (CommitJournal.Batch batch : recovered) {
            List<Commit> kept = new ArrayList<>();
            for (Commit c : batch.commits()) {
                int stored = last.computeIfAbsent(c.docId(), database::lastStored);
                int rev = c.revision().rev();
                if (unusable.containsKey(c.docId()) || rev <= stored) {
                    continue;
                }
                if (rev != stored + 1) {
                    unusable.put(c.docId(), rev);
                    continue;
                }
                kept.add(c);
                last.put(c.docId(), rev);
            }
            if (!kept.isEmpty()) {
                unstored.add(new CommitJournal.Batch(Collections.unmodifiableList(kept), batch.createdMillis()));
            }
        }
        unusable.forEach((docId, rev) -> LOG.log(System.Logger.Level.ERROR, "event=journal-gap: revision " + rev + " of "
                + docId + " in the commit journal does not follow the database's last (" + last.get(docId)
                + "); it and the later ones cannot be written"));
        return unstored;
    }
}
