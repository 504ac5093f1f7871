package app.concord.collab;

import app.concord.protocol.Revision;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Durable storage of documents as an op log plus snapshots. Implementations are safe to
 * call from several threads.
 */
public interface DocumentStore {

    /** The stored document, or {@link StoredDocument#empty()} for an id never written. */
    StoredDocument load(String docId);

    /**
     * Makes every commit of {@code batch} durable, atomically: when this returns, all of
     * them survive a crash; when it throws, none of them is stored. The batch may mix
     * documents; for each document its revisions are consecutive and in order.
     */
    void commit(List<Commit> batch);

    /** Revisions {@code fromExclusive + 1 .. toInclusive} of {@code docId} that are stored, in order. */
    List<Revision> revisions(String docId, int fromExclusive, int toInclusive);

    /** The last stored revision of each of {@code docIds} that has any. */
    Map<String, Integer> lastRevisions(Collection<String> docIds);

    /** The revision made by {@code client}'s operation {@code seq} in {@code docId}, if stored. */
    OptionalInt revisionOf(String docId, String client, long seq);

    /**
     * The read-only id of {@code docId}: a fresh {@link DocumentIds#fresh() unguessable id}
     * made the first time it is asked for, the same one ever after.
     */
    String readOnlyId(String docId);

    /** The editable id behind {@code readOnlyId}, when it is a read-only id. */
    Optional<String> documentOf(String readOnlyId);

    /** History, authorship and named versions. */
    HistoryStore history();

    /** True when the store answers now; used by the readiness check. */
    boolean isAvailable();

    /** Why the store does not answer now, for people (readiness, log); null when it does. */
    default String unavailableReason() {
        return isAvailable() ? null : "the store does not answer";
    }

    /**
     * Where documents are kept, for the startup log, diagnostics and the readiness check,
     * such as {@code H2 file /var/lib/concord/concord.mv.db}; never holds a password.
     */
    default String description() {
        return getClass().getSimpleName();
    }

    /** True when a batch that {@link #commit} stored survives a crash of this process. */
    default boolean isDurable() {
        return true;
    }
}
