package app.concord.documents.control;

import app.concord.collab.Commit;
import app.concord.collab.DocumentIds;
import app.concord.collab.DocumentStore;
import app.concord.protocol.Revision;
import app.concord.collab.StoredDocument;
import app.concord.documents.entity.LoggedRevision;
import app.concord.documents.entity.ReadOnlyLink;
import app.concord.documents.entity.Snapshot;
import app.concord.protocol.JsonCodec;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The durable {@link DocumentStore}: an op log with one row per revision, and one
 * snapshot row per document, in the container's default datasource. A batch is one JTA
 * transaction of its own, so a failed batch leaves nothing behind and a stored one is
 * durable when {@link #commit} returns. Reads join or start a transaction too: their few
 * queries then share one connection, and large objects stay readable on databases that
 * only serve them inside a transaction (Hibernate maps {@code @Lob} text to one on
 * PostgreSQL).
 */
@ApplicationScoped
public class JpaDocumentStore implements DocumentStore {

    private static final Logger LOG = Logger.getLogger(JpaDocumentStore.class.getName());

    /** How long the readiness probe waits for the database, in milliseconds. */
    static final int PROBE_TIMEOUT_MILLIS = 2000;

    /** How many documents' last committed revisions {@link #lastCommitted} keeps. */
    static final int KNOWN_DOCUMENTS = 10_000;

    @PersistenceContext(unitName = "concord")
    EntityManager em;

    /** Tells this store when a commit's transaction has ended; absent outside a container. */
    @Resource
    TransactionSynchronizationRegistry transactions;

    /**
     * The last revision of each recently written document that a transaction of this store
     * committed, so that the next batch need not ask the database whether its first revision
     * follows one. Written only once a transaction has committed, forgotten when one rolls
     * back; least recently written documents drop out first.
     */
    private final Map<String, Integer> lastCommitted = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                    return size() > KNOWN_DOCUMENTS;
                }
            });

    @Override
    @Transactional
    public StoredDocument load(String docId) {
        Snapshot snapshot = em.find(Snapshot.class, docId);
        String text = snapshot == null ? "" : snapshot.body();
        int base = snapshot == null ? 0 : snapshot.revision();
        List<Revision> after = read(docId, base, Integer.MAX_VALUE);
        for (int i = 0; i < after.size(); i++) {
            if (after.get(i).rev() != base + i + 1) {
                throw new IllegalStateException("the op log of " + docId + " has a gap after revision " + (base + i));
            }
        }
        // Bounded by what was read, so a commit landing meanwhile cannot show up here only.
        List<Object[]> rows = em.createQuery("SELECT r.client, MAX(r.seq), MAX(r.revision) FROM LoggedRevision r"
                        + " WHERE r.docId = :doc AND r.revision <= :upTo GROUP BY r.client", Object[].class)
                .setParameter("doc", docId)
                .setParameter("upTo", base + after.size())
                .getResultList();
        Map<String, long[]> lastSeqs = new HashMap<>();
        for (Object[] row : rows) {
            lastSeqs.put((String) row[0], new long[] {((Number) row[1]).longValue(), ((Number) row[2]).longValue()});
        }
        return new StoredDocument(text, base, after, lastSeqs);
    }

    /**
     * Writes the whole batch in a new transaction. Only the newest snapshot of each
     * document is written. A revision that does not follow the stored ones, or that a
     * concurrent writer stored first (the key catches that), fails the batch as a whole.
     */
    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void commit(List<Commit> batch) {
        Map<String, Integer> lastOfBatch = checkFollowsStoredRevisions(batch);
        rememberOnceCommitted(lastOfBatch);
        long now = System.currentTimeMillis();
        Map<String, Commit> snapshots = new LinkedHashMap<>();
        StringBuilder json = new StringBuilder();
        for (Commit c : batch) {
            Revision r = c.revision();
            json.setLength(0);
            JsonCodec.operation(r.operation(), json);
            em.persist(new LoggedRevision(c.docId(), r.rev(), r.client(), r.seq(), json.toString(), now));
            if (c.snapshot() != null) {
                snapshots.put(c.docId(), c);
            }
        }
        for (Commit c : snapshots.values()) {
            saveSnapshot(c.docId(), c.revision().rev(), c.snapshot());
        }
        em.flush();
    }

    /** Overwrites the document's snapshot in place, without reading the old text back. */
    private void saveSnapshot(String docId, int rev, String text) {
        int updated = em.createQuery("UPDATE Snapshot s SET s.revision = :rev, s.body = :body"
                        + " WHERE s.docId = :doc AND s.revision < :rev")
                .setParameter("rev", rev)
                .setParameter("body", text)
                .setParameter("doc", docId)
                .executeUpdate();
        if (updated == 0 && em.createQuery("SELECT COUNT(s) FROM Snapshot s WHERE s.docId = :doc", Long.class)
                .setParameter("doc", docId)
                .getSingleResult() == 0) {
            em.persist(new Snapshot(docId, rev, text));
        }
    }

    @Override
    @Transactional
    public List<Revision> revisions(String docId, int fromExclusive, int toInclusive) {
        return read(docId, fromExclusive, toInclusive);
    }

    @Override
    @Transactional
    public OptionalInt revisionOf(String docId, String client, long seq) {
        List<Integer> found = em.createQuery("SELECT r.revision FROM LoggedRevision r"
                        + " WHERE r.docId = :doc AND r.client = :client AND r.seq = :seq", Integer.class)
                .setParameter("doc", docId)
                .setParameter("client", client)
                .setParameter("seq", seq)
                .setMaxResults(1)
                .getResultList();
        return found.isEmpty() ? OptionalInt.empty() : OptionalInt.of(found.get(0));
    }

    /**
     * Made in a transaction of its own: when two requests race to make the first one, the
     * unique key on the document refuses the second, and its caller reads the winner's.
     */
    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public String readOnlyId(String docId) {
        List<String> known = em.createQuery("SELECT l.readOnlyId FROM ReadOnlyLink l WHERE l.docId = :doc", String.class)
                .setParameter("doc", docId)
                .getResultList();
        if (!known.isEmpty()) {
            return known.get(0);
        }
        ReadOnlyLink link = new ReadOnlyLink(DocumentIds.fresh(), docId);
        em.persist(link);
        em.flush();
        return link.readOnlyId();
    }

    @Override
    @Transactional
    public Optional<String> documentOf(String readOnlyId) {
        ReadOnlyLink link = em.find(ReadOnlyLink.class, readOnlyId);
        return link == null ? Optional.empty() : Optional.of(link.docId());
    }

    /**
     * One indexed lookup, run outside any JTA transaction (so that neither starting one nor
     * the database can make this throw) in a statement of its own, with a timeout.
     */
    @Override
    public boolean isAvailable() {
        try {
            em.createQuery("SELECT COUNT(s) FROM Snapshot s WHERE s.docId = :none", Long.class)
                    .setParameter("none", "")
                    .setHint("jakarta.persistence.query.timeout", PROBE_TIMEOUT_MILLIS)
                    .getSingleResult();
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "document store unavailable", e);
            return false;
        }
    }

    /**
     * Each document's first revision in the batch must directly follow a stored one (or be
     * revision 1). Together with the key on (document, revision), which refuses a revision
     * already stored, that means it follows the stored <em>last</em> one. One look-up on that
     * key per document of the batch, so the check costs the same however long the history is
     * (a {@code MAX(revision)} here made every commit scan each document's whole log), and
     * none for a document whose last revision this store committed itself.
     *
     * @return each document's last revision in the batch
     */
    private Map<String, Integer> checkFollowsStoredRevisions(List<Commit> batch) {
        Map<String, Integer> first = new LinkedHashMap<>();
        Map<String, Integer> last = new HashMap<>();
        for (Commit c : batch) {
            int rev = c.revision().rev();
            Integer previous = last.put(c.docId(), rev);
            if (previous == null) {
                first.put(c.docId(), rev);
            } else if (rev != previous + 1) {
                throw new IllegalStateException("revision " + rev + " of " + c.docId() + " does not follow " + previous);
            }
        }
        for (Map.Entry<String, Integer> e : first.entrySet()) {
            int rev = e.getValue();
            if (rev < 1) {
                throw new IllegalStateException("revision " + rev + " of " + e.getKey() + " is not a revision");
            }
            if (Integer.valueOf(rev - 1).equals(lastCommitted.get(e.getKey()))) {
                continue;
            }
            // Both key columns by equality: a look-up, which IN lists are not (H2 then walks
            // the document's rows of an index).
            if (rev > 1 && em.createQuery("SELECT COUNT(r) FROM LoggedRevision r"
                            + " WHERE r.docId = :doc AND r.revision = :rev", Long.class)
                    .setParameter("doc", e.getKey())
                    .setParameter("rev", rev - 1)
                    .getSingleResult() == 0) {
                throw new IllegalStateException("revision " + rev + " of " + e.getKey()
                        + " does not follow a stored revision: " + (rev - 1) + " is missing");
            }
        }
        return last;
    }

    /** Records each document's last revision of the batch if, and when, the transaction commits. */
    private void rememberOnceCommitted(Map<String, Integer> lastOfBatch) {
        if (transactions == null) {
            return;
        }
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    lastCommitted.putAll(lastOfBatch);
                } else {
                    lastCommitted.keySet().removeAll(lastOfBatch.keySet());
                }
            }
        });
    }

    private List<Revision> read(String docId, int fromExclusive, int toInclusive) {
        if (toInclusive <= fromExclusive) {
            return List.of();
        }
        List<Object[]> rows = em.createQuery("SELECT r.revision, r.client, r.seq, r.ops FROM LoggedRevision r"
                        + " WHERE r.docId = :doc AND r.revision > :from AND r.revision <= :to"
                        + " ORDER BY r.revision", Object[].class)
                .setParameter("doc", docId)
                .setParameter("from", fromExclusive)
                .setParameter("to", toInclusive)
                .getResultList();
        List<Revision> revisions = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            revisions.add(new Revision(((Number) row[0]).intValue(), (String) row[1], ((Number) row[2]).longValue(),
                    OpsJson.parse((String) row[3])));
        }
        return revisions;
    }
}
