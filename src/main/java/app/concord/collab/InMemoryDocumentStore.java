package app.concord.collab;

import app.concord.protocol.Revision;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link DocumentStore} in memory: for tests and for measuring what durability costs.
 * Nothing survives the process. Like the database's key, it refuses a revision stored
 * already ({@link RevisionTakenException}), so several servers' documents may share one.
 */
public final class InMemoryDocumentStore implements DocumentStore {

    private final Map<String, Log> logs = new ConcurrentHashMap<>();
    private final Map<String, String> readOnlyIds = new ConcurrentHashMap<>();
    private final Map<String, String> documentsByReadOnlyId = new ConcurrentHashMap<>();

    @Override
    public StoredDocument load(String docId) {
        Log log = logs.get(docId);
        if (log == null) {
            return StoredDocument.empty();
        }
        synchronized (log) {
            List<Revision> after = new ArrayList<>(log.revisions.subList(log.snapshotRev, log.revisions.size()));
            Map<String, LastApplied> lastApplied = new HashMap<>();
            for (Revision r : log.revisions) {
                lastApplied.put(r.client(), new LastApplied(r.seq(), r.rev()));
            }
            return new StoredDocument(log.snapshotText, log.snapshotRev, after, lastApplied);
        }
    }

    /** Checks the whole batch before storing any of it, so a refused batch leaves nothing behind. */
    @Override
    public synchronized void commit(List<Commit> batch) {
        Map<String, Integer> next = new HashMap<>();
        for (Commit c : batch) {
            Log log = logs.get(c.docId());
            int expected = next.computeIfAbsent(c.docId(), id -> log == null ? 1 : log.size() + 1);
            if (c.revision().rev() < expected) {
                throw new RevisionTakenException("revision " + c.revision().rev() + " of " + c.docId()
                        + " is stored already", null);
            }
            if (c.revision().rev() != expected) {
                throw new IllegalStateException("revision " + c.revision().rev() + " of " + c.docId()
                        + " does not follow " + (expected - 1));
            }
            next.put(c.docId(), expected + 1);
        }
        for (Commit c : batch) {
            Log log = logs.computeIfAbsent(c.docId(), id -> new Log());
            synchronized (log) {
                log.revisions.add(c.revision());
                if (c.snapshot() != null) {
                    log.snapshotText = c.snapshot();
                    log.snapshotRev = c.revision().rev();
                }
            }
        }
    }

    @Override
    public List<Revision> revisions(String docId, int fromExclusive, int toInclusive) {
        Log log = logs.get(docId);
        if (log == null) {
            return List.of();
        }
        synchronized (log) {
            int from = Math.max(0, fromExclusive);
            int to = Math.min(toInclusive, log.revisions.size());
            return from >= to ? List.of() : new ArrayList<>(log.revisions.subList(from, to));
        }
    }

    @Override
    public Map<String, Integer> lastRevisions(Collection<String> docIds) {
        Map<String, Integer> last = new HashMap<>();
        for (String id : docIds) {
            Log log = logs.get(id);
            if (log != null) {
                synchronized (log) {
                    if (!log.revisions.isEmpty()) {
                        last.put(id, log.revisions.size());
                    }
                }
            }
        }
        return last;
    }

    @Override
    public OptionalInt revisionOf(String docId, String client, long seq) {
        Log log = logs.get(docId);
        if (log == null) {
            return OptionalInt.empty();
        }
        synchronized (log) {
            for (Revision r : log.revisions) {
                if (r.client().equals(client) && r.seq() == seq) {
                    return OptionalInt.of(r.rev());
                }
            }
        }
        return OptionalInt.empty();
    }

    @Override
    public String readOnlyId(String docId) {
        return readOnlyIds.computeIfAbsent(docId, id -> {
            String readOnly = DocumentIds.fresh();
            documentsByReadOnlyId.put(readOnly, id);
            return readOnly;
        });
    }

    @Override
    public Optional<String> documentOf(String readOnlyId) {
        return Optional.ofNullable(documentsByReadOnlyId.get(readOnlyId));
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    private static final class Log {
        final List<Revision> revisions = new ArrayList<>();
        String snapshotText = "";
        int snapshotRev;

        synchronized int size() {
            return revisions.size();
        }
    }

    @Override
    public String description() {
        return "memory of this process (lost at every restart)";
    }

    @Override
    public boolean isDurable() {
        return false;
    }
}
