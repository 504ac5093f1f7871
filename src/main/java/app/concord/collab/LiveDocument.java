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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An open document: its {@link DocumentAuthority}, the connections editing it, and the
 * order in which they hear of changes.
 *
 * <p>Contract: nothing about a revision leaves the server before that revision is
 * durable. Each outgoing message is queued behind the revision it depends on and sent,
 * in revision order, once the {@link GroupCommitter} reports that revision committed; so
 * an {@code ack} means the edit survives a crash, and every connection sees revisions in
 * order with no gaps. Edits are still applied in memory at once, so later edits transform
 * against them without waiting for the disk.
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
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final ArrayDeque<Deferred> deferred = new ArrayDeque<>();
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
    private int durableRev;
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

    /** One client's place in this document, handed back to the connection that joined. */
    public static final class Member {
        private final String client;
        private final Connection connection;
        private final boolean readOnly;
        private final String author;
        private boolean welcomed;

        Member(String client, Connection connection, boolean readOnly, String author) {
            this.client = client;
            this.connection = connection;
            this.readOnly = readOnly;
            this.author = author;
        }

        public String client() {
            return client;
        }
    }

    /**
     * The current text and revision, completed once that revision is durable: what the
     * HTTP API shows never includes an edit that a crash could still take back.
     */
    public CompletableFuture<Snapshot> snapshot() {
        lock.lock();
        try {
            ensureUsable();
            Snapshot now = new Snapshot(authority.revision(), authority.text().toString());
            CompletableFuture<Snapshot> result = new CompletableFuture<>();
            after(now.rev(), () -> result.complete(now));
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
            return durableRev;
        } finally {
            lock.unlock();
        }
    }

    /** The durable history {@code from+1 .. to}. */
    public List<Revision> history(int from, int to) {
        lock.lock();
        try {
            ensureUsable();
            if (from < 0 || to < from || to > durableRev) {
                throw new IllegalArgumentException("range " + from + ".." + to + " is outside 0.." + durableRev);
            }
            return authority.revisions(from, to);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Admits {@code join.client()} on {@code connection}. Its {@code welcome} (a catch-up
     * list when {@code join.rev()} can be resumed from, else a snapshot) is sent once the
     * current revision is durable, and then the others hear {@code peer-joined} (again,
     * when a client rejoins under a new name). An earlier connection of the same client is
     * closed and replaced. The welcome names the document by {@code publicId}, the id the
     * client asked for: a read-only id never reveals the editable one.
     *
     * @throws ProtocolException when the document has no room for another connection
     */
    public Member join(Connection connection, ClientMessage.Join join, String publicId, boolean readOnly) {
        lock.lock();
        try {
            ensureUsable();
            Member previous = members.get(join.client());
            if (previous == null && members.size() >= limits.maxConnectionsPerDocument()) {
                throw new ProtocolException(ErrorCode.TOO_LARGE, "this document already has the maximum of "
                        + limits.maxConnectionsPerDocument() + " connections");
            }
            String author = authorship.authorOf(join);
            String name = join.name() == null ? "" : join.name();
            String color = authority.colorFor(join.client(), name, authorship.knownColor(author));
            if (!readOnly) {
                authorship.joined(author, name, color, System.currentTimeMillis());
            }
            Member member = new Member(join.client(), connection, readOnly, author);
            members.put(join.client(), member);
            Peer before = authority.peer(join.client());
            Peer peer = authority.join(join.client(), name, readOnly, author, color);
            // A rejoin under a new name is how a client renames itself: the others hear it as peer-joined.
            boolean announce = before == null || !before.name().equals(peer.name());
            int rev = authority.revision();
            List<Peer> others = new ArrayList<>();
            for (Peer p : authority.peers()) {
                if (!p.client().equals(join.client())) {
                    others.add(p);
                }
            }
            ServerMessage welcome = new ServerMessage.Welcome(publicId, join.client(), rev, null, null, others, readOnly);
            welcome = withContent((ServerMessage.Welcome) welcome, join.rev());
            if (join.author() != null) {
                welcome = ((ServerMessage.Welcome) welcome).withAuthorship(author, authorship.current(), authorship.authors());
            }
            ServerMessage.Encoded frame = new ServerMessage.Encoded(JsonCodec.encode(welcome));
            ServerMessage.Encoded joined = announce
                    ? new ServerMessage.Encoded(JsonCodec.encode(new ServerMessage.PeerJoined(peer)))
                    : null;
            after(rev, () -> {
                member.welcomed = true;
                member.connection.send(frame);
                if (joined != null) {
                    broadcast(joined, member.client);
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

    private ServerMessage.Welcome withContent(ServerMessage.Welcome w, Integer clientRev) {
        if (clientRev != null && clientRev <= w.rev() && w.rev() - clientRev <= limits.maxCatchUp()) {
            try {
                List<Revision> ops = authority.revisionsAfter(clientRev);
                return new ServerMessage.Welcome(w.doc(), w.client(), w.rev(), null, ops, w.peers(), w.readOnly());
            } catch (StaleRevisionException e) {
                // fall through to a snapshot: the client starts over from the text
            }
        }
        return new ServerMessage.Welcome(w.doc(), w.client(), w.rev(), authority.text().toString(), null, w.peers(),
                w.readOnly());
    }

    /**
     * Applies {@code op} from {@code member}. The author's {@code ack} and everyone else's
     * {@code op} follow once the revision is durable; a duplicate is acknowledged with the
     * revision it made before, once that is durable.
     *
     * @throws ProtocolException for a read-only member, an invalid operation, or one that
     *                           would make the document too large
     */
    public void submit(Member member, ClientMessage.Op op) {
        submit(member, op, null);
    }

    /**
     * As {@link #submit(Member, ClientMessage.Op)}; {@code inserted} names who wrote the text a
     * restore brings back (see {@link DocumentHistory#restoring}), null for an ordinary edit.
     */
    public void submit(Member member, ClientMessage.Op op, Authorship inserted) {
        lock.lock();
        try {
            ensureUsable();
            if (members.get(member.client) != member) {
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
                after(receipt.rev(), () -> member.connection.send(ack));
                return;
            }
            Revision applied = receipt.applied();
            authorship.applied(applied);
            committer.enqueue(authorship.commit(applied, authority.text()), commits);
            after(applied.rev(), () -> {
                member.connection.send(ack);
                broadcast(new ServerMessage.Encoded(JsonCodec.encode(new ServerMessage.Op(applied))), applied.client());
            });
        } finally {
            lock.unlock();
        }
    }

    /** True when {@code member}'s operation {@code seq} has been applied already (a resend). */
    public boolean isApplied(Member member, long seq) {
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
    public void cursor(Member member, ClientMessage.Cursor cursor) {
        lock.lock();
        try {
            ensureUsable();
            if (members.get(member.client) != member) {
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
            after(rev, () -> broadcast(frame, member.client));
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
            if (authority.revision() != 0 || !deferred.isEmpty()) {
                throw new IllegalStateException("the document already has " + authority.revision() + " revisions");
            }
            TextBuffer text = new TextBuffer("");
            AuthorshipBuffer runs = new AuthorshipBuffer(Authorship.empty());
            List<Commit> commits = new ArrayList<>(revisions.size());
            for (int i = 0; i < revisions.size(); i++) {
                Revision r = revisions.get(i);
                if (r.rev() != i + 1) {
                    throw new IllegalArgumentException("revision " + r.rev() + " stands where revision " + (i + 1) + " belongs");
                }
                try {
                    r.operation().applyTo(text);
                    runs.apply(r.operation(), r.insertedAuthorship());
                } catch (InvalidOperationException e) {
                    throw new IllegalArgumentException("revision " + r.rev() + " does not apply: " + e.getMessage(), e);
                }
                if (text.length() > limits.maxDocumentLength()) {
                    throw new IllegalArgumentException("revision " + r.rev() + " makes the document longer than "
                            + limits.maxDocumentLength() + " code units");
                }
                commits.add(LiveAuthorship.commitOf(id, r, text, runs, limits, i == revisions.size() - 1));
            }
            for (int from = 0; from < commits.size(); from += IMPORT_BATCH) {
                store.commit(commits.subList(from, Math.min(commits.size(), from + IMPORT_BATCH)));
            }
            for (Member m : List.copyOf(members.values())) {
                m.connection.close(1012, "the document was replaced by an import; reconnect");
            }
            members.clear();
            authority = null;
            authorship = null;
            durableRev = 0;
            return text.toString();
        } finally {
            lock.unlock();
        }
    }

    /** {@code member}'s connection ended; the others hear {@code peer-left} unless it was replaced. */
    public void leave(Member member) {
        lock.lock();
        try {
            if (closed || members.get(member.client) != member) {
                return;
            }
            members.remove(member.client);
            authority.leave(member.client);
            ServerMessage.Encoded frame = new ServerMessage.Encoded(
                    JsonCodec.encode(new ServerMessage.PeerLeft(member.client)));
            after(authority.revision(), () -> broadcast(frame, member.client));
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
            for (Member m : List.copyOf(members.values())) {
                try {
                    m.connection.close(code, reason);
                } catch (RuntimeException e) {
                    // a connection that cannot be closed now is ending with the application anyway
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Every revision up to {@code rev} is durable. */
    private void durable(int rev) {
        lock.lock();
        try {
            if (rev > durableRev) {
                durableRev = rev;
            }
            Deferred next;
            while ((next = deferred.peekFirst()) != null && next.rev <= durableRev) {
                deferred.removeFirst();
                next.action.run();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Revisions could not be stored. What is in memory is
     * now ahead of the store, so the document closes every connection with
     * {@code server-error}; clients resume against the stored state, resending what was
     * never acknowledged.
     */
    private void failed(Throwable cause) {
        lock.lock();
        try {
            failure = cause;
            broken = true;
            closed = true;
            deferred.clear();
            for (Member m : members.values()) {
                m.connection.send(new ServerMessage.Error(ErrorCode.SERVER_ERROR, "the document could not be saved; reconnect to resume",
                        Incidents.idOf(cause)));
                m.connection.close(ErrorCode.SERVER_ERROR.closeCode(), "server-error");
            }
            members.clear();
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
            boolean settled = authority == null || (deferred.isEmpty() && durableRev == authority.revision());
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
        durableRev = stored.rev();
    }

    /** Runs {@code action} once revision {@code rev} is durable, after everything queued before it. */
    private void after(int rev, Runnable action) {
        if (deferred.isEmpty() && rev <= durableRev) {
            action.run();
        } else {
            deferred.addLast(new Deferred(rev, action));
        }
    }

    /**
     * Over a copy of the members: a send can end its connection on this very thread (the
     * container reports a failed write as a close, which calls {@link #leave}).
     */
    private void broadcast(ServerMessage frame, String exceptClient) {
        for (Member m : List.copyOf(members.values())) {
            if (m.welcomed && !m.client.equals(exceptClient) && members.get(m.client) == m) {
                m.connection.send(frame);
            }
        }
    }

    private record Deferred(int rev, Runnable action) {
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
