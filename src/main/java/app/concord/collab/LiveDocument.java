package app.concord.collab;

import app.concord.ot.Authorship;
import app.concord.ot.AuthorshipBuffer;
import app.concord.ot.InvalidOperationException;
import app.concord.ot.Range;
import app.concord.ot.TextBuffer;
import app.concord.protocol.ClientMessage;
import app.concord.protocol.ErrorCode;
import app.concord.protocol.JsonCodec;
import app.concord.protocol.Peer;
import app.concord.protocol.Revision;
import app.concord.protocol.ServerMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An open document: its {@link DocumentAuthority}, the {@link Members} editing it, and the
 * {@link DurableOrder} in which they hear of changes.
 *
 * <p>Contract: nothing about a revision leaves the server before that revision is
 * durable. Each outgoing message is queued behind the revision it depends on and sent,
 * in revision order, once the {@link GroupCommitter} reports that revision committed; so
 * an {@code ack} means the edit survives a crash, and every connection sees revisions in
 * order with no gaps. Edits are still applied in memory at once, so later edits transform
 * against them without waiting for the disk.
 *
 * <p>Several servers may open the same document over one database. Each may sequence it;
 * the store's key on (document, revision) lets one of two writers of a revision win
 * ({@link RevisionTakenException}), and the loser closes its connections with 1012 so their
 * clients resume, resending what was never acknowledged, on the stored history. A server
 * that is not writing learns of others' revisions through {@link #stored(int)} and passes
 * them on in order.
 *
 * <p>One lock per document guards all of this; documents never wait for each other.
 */
public final class LiveDocument {

    /** Revisions an import stores per transaction. */
    static final int IMPORT_BATCH = 1_000;

    private final String id;
    private final DocumentStore store;
    private final GroupCommitter committer;
    private final Limits limits;
    private final ReentrantLock lock = new ReentrantLock();
    private final Members members = new Members();
    private final CommitListener commits = new CommitListener() {
        @Override
        public void durable(int rev) {
            LiveDocument.this.durable(rev);
        }

        @Override
        public void failed(Throwable cause) {
            LiveDocument.this.failed(cause);
        }

        @Override
        public boolean stillWanted() {
            return !broken;
        }
    };
    private DocumentAuthority authority;
    private LiveAuthorship authorship;
    private DurableOrder order = new DurableOrder(0);
    private int users;
    private long idleSinceNanos = System.nanoTime();
    private boolean closed;
    private volatile boolean broken;
    /** Why the document broke: a later refusal reports it under the same incident id. */
    private volatile Throwable failure;

    LiveDocument(String id, DocumentStore store, GroupCommitter committer, Limits limits) {
        this.id = id;
        this.store = store;
        this.committer = committer;
        this.limits = limits;
    }

    public String id() {
        return id;
    }

    /**
     * The current text and revision, completed once that revision is durable: what the
     * HTTP API shows never includes an edit that a crash could still take back. It fails
     * when the revision will never be durable here.
     */
    public CompletableFuture<Snapshot> snapshot() {
        lock.lock();
        try {
            ensureUsable();
            Snapshot now = new Snapshot(authority.revision(), authority.text().toString());
            CompletableFuture<Snapshot> result = new CompletableFuture<>();
            order.after(now.rev(), () -> result.complete(now), result::completeExceptionally);
            return result;
        } finally {
            lock.unlock();
        }
    }

    /** A document's text at a revision. */
    public record Snapshot(int rev, String text) {
    }

    /** The newest durable revision: the end of the history that may be shown. */
    public int durableRevision() {
        lock.lock();
        try {
            ensureUsable();
            return order.durable();
        } finally {
            lock.unlock();
        }
    }

    /** The durable history {@code from+1 .. to}. */
    public List<Revision> history(int from, int to) {
        lock.lock();
        try {
            ensureUsable();
            if (from < 0 || to < from || to > order.durable()) {
                throw new IllegalArgumentException("range " + from + ".." + to + " is outside 0.." + order.durable());
            }
            return authority.revisions(from, to);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Admits {@code join.client()} on {@code connection}. Its {@code welcome} (see
     * {@link Welcomes}) is sent once the current revision is durable, and then the others
     * hear {@code peer-joined} (again, when a client rejoins under a new name). An earlier
     * connection of the same client is closed and replaced.
     *
     * @throws ProtocolException when the document has no room for another connection
     */
    Member join(Connection connection, ClientMessage.Join join, String publicId, boolean readOnly) {
        lock.lock();
        try {
            ensureUsable();
            if (members.of(join.client()) == null && members.count() >= limits.maxConnectionsPerDocument()) {
                throw new ProtocolException(ErrorCode.TOO_LARGE, "this document already has the maximum of "
                        + limits.maxConnectionsPerDocument() + " connections");
            }
            if (join.rev() != null && join.rev() > authority.revision()) {
                follow(Integer.MAX_VALUE); // the client saw revisions another server stored since
            }
            String author = authorship.authorOf(join);
            String name = join.name() == null ? "" : join.name();
            String color = authority.colorFor(join.client(), name, authorship.knownColor(author));
            if (!readOnly) {
                authorship.joined(author, name, color, System.currentTimeMillis());
            }
            Member member = new Member(join.client(), connection, readOnly, author);
            Member previous = members.add(member);
            Peer before = authority.peer(join.client());
            Peer peer = authority.join(join.client(), name, readOnly, author, color);
            // A rejoin under a new name is how a client renames itself: the others hear it as peer-joined.
            boolean announce = before == null || !before.name().equals(peer.name());
            ServerMessage.Welcome welcome = Welcomes.of(authority, publicId, join.client(), join.rev(), readOnly,
                    limits.maxCatchUp());
            if (join.author() != null) {
                welcome = welcome.withAuthorship(author, authorship.current(), authorship.authors());
            }
            ServerMessage.Encoded frame = new ServerMessage.Encoded(JsonCodec.encode(welcome));
            ServerMessage.Encoded joined = announce
                    ? new ServerMessage.Encoded(JsonCodec.encode(new ServerMessage.PeerJoined(peer)))
                    : null;
            order.after(welcome.rev(), () -> {
                member.welcomed = true;
                member.connection.send(frame);
                if (joined != null) {
                    members.broadcast(joined, member.client);
                }
            });
            if (previous != null) {
                previous.connection.close(1000, "replaced by a newer connection");
            }
            return member;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies {@code op} from {@code member}. The author's {@code ack} and everyone else's
     * {@code op} follow once the revision is durable; a duplicate is acknowledged with the
     * revision it made before, once that is durable.
     *
     * @throws ProtocolException for a read-only member, an invalid operation, or one that
     *                           would make the document too large
     */
    void submit(Member member, ClientMessage.Op op) {
        submit(member, op, null);
    }

    /**
     * As {@link #submit(Member, ClientMessage.Op)}; {@code inserted} names who wrote the text a
     * restore brings back (see {@link DocumentHistory#restoring}), null for an ordinary edit.
     */
    void submit(Member member, ClientMessage.Op op, Authorship inserted) {
        lock.lock();
        try {
            ensureUsable();
            if (!members.isCurrent(member)) {
                return; // a replaced connection: its client resends on the new one
            }
            if (member.readOnly) {
                throw new ProtocolException(ErrorCode.READ_ONLY, "this connection is read-only");
            }
            Receipt receipt;
            try {
                receipt = authority.receive(op.rev(), member.client, op.seq(), op.ops(), member.author, inserted);
            } catch (InvalidOperationException | StaleRevisionException e) {
                throw new ProtocolException(ErrorCode.BAD_OP, e.getMessage());
            } catch (DocumentTooLargeException e) {
                throw new ProtocolException(ErrorCode.TOO_LARGE, e.getMessage());
            }
            ServerMessage ack = new ServerMessage.Ack(receipt.rev(), receipt.seq());
            if (receipt.isDuplicate()) {
                if (receipt.seq() > member.acknowledgedElsewhere) {
                    order.after(receipt.rev(), () -> member.connection.send(ack));
                }
                return;
            }
            Revision applied = receipt.applied();
            authorship.applied(applied);
            committer.enqueue(authorship.commit(applied, authority.text()), commits);
            order.after(applied.rev(), () -> {
                member.connection.send(ack);
                members.broadcast(new ServerMessage.Encoded(JsonCodec.encode(new ServerMessage.Op(applied))),
                        applied.client());
            });
        } finally {
            lock.unlock();
        }
    }

    /** True when {@code member}'s operation {@code seq} has been applied already (a resend). */
    boolean isApplied(Member member, long seq) {
        lock.lock();
        try {
            ensureUsable();
            return authority.isApplied(member.client, seq);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records {@code member}'s selection, made at {@code cursor.rev()}, and tells the others
     * where it is now.
     *
     * @throws ProtocolException when a range lies outside the document at that revision
     */
    void cursor(Member member, ClientMessage.Cursor cursor) {
        lock.lock();
        try {
            ensureUsable();
            if (!members.isCurrent(member)) {
                return;
            }
            List<Range> ranges;
            try {
                ranges = authority.moveCursor(member.client, cursor.rev(), cursor.ranges());
            } catch (StaleRevisionException e) {
                return; // too old to place; the client sends a fresh one soon
            } catch (IllegalArgumentException e) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, e.getMessage());
            }
            int rev = authority.revision();
            ServerMessage.Encoded frame = new ServerMessage.Encoded(
                    JsonCodec.encode(new ServerMessage.Cursor(member.client, rev, ranges)));
            order.after(rev, () -> members.broadcast(frame, member.client));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gives this document, which must never have been written, the history {@code revisions}
     * (revisions 1..n, each applying to the text the previous ones made), stored before this
     * returns, with a snapshot of the final text. Whoever had the empty document open is
     * disconnected with 1012 and resumes on the imported text.
     *
     * @return the document's text after the last revision
     * @throws IllegalArgumentException when the history does not replay, or grows past the length limit
     * @throws IllegalStateException    when the document has revisions already
     */
    public String importHistory(List<Revision> revisions) {
        lock.lock();
        try {
            ensureUsable();
            if (authority.revision() != 0 || !order.isEmpty()) {
                throw new IllegalStateException("the document already has " + authority.revision() + " revisions");
            }
            ImportedHistory imported = ImportedHistory.of(id, revisions, limits);
            List<Commit> commits = imported.commits();
            try {
                for (int from = 0; from < commits.size(); from += IMPORT_BATCH) {
                    store.commit(commits.subList(from, Math.min(commits.size(), from + IMPORT_BATCH)));
                }
            } catch (RevisionTakenException e) {
                authority = null; // another server wrote it meanwhile: load what it wrote
                throw new IllegalStateException("the document has revisions already, stored by another server", e);
            }
            members.closeAll(null, 1012, "the document was replaced by an import; reconnect");
            authority = null;
            authorship = null;
            return imported.text();
        } finally {
            lock.unlock();
        }
    }

    /** {@code member}'s connection ended; the others hear {@code peer-left} unless it was replaced. */
    void leave(Member member) {
        lock.lock();
        try {
            if (closed || !members.isCurrent(member)) {
                return;
            }
            members.remove(member);
            authority.leave(member.client);
            ServerMessage.Encoded frame = new ServerMessage.Encoded(
                    JsonCodec.encode(new ServerMessage.PeerLeft(member.client)));
            order.after(authority.revision(), () -> members.broadcast(frame, member.client));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes every connection to this document with {@code code}: the application is stopping
     * (a redeploy or a shutdown), and its clients must reconnect to whatever serves the
     * document next rather than stay with an instance that no longer does.
     */
    void closeConnections(int code, String reason) {
        lock.lock();
        try {
            members.closeAll(null, code, reason);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The store holds revisions up to {@code storedRev}, perhaps written by another server.
     * When this server is not writing the document itself (nothing of its own waits to be
     * durable), it reads the ones it lacks, applies them and passes them on in order; while
     * it is writing, the store's key decides between the writers, and a loser hears
     * {@link RevisionTakenException}. A store that cannot be read now is asked again at the
     * next notice or re-check.
     */
    void stored(int storedRev) {
        lock.lock();
        try {
            if (!closed && authority != null && storedRev > order.durable()) {
                follow(storedRev);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies and passes on the stored revisions after this server's, up to {@code upTo}, if
     * this server is not writing the document itself. A revision whose author is connected
     * here (it made the edit on another server, then moved here before its
     * {@code ack}) is that author's {@code ack}; everyone else hears it as an {@code op}.
     */
    private void follow(int upTo) {
        if (authority.revision() != order.durable()) {
            return;
        }
        List<Revision> missing;
        try {
            missing = store.revisions(id, order.durable(), upTo);
        } catch (StoreUnavailableException e) {
            return;
        }
        for (Revision r : missing) {
            if (r.rev() != authority.revision() + 1) {
                return; // a gap would be a broken store; the next re-check reads again
            }
            authority.append(r);
            authorship.followed(r);
            order.durableUpTo(r.rev());
            Member author = members.of(r.client());
            if (author != null && author.welcomed) {
                author.acknowledgedElsewhere = Math.max(author.acknowledgedElsewhere, r.seq());
                author.connection.send(new ServerMessage.Ack(r.rev(), r.seq()));
            }
            members.broadcast(new ServerMessage.Encoded(JsonCodec.encode(new ServerMessage.Op(r))), r.client());
        }
    }

    /** The newest revision this server knows to be stored, or -1 while the document is not loaded. */
    int storedRevision() {
        lock.lock();
        try {
            return closed || authority == null ? -1 : order.durable();
        } finally {
            lock.unlock();
        }
    }

    /** Every revision up to {@code rev} is durable. */
    private void durable(int rev) {
        lock.lock();
        try {
            order.durableUpTo(rev);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Revisions could not be stored. What is in memory is now ahead of the store, so the
     * document closes every connection, and its clients resume against the stored state,
     * resending what was never acknowledged: with 1012 (service restart) when another server
     * stored the revision first, which is no fault; with {@code server-error} otherwise.
     */
    private void failed(Throwable cause) {
        lock.lock();
        try {
            failure = cause;
            broken = true;
            closed = true;
            order.abandon(cause);
            if (cause instanceof RevisionTakenException) {
                members.closeAll(null, 1012, "another server saved this document first; reconnect");
            } else {
                members.closeAll(new ServerMessage.Error(ErrorCode.SERVER_ERROR,
                        "the document could not be saved; reconnect to resume", Incidents.idOf(cause)),
                        ErrorCode.SERVER_ERROR.closeCode(), ErrorCode.SERVER_ERROR.wire());
            }
        } finally {
            lock.unlock();
        }
    }

    boolean isBroken() {
        return broken;
    }

    /** Takes a use of this document; false when it was closed and must be opened anew. */
    boolean retain() {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            users++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    void release() {
        lock.lock();
        try {
            if (--users == 0) {
                idleSinceNanos = System.nanoTime();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Closes this document when nobody has used it for {@code idleNanos} and everything is durable. */
    boolean closeIfIdle(long nowNanos, long idleNanos) {
        lock.lock();
        try {
            boolean settled = authority == null || order.settledAt(authority.revision());
            if (!closed && users == 0 && members.isEmpty() && settled && nowNanos - idleSinceNanos >= idleNanos) {
                closed = true;
            }
            return closed;
        } finally {
            lock.unlock();
        }
    }

    private void ensureUsable() {
        if (broken) {
            if (failure instanceof RevisionTakenException) {
                throw new StoreUnavailableException("another server saved this document first; reconnect", failure);
            }
            throw new ProtocolException(ErrorCode.SERVER_ERROR, "the document could not be saved; reconnect to resume", failure);
        }
        if (authority == null) {
            load();
        }
    }

    private void load() {
        StoredDocument stored = store.load(id);
        TextBuffer text = new TextBuffer(stored.snapshotText());
        for (Revision r : stored.after()) {
            r.operation().applyTo(text);
        }
        List<Revision> recent = stored.after();
        if (recent.size() > limits.historyInMemory()) {
            recent = recent.subList(recent.size() - limits.historyInMemory(), recent.size());
        }
        LiveAuthorship loadedAuthorship = LiveAuthorship.load(id, store, stored, limits);
        authority = new DocumentAuthority(id, text.toString(), stored.rev(), recent, stored.lastApplied(),
                limits.maxDocumentLength(), limits.historyInMemory(), new StoredHistory(store, id));
        authorship = loadedAuthorship;
        order = new DurableOrder(stored.rev());
    }

    /** The authority's view of the stored op log, for history it no longer keeps in memory. */
    private record StoredHistory(DocumentStore store, String docId) implements HistorySource {
        @Override
        public List<Revision> load(int fromExclusive, int toInclusive) {
            return store.revisions(docId, fromExclusive, toInclusive);
        }

        @Override
        public java.util.OptionalInt revisionOf(String client, long seq) {
            return store.revisionOf(docId, client, seq);
        }
    }
}
