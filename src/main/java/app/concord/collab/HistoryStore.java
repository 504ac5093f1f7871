package app.concord.collab;

import app.concord.protocol.AuthorProfile;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The part of a {@link DocumentStore} that serves history, authorship and named versions
 * (PROTOCOL.md "History, authorship and versions"). The author of each revision, and who
 * wrote the text a restore brought back, are in the op log itself ({@code DocumentStore#commit});
 * this keeps what the op log does not. Implementations are safe to call from several threads.
 */
public interface HistoryStore {

    /**
     * This installation's key for deriving public author ids from secrets: random, made on
     * first use, the same ever after (and for every server sharing the store).
     */
    byte[] authorKey();

    /** Every author recorded for {@code docId}, by public id. */
    Map<String, AuthorProfile> authors(String docId);

    /**
     * Records {@code author} of {@code docId}: a new author as given; a known one takes the
     * given name and last-seen time and keeps its colour and first-seen time.
     */
    void saveAuthor(String docId, String author, AuthorProfile profile);

    /** The newest checkpoint of {@code docId} at or before revision {@code rev}, if any. */
    Optional<Checkpoint> checkpoint(String docId, int rev);

    /** Keeps {@code checkpoint}; one that is there already for that revision is left as it is. */
    void saveCheckpoint(String docId, Checkpoint checkpoint);

    /** The newest stored revision of {@code docId}, 0 when it has none. */
    int lastRevision(String docId);

    /** The stored revisions {@code fromExclusive + 1 .. toInclusive}, summarised, in order. */
    List<RevisionSummary> summaries(String docId, int fromExclusive, int toInclusive);

    /** The named versions of {@code docId}, newest revision first (then newest name first). */
    List<NamedVersion> versions(String docId);

    /** Names revision {@code rev} of {@code docId}; the new version gets an id of its own. */
    NamedVersion addVersion(String docId, int rev, String name, String author, long created);

    /** Renames version {@code id}; empty when {@code docId} has no such version. */
    Optional<NamedVersion> renameVersion(String docId, long id, String name);

    /** Forgets version {@code id} (not the revision); false when {@code docId} has no such version. */
    boolean deleteVersion(String docId, long id);
}
