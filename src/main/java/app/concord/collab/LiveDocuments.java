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
    private final DocumentStore store;
    private final GroupCommitter committer;
    private final Limits limits;

    public LiveDocuments(DocumentStore store, Executor commitExecutor, Limits limits) {
        this.store = store;
        this.limits = limits;
        this.committer = new GroupCommitter(store, commitExecutor, 2_000);
    }

    public Limits limits() {
        return limits;
    }

    public DocumentStore store() {
        return store;
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
}
