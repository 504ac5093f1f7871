package app.concord.collab;

import app.concord.protocol.ClientMessage;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

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
    /** Set by {@link #closeConnections}: no connection is admitted after it. */
    private volatile boolean closing;
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

    /**
     * Admits a connection to the document that {@code urlId} (an id from a URL, valid: see
     * {@code JsonCodec.ID}) gives access to, as {@code join} asks; see {@link LiveDocument#join}.
     *
     * @throws ProtocolException          when the document has no room for another connection
     * @throws StoreUnavailableException when the document cannot be loaded now
     * @throws ServerStoppingException   once {@link #closeConnections} has run
     */
    public Membership open(String urlId, Connection connection, ClientMessage.Join join) {
        if (closing) {
            throw new ServerStoppingException();
        }
        Access access = access(urlId);
        LiveDocument document = acquire(access.docId());
        try {
            return new Membership(this, document, document.join(connection, join, access.publicId(), access.readOnly()));
        } catch (RuntimeException e) {
            release(document);
            throw e;
        }
    }

    /** {@code work} on the open document {@code docId}, loading it if needed. */
    public <T> T withDocument(String docId, Function<LiveDocument, T> work) {
        LiveDocument document = acquire(docId);
        try {
            return work.apply(document);
        } finally {
            release(document);
        }
    }

    /** The open document {@code id}, loading it if needed; every call is paired with {@link #release}. */
    LiveDocument acquire(String id) {
        while (true) {
            LiveDocument document = open.computeIfAbsent(id, key -> new LiveDocument(key, store, committer, limits));
            if (document.retain()) {
                return document;
            }
            open.remove(id, document);
        }
    }

    void release(LiveDocument document) {
        document.release();
        if (document.isBroken()) {
            open.remove(document.id(), document);
        }
    }

    /**
     * The store holds revisions of {@code docId} up to {@code storedRev}, perhaps another
     * server's: an open copy of it catches up (see {@link LiveDocument#stored}).
     */
    public void stored(String docId, int storedRev) {
        LiveDocument document = open.get(docId);
        if (document != null) {
            document.stored(storedRev);
        }
    }

    /**
     * Compares every open document with the store and catches up those behind it: what
     * bounds their staleness when a notice of another server's revisions was missed.
     */
    public void recheck() {
        Map<String, Integer> known = new HashMap<>();
        open.forEach((id, document) -> {
            int rev = document.storedRevision();
            if (rev >= 0) {
                known.put(id, rev);
            }
        });
        if (known.isEmpty()) {
            return;
        }
        store.lastRevisions(known.keySet()).forEach((id, rev) -> {
            if (rev > known.get(id)) {
                stored(id, rev);
            }
        });
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
        closing = true;
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
