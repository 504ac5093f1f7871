package app.concord.collab;

/**
 * Hears how the {@link GroupCommitter} fares, for operators' figures. Called on the commit
 * thread after each transaction, so implementations must be quick and must not throw.
 */
public interface CommitObserver {

    /** Hears nothing. */
    CommitObserver NONE = new CommitObserver() {
    };

    /** {@code revisions} were stored in one transaction that took {@code nanos}. */
    default void committed(int revisions, long nanos) {
    }

    /** A transaction failed with {@code failure}; none of its revisions was stored. */
    default void failed(Throwable failure) {
    }
}
