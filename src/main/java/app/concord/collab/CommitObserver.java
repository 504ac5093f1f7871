package app.concord.collab;

/**
 * Hears how the {@link GroupCommitter} fares, for operators' figures and logs. Called on the
 * commit thread, so implementations must be quick and must not throw.
 */
public interface CommitObserver {

    /** Hears nothing. */
    CommitObserver NONE = new CommitObserver() {
    };

    /** {@code revisions} were stored in one transaction that took {@code nanos}. */
    default void committed(int revisions, long nanos) {
    }

    /** A transaction failed with {@code failure}; none of its revisions was stored (it may be tried again). */
    default void failed(Throwable failure) {
    }

    /** The store cannot be reached; commits wait and are tried again until it can. */
    default void unavailable(String reason) {
    }

    /** The store answers again after {@link #unavailable}. */
    default void available() {
    }

    /**
     * Another server stored one of a document's revisions first; the document's revisions
     * here were dropped and its clients resume on the stored history.
     */
    default void revisionTaken() {
    }

    /** Revisions of one document were refused for good, and that document failed. */
    default void refused(Throwable cause) {
    }
}
