package app.concord.collab;

/** What one document hears from the {@link GroupCommitter} about the revisions it queued. */
interface CommitListener {

    /** Every revision of the document up to {@code rev} is durable. */
    void durable(int rev);

    /** Revisions of the document could not be stored and never will be. */
    void failed(Throwable cause);

    /** False once the document has given up on its queued revisions (after {@link #failed}). */
    boolean stillWanted();
}
