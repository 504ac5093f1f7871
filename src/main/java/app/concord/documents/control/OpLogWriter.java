package app.concord.documents.control;

import app.concord.collab.Checkpoint;
import app.concord.collab.Commit;
import app.concord.ot.Authorship;
import app.concord.protocol.JsonCodec;
import app.concord.protocol.Revision;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes batches of commits into Concord's tables inside a transaction of the caller: a row
 * of the op log per revision (JDBC batch inserts), the newest snapshot of each document, the
 * checkpoints, and the notice to other servers. A revision that does not follow the stored
 * ones fails the whole write. It remembers which revision of each document its committed
 * writes ended with, so that the next write need not ask the database; the caller says how
 * each transaction ended ({@link #committed}, {@link #failed}). Safe to call from several
 * threads, one connection each.
 */
final class OpLogWriter {

    /** How many documents' last committed revisions are remembered. */
    static final int KNOWN_DOCUMENTS = 10_000;

    /**
     * The last revision of each recently written document that a transaction committed.
     * Written only once a transaction has committed, forgotten when one fails; least recently
     * written documents drop out first.
     */
    private final Map<String, Integer> lastCommitted = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                    return size() > KNOWN_DOCUMENTS;
                }
            });

    /**
     * Writes {@code batches} on {@code c}, whose transaction the caller commits or rolls back;
     * each revision gets its batch's commit time. Only the newest snapshot of each document is
     * written.
     *
     * @return each document's last revision in the batches, for {@link #committed}
     * @throws IllegalStateException when a revision does not follow the stored ones
     */
    Map<String, Integer> write(Connection c, Database.Dialect dialect, List<CommitJournal.Batch> batches) throws SQLException {
        List<Commit> all = new ArrayList<>();
        for (CommitJournal.Batch b : batches) {
            all.addAll(b.commits());
        }
        Map<String, Integer> last = checkFollowsStoredRevisions(c, all);
        Map<String, Commit> snapshots = new LinkedHashMap<>();
        List<Commit> checkpoints = new ArrayList<>();
        StringBuilder json = new StringBuilder();
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO concord_revision (doc_id, revision, client_id,"
                + " seq, ops_json, created_millis, author_id, inserted_json, added, removed)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (CommitJournal.Batch b : batches) {
                for (Commit commit : b.commits()) {
                    Revision r = commit.revision();
                    json.setLength(0);
                    JsonCodec.operation(r.operation(), json);
                    insert.setString(1, commit.docId());
                    insert.setInt(2, r.rev());
                    insert.setString(3, r.client());
                    insert.setLong(4, r.seq());
                    insert.setString(5, json.toString());
                    insert.setLong(6, b.createdMillis());
                    JdbcHistoryStore.setAuthorship(insert, 7, r);
                    insert.addBatch();
                    if (commit.snapshot() != null) {
                        snapshots.put(commit.docId(), commit);
                        if (commit.checkpoint() && commit.authorship() != null) {
                            checkpoints.add(commit);
                        }
                    }
                }
            }
            insert.executeBatch();
        }
        for (Commit snapshot : snapshots.values()) {
            saveSnapshot(c, dialect, snapshot.docId(), snapshot.revision().rev(), snapshot.snapshot(), snapshot.authorship());
        }
        for (Commit checkpoint : checkpoints) {
            JdbcHistoryStore.saveCheckpoint(c, dialect, checkpoint.docId(),
                    new Checkpoint(checkpoint.revision().rev(), checkpoint.snapshot(), checkpoint.authorship()));
        }
        dialect.announce(c, last);
        return last;
    }

    /** The transaction of a {@link #write} that returned {@code last} committed. */
    void committed(Map<String, Integer> last) {
        lastCommitted.putAll(last);
    }

    /** The transaction of a {@link #write} of {@code batches} failed: what their documents' last revisions are is not known. */
    void failed(List<CommitJournal.Batch> batches) {
        List<String> documents = new ArrayList<>();
        for (CommitJournal.Batch b : batches) {
            for (Commit c : b.commits()) {
                documents.add(c.docId());
            }
        }
        lastCommitted.keySet().removeAll(documents);
    }

    /**
     * Each document's first revision in the batch must directly follow a stored one (or be
     * revision 1). Together with the key on (document, revision), which refuses a revision
     * already stored, that means it follows the stored <em>last</em> one. One look-up on that
     * key per document of the batch, so the check costs the same however long the history is,
     * and none for a document whose last revision a committed write ended with.
     *
     * @return each document's last revision in the batch
     */
    private Map<String, Integer> checkFollowsStoredRevisions(Connection c, List<Commit> batch) throws SQLException {
        Map<String, Integer> first = firstRevisions(batch);
        Map<String, Integer> last = new HashMap<>();
        for (Commit commit : batch) {
            last.put(commit.docId(), commit.revision().rev());
        }
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM concord_revision WHERE doc_id = ? AND revision = ?")) {
            for (Map.Entry<String, Integer> e : first.entrySet()) {
                int rev = e.getValue();
                if (rev == 1 || Integer.valueOf(rev - 1).equals(lastCommitted.get(e.getKey()))) {
                    continue;
                }
                s.setString(1, e.getKey());
                s.setInt(2, rev - 1);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        throw new IllegalStateException("revision " + rev + " of " + e.getKey()
                                + " does not follow a stored revision: " + (rev - 1) + " is missing");
                    }
                }
            }
        }
        return last;
    }

    /**
     * Each document's first revision in {@code batch}, in the order the documents come.
     *
     * @throws IllegalStateException unless each document's revisions are consecutive, from 1 or later
     */
    static Map<String, Integer> firstRevisions(List<Commit> batch) {
        Map<String, Integer> first = new LinkedHashMap<>();
        Map<String, Integer> last = new HashMap<>();
        for (Commit commit : batch) {
            int rev = commit.revision().rev();
            Integer previous = last.put(commit.docId(), rev);
            if (previous == null) {
                if (rev < 1) {
                    throw new IllegalStateException("revision " + rev + " of " + commit.docId() + " is not a revision");
                }
                first.put(commit.docId(), rev);
            } else if (rev != previous + 1) {
                throw new IllegalStateException("revision " + rev + " of " + commit.docId() + " does not follow " + previous);
            }
        }
        return first;
    }

    /** Overwrites the document's snapshot in place, never with an older one, without reading the old text back. */
    private static void saveSnapshot(Connection c, Database.Dialect dialect, String docId, int rev, String text,
            Authorship authorship) throws SQLException {
        String authorshipJson = authorship == null ? null : authorship.toString();
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE concord_snapshot SET revision = ?, body = ?, authorship_json = ? WHERE doc_id = ? AND revision < ?")) {
            update.setInt(1, rev);
            dialect.setDocumentText(update, 2, text);
            update.setString(3, authorshipJson);
            update.setString(4, docId);
            update.setInt(5, rev);
            if (update.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO concord_snapshot (doc_id, revision, body, authorship_json)"
                + " SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM concord_snapshot WHERE doc_id = ?)")) {
            insert.setString(1, docId);
            insert.setInt(2, rev);
            dialect.setDocumentText(insert, 3, text);
            insert.setString(4, authorshipJson);
            insert.setString(5, docId);
            insert.executeUpdate();
        }
    }
}
