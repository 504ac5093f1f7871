package app.concord.collab;

import app.concord.ot.Authorship;
import app.concord.protocol.AuthorProfile;
import app.concord.protocol.Revision;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link DocumentStore} in memory: for tests and for measuring what durability costs.
 * Nothing survives the process. Like the database's key, it refuses a revision stored
 * already ({@link RevisionTakenException}), so several servers' documents may share one.
 */
public final class InMemoryDocumentStore implements DocumentStore, HistoryStore {

    private final Map<String, Log> logs = new ConcurrentHashMap<>();
    private final byte[] authorKey = new SecureRandom().generateSeed(32);
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
            return new StoredDocument(log.snapshotText, log.snapshotRev, after, lastApplied, log.snapshotAuthorship);
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
        long now = System.currentTimeMillis();
        for (Commit c : batch) {
            Log log = log(c.docId());
            synchronized (log) {
                log.revisions.add(c.revision());
                log.times.add(now);
                if (c.snapshot() != null) {
                    log.snapshotText = c.snapshot();
                    log.snapshotRev = c.revision().rev();
                    log.snapshotAuthorship = c.authorship();
                    if (c.checkpoint() && c.authorship() != null) {
                        log.checkpoints.putIfAbsent(c.revision().rev(), new Checkpoint(c.revision().rev(), c.snapshot(), c.authorship()));
                    }
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
    public HistoryStore history() {
        return this;
    }

    @Override
    public byte[] authorKey() {
        return authorKey.clone();
    }

    @Override
    public Map<String, AuthorProfile> authors(String docId) {
        Log log = logs.get(docId);
        if (log == null) {
            return Map.of();
        }
        synchronized (log) {
            return new LinkedHashMap<>(log.authors);
        }
    }

    @Override
    public void saveAuthor(String docId, String author, AuthorProfile profile) {
        Log log = log(docId);
        synchronized (log) {
            log.authors.merge(author, profile, (known, now) -> new AuthorProfile(now.name(), known.color(), known.first(), now.last()));
        }
    }

    @Override
    public Optional<Checkpoint> checkpoint(String docId, int rev) {
        Log log = logs.get(docId);
        if (log == null) {
            return Optional.empty();
        }
        synchronized (log) {
            Map.Entry<Integer, Checkpoint> e = log.checkpoints.floorEntry(rev);
            return e == null ? Optional.empty() : Optional.of(e.getValue());
        }
    }

    @Override
    public void saveCheckpoint(String docId, Checkpoint checkpoint) {
        Log log = log(docId);
        synchronized (log) {
            log.checkpoints.putIfAbsent(checkpoint.rev(), checkpoint);
        }
    }

    @Override
    public int lastRevision(String docId) {
        Log log = logs.get(docId);
        return log == null ? 0 : log.size();
    }

    @Override
    public List<RevisionSummary> summaries(String docId, int fromExclusive, int toInclusive) {
        Log log = logs.get(docId);
        if (log == null) {
            return List.of();
        }
        synchronized (log) {
            List<RevisionSummary> out = new ArrayList<>();
            for (int i = Math.max(0, fromExclusive); i < Math.min(toInclusive, log.revisions.size()); i++) {
                Revision r = log.revisions.get(i);
                out.add(new RevisionSummary(r.rev(), log.times.get(i), r.author(), r.operation().insertedLength(),
                        r.operation().deletedLength()));
            }
            return out;
        }
    }

    @Override
    public List<NamedVersion> versions(String docId) {
        Log log = logs.get(docId);
        if (log == null) {
            return List.of();
        }
        synchronized (log) {
            List<NamedVersion> out = new ArrayList<>(log.versions.values());
            out.sort(Comparator.comparingInt(NamedVersion::rev).thenComparingLong(NamedVersion::id).reversed());
            return out;
        }
    }

    @Override
    public NamedVersion addVersion(String docId, int rev, String name, String author, long created) {
        Log log = log(docId);
        synchronized (log) {
            NamedVersion v = new NamedVersion(++log.lastVersionId, rev, name, author, created);
            log.versions.put(v.id(), v);
            return v;
        }
    }

    @Override
    public Optional<NamedVersion> renameVersion(String docId, long id, String name) {
        Log log = log(docId);
        synchronized (log) {
            NamedVersion v = log.versions.computeIfPresent(id, (k, old) -> new NamedVersion(id, old.rev(), name, old.author(), old.created()));
            return Optional.ofNullable(v);
        }
    }

    @Override
    public boolean deleteVersion(String docId, long id) {
        Log log = log(docId);
        synchronized (log) {
            return log.versions.remove(id) != null;
        }
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    private Log log(String docId) {
        return logs.computeIfAbsent(docId, id -> new Log());
    }

    private static final class Log {
        final List<Revision> revisions = new ArrayList<>();
        final List<Long> times = new ArrayList<>();
        final TreeMap<Integer, Checkpoint> checkpoints = new TreeMap<>();
        final Map<String, AuthorProfile> authors = new LinkedHashMap<>();
        final TreeMap<Long, NamedVersion> versions = new TreeMap<>();
        long lastVersionId;
        String snapshotText = "";
        int snapshotRev;
        Authorship snapshotAuthorship = Authorship.empty();

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
