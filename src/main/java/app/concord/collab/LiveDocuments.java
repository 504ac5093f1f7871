package app.concord.collab;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The documents open in this server, each loaded from the store on first use and closed
 * again once nobody has used it for {@link Limits#idleSeconds()}. There is no lock over
 * all documents: each {@link LiveDocument} has its own.
 */
public final class LiveDocuments {

    private final ConcurrentHashMap<String, LiveDocument> open = new ConcurrentHashMap<>();
    /** Read-only ids seen before, with their documents: a link never changes once made. */
    private final ConcurrentHashMap<String, String> readOnlyTargets = new ConcurrentHashMap<>();
    private final DocumentStore store;
    private final GroupCommitter committer;
    private final Limits limits;
    private final DocumentHistory history;

    public LiveDocuments(DocumentStore store, Executor commitExecutor, Limits limits) {
        this(store, commitExecutor, limits, CommitObserver.NONE);
    }

    /** With {@code observer} hearing of every commit, of the store's outages and of refusals. */
    public LiveDocuments(DocumentStore store, Executor commitExecutor, Limits limits, CommitObserver observer) {
        this.store = store;
        this.limits = limits;
        this.committer = new GroupCommitter(store, commitExecutor, 2_000, observer);
        this.history = new DocumentHistory(store, limits.checkpointEvery());
    }

    public Limits limits() {
        return limits;
    }

    public DocumentStore store() {
        return store;
    }

    /** The stored history of every document: text and authorship at any revision, changes, restores. */
    public DocumentHistory history() {
        return history;
    }

    /**
     * What an id in a URL gives access to: {@code docId} itself, or, for a read-only id, its
     * document without the right to edit it. {@code publicId} is the id the client used and
     * the only one it is ever shown.
     */
    public record Access(String publicId, String docId, boolean readOnly) {
    }

    /** Resolves an id from a URL (a valid one: see {@code JsonCodec.ID}). */
    public Access access(String id) {
        String target = readOnlyTargets.get(id);
        if (target == null) {
            target = store.documentOf(id).orElse(null);
            if (target == null) {
                return new Access(id, id, false);
            }
            readOnlyTargets.put(id, target);
        }
        return new Access(id, target, true);
    }

    /** The read-only id to share for what {@code access} reaches: made on first request. */
    public String readOnlyId(Access access) {
        if (access.readOnly()) {
            return access.publicId();
        }
        try {
            return store.readOnlyId(access.docId());
        } catch (RuntimeException raced) {
            // Another request made it at the same moment and won; its id is the one.
            return store.readOnlyId(access.docId());
        }
    }

    /** The open document {@code id}, loading it if needed; every call is paired with {@link #release}. */
    public LiveDocument acquire(String id) {
        while (true) {
            LiveDocument document = open.computeIfAbsent(id, key -> new LiveDocument(key, store, committer, limits));
            if (document.retain()) {
                return document;
            }
            open.remove(id, document);
        }
    }

    public void release(LiveDocument document) {
        document.release();
        if (document.isBroken()) {
            open.remove(document.id(), document);
        }
    }

    /** The committer of every open document's revisions (tests of this package look inside it). */
    GroupCommitter committer() {
        return committer;
    }

    /** The server is stopping: commits no longer wait for a store that cannot be reached. */
    public void stop() {
        committer.stop();
    }

    /**
     * Closes every connection to every open document with 1012 (service restart), once the
     * commits have drained: their clients resume on the instance that serves next. Without it a
     * redeployed application's old instance can keep connections that no longer see the others'
     * edits (Payara Micro restarted with --rootdir deploys the old application, then the new).
     */
    public void closeConnections() {
        open.values().forEach(d -> d.closeConnections(1012, "the server is restarting"));
    }

    /** Closes documents that have been idle for long enough; the container calls this periodically. */
    public void evictIdle() {
        long now = System.nanoTime();
        long idle = TimeUnit.SECONDS.toNanos(limits.idleSeconds());
        open.values().forEach(d -> {
            if (d.isBroken() || d.closeIfIdle(now, idle)) {
                open.remove(d.id(), d);
            }
        });
    }

    /** How many documents are in memory now. */
    public int openCount() {
        return open.size();
    }

    /** Revisions applied in memory and queued for the store, not yet in a transaction. */
    public int revisionsWaitingForCommit() {
        return committer.waiting();
    }
}
