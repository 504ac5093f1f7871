package app.concord.client;

import app.concord.ot.InvalidOperationException;
import app.concord.ot.Range;
import app.concord.ot.TextOperation;
import app.concord.protocol.ClientMessage;
import app.concord.protocol.ErrorCode;
import app.concord.protocol.JsonCodec;
import app.concord.protocol.Peer;
import app.concord.protocol.Revision;
import app.concord.protocol.ServerMessage;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A live replica of one Concord document, kept in step with the server over WebSocket: read
 * its {@link #text()}, edit it, and hear about everyone else's edits and cursors through a
 * {@link DocumentListener}. Made by {@link Concord#connect}.
 *
 * <p>Edits apply to the local text at once and return a future that completes with the
 * server revision that includes them once the server has acknowledged (and stored) them.
 * They are sent as protocol v1 prescribes, one operation in flight and later edits composed
 * into the next; a dropped connection is renewed after the wait of the
 * {@link ReconnectPolicy} and resumed, so that every edit counts exactly once.
 *
 * <p>Thread-safe: every method may be called from any thread, listeners included. Positions
 * count UTF-16 code units of the local text, which includes this client's edits not yet
 * acknowledged and changes as remote edits arrive: to compute an edit from the text, use
 * {@link #edit(Function)}, which holds the document still meanwhile.
 */
public final class RemoteDocument implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RemoteDocument.class.getName());
    private static final long TICK_MILLIS = 100;

    private final URI uri;
    private final String id;
    private final ClientOptions options;
    private final WebSocketContainer container;
    private final ExecutorService writes;
    private final ExecutorService events;
    private final List<DocumentListener> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<RemoteDocument> opened = new CompletableFuture<>();
    private final long connectDeadline;

    private final Object lock = new Object();
    // Everything below is guarded by lock.
    private final Random random = new Random();
    private final Pacer pacer;
    private ClientDocument replica;
    private boolean readOnly;
    private ConnectionState state = ConnectionState.CONNECTING;
    private ConcordException failure;
    private Link link;
    private int failures;
    private ConcordException lastProblem;
    private ScheduledFuture<?> retry;
    private ScheduledFuture<?> ticker;
    /** When the operation in flight was written, or 0 when none is written and unacknowledged. */
    private long inFlightSince;
    private long lastWrite;
    private final Map<String, Peer> peers = new LinkedHashMap<>();
    private List<Range> selection = List.of();
    private boolean selectionUnsent;
    /** Futures of the edits composed into the buffer, not yet sent. */
    private final List<CompletableFuture<Integer>> buffered = new ArrayList<>();
    /** Futures of sent edits by the seq of the operation that carries them. */
    private final NavigableMap<Long, List<CompletableFuture<Integer>>> sent = new TreeMap<>();
    private final List<CompletableFuture<Integer>> syncWaiters = new ArrayList<>();

    RemoteDocument(URI uri, String id, ClientOptions options, List<DocumentListener> initialListeners) {
        this.uri = uri;
        this.id = id;
        this.options = options;
        this.container = options.container() != null ? options.container() : Threads.sharedContainer();
        this.writes = Threads.serial("concord-write-" + id);
        this.events = Threads.serial("concord-events-" + id);
        this.listeners.addAll(initialListeners);
        this.connectDeadline = System.nanoTime() + options.connectTimeout().toNanos();
        this.pacer = new Pacer(options.opsPerSecond(), options.opsBurst(), System.nanoTime());
    }

    /** Opens the first connection; {@link #opened()} completes with the welcome or fails. */
    void start() {
        synchronized (lock) {
            ticker = Threads.TIMERS.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
            open();
        }
    }

    CompletableFuture<RemoteDocument> opened() {
        return opened;
    }

    // ---------------------------------------------------------------- reading

    /** The document id. */
    public String id() {
        return id;
    }

    /** This client's id: the author of its edits as others see them. */
    public String clientId() {
        return options.clientId();
    }

    /** The local text: the server's text at {@link #revision()} with this client's unacknowledged edits. */
    public String text() {
        synchronized (lock) {
            return replica.text();
        }
    }

    /** The length of {@link #text()} in UTF-16 code units. */
    public int length() {
        synchronized (lock) {
            return replica.length();
        }
    }

    /** The last server revision this replica has: acknowledged or applied. */
    public int revision() {
        synchronized (lock) {
            return replica.revision();
        }
    }

    /** True when the server gave this client a read-only view (a read-only link): edits are refused. */
    public boolean isReadOnly() {
        synchronized (lock) {
            return readOnly;
        }
    }

    public ConnectionState state() {
        synchronized (lock) {
            return state;
        }
    }

    /** How many local edits the server has not acknowledged yet. */
    public int unacknowledgedEdits() {
        synchronized (lock) {
            int n = buffered.size();
            for (List<CompletableFuture<Integer>> edits : sent.values()) {
                n += edits.size();
            }
            return n;
        }
    }

    /** Everyone else who has the document open, with their selections as positions in the local text. */
    public List<Peer> peers() {
        synchronized (lock) {
            return List.copyOf(peers.values());
        }
    }

    // ---------------------------------------------------------------- editing

    /**
     * Applies {@code op} to the local text and sends it.
     *
     * @param op an operation on the whole local text, of {@link #length()} code units
     * @return completes with a server revision that includes the edit once the server has
     *         acknowledged it, or fails with {@link DocumentClosedException}
     * @throws InvalidOperationException when {@code op} does not apply to the local text or inserts
     *                                   an unpaired surrogate; nothing is changed or sent
     * @throws IllegalStateException     when the document is read-only
     * @throws DocumentClosedException  when the document is closed
     */
    public CompletableFuture<Integer> apply(TextOperation op) {
        Objects.requireNonNull(op, "op");
        op.checkInsertsWellFormed();
        synchronized (lock) {
            requireEditable();
            Optional<ClientDocument.Outgoing> out = replica.applyLocal(op);
            CompletableFuture<Integer> acknowledged = new CompletableFuture<>();
            if (op.isIdentity()) {
                acknowledged.complete(replica.revision());
                return acknowledged;
            }
            movePresence(op, options.clientId());
            buffered.add(acknowledged);
            out.ifPresent(o -> {
                track(o);
                writeOp(link, o);
            });
            return acknowledged;
        }
    }

    /**
     * Applies the operation that {@code change} computes from the local text, while no remote
     * edit can move the text under it: for an edit that depends on what the text says.
     *
     * @see #apply(TextOperation)
     */
    public CompletableFuture<Integer> edit(Function<String, TextOperation> change) {
        Objects.requireNonNull(change, "change");
        synchronized (lock) {
            requireEditable();
            return apply(change.apply(replica.text()));
        }
    }

    /** Inserts {@code text} at {@code pos}, 0 to {@link #length()}. @see #apply(TextOperation) */
    public CompletableFuture<Integer> insert(int pos, String text) {
        return replace(pos, pos, text);
    }

    /** Deletes the code units from {@code from} to {@code to} (exclusive). @see #apply(TextOperation) */
    public CompletableFuture<Integer> delete(int from, int to) {
        return replace(from, to, "");
    }

    /** Replaces the code units from {@code from} to {@code to} (exclusive) with {@code text}. @see #apply(TextOperation) */
    public CompletableFuture<Integer> replace(int from, int to, String text) {
        Objects.requireNonNull(text, "text");
        synchronized (lock) {
            requireEditable();
            int length = replica.length();
            if (from < 0 || from > to || to > length) {
                throw new IndexOutOfBoundsException("range " + from + ".." + to + " is not within the text of length " + length);
            }
            return apply(TextOperation.splice(length, from, to - from, text));
        }
    }

    /** Appends {@code text} at the end. @see #apply(TextOperation) */
    public CompletableFuture<Integer> append(String text) {
        Objects.requireNonNull(text, "text");
        synchronized (lock) {
            requireEditable();
            return insert(replica.length(), text);
        }
    }

    /** Sets this client's selection to the caret or range from {@code anchor} to {@code head}. @see #select(List) */
    public void select(int anchor, int head) {
        select(List.of(new Range(anchor, head)));
    }

    /**
     * Sets this client's selection, which the others see drawn with its name. It moves with
     * later edits and is sent whenever nothing is in flight, as the protocol asks.
     *
     * @param ranges at most 100 ranges, each within the local text
     */
    public void select(List<Range> ranges) {
        List<Range> copy = List.copyOf(ranges);
        if (copy.size() > 100) {
            throw new IllegalArgumentException("at most 100 ranges, got " + copy.size());
        }
        synchronized (lock) {
            requireOpen();
            for (Range r : copy) {
                if (Math.min(r.anchor(), r.head()) < 0 || Math.max(r.anchor(), r.head()) > replica.length()) {
                    throw new IndexOutOfBoundsException(r + " is not within the text of length " + replica.length());
                }
            }
            selection = copy;
            selectionUnsent = true;
            sendSelection();
        }
    }

    /** Completes with the revision once every edit made so far is acknowledged; fails if the document closes first. */
    public CompletableFuture<Integer> acknowledged() {
        synchronized (lock) {
            CompletableFuture<Integer> done = new CompletableFuture<>();
            if (state == ConnectionState.CLOSED && unacknowledgedEdits() > 0) {
                done.completeExceptionally(closedException());
            } else if (replica.isSynchronized() && buffered.isEmpty() && sent.isEmpty()) {
                done.complete(replica.revision());
            } else {
                syncWaiters.add(done);
            }
            return done;
        }
    }

    /**
     * Waits until every edit made so far is acknowledged: stored by the server.
     *
     * @return the revision that includes them
     * @throws TimeoutException        when that takes longer than {@code timeout}
     * @throws DocumentClosedException when the document closes first
     */
    public int awaitAcknowledged(Duration timeout) throws InterruptedException, TimeoutException {
        return await(acknowledged(), timeout);
    }

    // ---------------------------------------------------------------- listeners and lifecycle

    /** Adds a listener for the events from now on. */
    public void addListener(DocumentListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(DocumentListener listener) {
        listeners.remove(listener);
    }

    /**
     * Drops the connection and resumes on a new one at once, as after a network failure:
     * nothing is lost or doubled. For tests, and for programs that know the network changed.
     */
    public void reconnect() {
        synchronized (lock) {
            requireOpen();
            Link l = link;
            if (l != null) {
                dropLink(l);
            }
            if (retry != null) {
                retry.cancel(false);
            }
            open();
        }
    }

    /**
     * Closes the connection. Edits not yet acknowledged fail with {@link DocumentClosedException}
     * (they may still have reached the server): {@link #awaitAcknowledged} first to be sure.
     * Closing twice does nothing.
     */
    @Override
    public void close() {
        Link l;
        synchronized (lock) {
            if (state == ConnectionState.CLOSED) {
                return;
            }
            l = shutDown(null);
        }
        if (l != null) {
            l.close();
        }
    }

    /** Why the document closed by itself, or null while it is open or when {@link #close()} closed it. */
    public ConcordException failure() {
        synchronized (lock) {
            return failure;
        }
    }

    @Override
    public String toString() {
        return "RemoteDocument[" + uri + " as " + options.clientId() + "]";
    }

    // ---------------------------------------------------------------- connections

    private void open() {
        Link l = new Link(this);
        link = l;
        Threads.CONNECTS.execute(() -> connect(l));
    }

    private void connect(Link l) {
        Session session;
        try {
            session = container.connectToServer(l, ClientEndpointConfig.Builder.create().build(), uri);
        } catch (DeploymentException | IOException | RuntimeException e) {
            lost(l, "cannot connect to " + uri, e);
            return;
        }
        synchronized (lock) {
            if (link != l) {
                l.session = session;
                Threads.CONNECTS.execute(l::close);
                return;
            }
            l.session = session;
            Integer rev = replica == null ? null : replica.revision();
            write(l, JsonCodec.encode(new ClientMessage.Join(options.clientId(), options.name(), rev, options.author(), options.batches())));
        }
    }

    /** A connection ended or failed; ignored unless it is the current one. */
    void lost(Link l, String why, Throwable cause) {
        synchronized (lock) {
            if (link != l || state == ConnectionState.CLOSED) {
                return;
            }
            dropLink(l);
            retryLater(new ConcordException(why + (cause == null ? "" : ": " + cause), cause));
        }
    }

    private void dropLink(Link l) {
        link = null;
        Threads.CONNECTS.execute(l::close);
    }

    private void retryLater(ConcordException reason) {
        lastProblem = reason;
        failures++;
        Optional<Duration> wait = options.reconnect().delay(failures, random::nextDouble);
        if (wait.isEmpty()) {
            fail(new ConcordException("gave up after " + (failures - 1) + " reconnect attempts; last: " + reason.getMessage(),
                    reason));
            return;
        }
        if (!opened.isDone() && System.nanoTime() + wait.get().toNanos() > connectDeadline) {
            fail(connectTimedOut());
            return;
        }
        setState(opened.isDone() ? ConnectionState.RECONNECTING : ConnectionState.CONNECTING, reason);
        retry = Threads.TIMERS.schedule(() -> {
            synchronized (lock) {
                if (state != ConnectionState.CLOSED && link == null) {
                    open();
                }
            }
        }, wait.get().toNanos(), TimeUnit.NANOSECONDS);
    }

    private ConcordException connectTimedOut() {
        return new ConcordException("no connection to " + uri + " within " + options.connectTimeout()
                + (lastProblem == null ? "" : "; last: " + lastProblem.getMessage()), lastProblem);
    }

    /** Timeouts and pings, every {@link #TICK_MILLIS}. */
    private void tick() {
        synchronized (lock) {
            if (state == ConnectionState.CLOSED) {
                return;
            }
            long now = System.nanoTime();
            if (!opened.isDone() && now > connectDeadline) {
                fail(connectTimedOut());
                return;
            }
            Link l = link;
            if (l == null) {
                return;
            }
            if (!l.welcomed && now - l.startedNanos > options.handshakeTimeout().toNanos()) {
                lost(l, "no welcome within " + options.handshakeTimeout(), null);
            } else if (l.welcomed && inFlightSince != 0 && now - inFlightSince > options.ackTimeout().toNanos()) {
                lost(l, "no acknowledgement within " + options.ackTimeout(), null);
            } else if (l.welcomed && now - lastWrite > options.pingInterval().toNanos()) {
                write(l, JsonCodec.encode(new ClientMessage.Ping()));
            }
        }
    }

    private void write(Link l, String frame) {
        lastWrite = System.nanoTime();
        try {
            writes.execute(() -> l.write(frame));
        } catch (RejectedExecutionException closed) {
            // the document is closed
        }
    }

    /** Sends operation {@code out} on {@code l} when it is joined and the pacer allows; later otherwise. */
    private void writeOp(Link l, ClientDocument.Outgoing out) {
        if (l == null || !l.welcomed || link != l) {
            return; // the resume after the next welcome sends it
        }
        long wait = pacer.take(System.nanoTime());
        if (wait > 0) {
            Threads.TIMERS.schedule(() -> {
                synchronized (lock) {
                    if (state != ConnectionState.CLOSED) {
                        writeOp(l, out);
                    }
                }
            }, wait, TimeUnit.NANOSECONDS);
            return;
        }
        long sentNanos = System.nanoTime();
        inFlightSince = sentNanos;
        write(l, JsonCodec.encode(new ClientMessage.Op(out.rev(), out.seq(), out.op())));
        emit(listener -> listener.operationSent(out.seq(), sentNanos));
    }

    /** Operation {@code out} now carries the buffered edits. */
    private void track(ClientDocument.Outgoing out) {
        if (!buffered.isEmpty()) {
            sent.computeIfAbsent(out.seq(), seq -> new ArrayList<>()).addAll(buffered);
            buffered.clear();
        }
        inFlightSince = 0;
    }

    // ---------------------------------------------------------------- the server's messages

    void received(Link l, String frame) {
        Optional<ServerMessage> message;
        try {
            message = JsonCodec.decodeServerMessage(frame);
        } catch (IllegalArgumentException e) {
            violated(l, e);
            return;
        }
        if (message.isEmpty()) {
            return;
        }
        synchronized (lock) {
            if (link != l || state == ConnectionState.CLOSED) {
                return;
            }
            try {
                if (message.get() instanceof ServerMessage.Batch batch) {
                    // Each as if it had come alone; one may end this link (an error), and the rest with it.
                    for (int i = 0; i < batch.messages().size() && link == l && state != ConnectionState.CLOSED; i++) {
                        handle(l, batch.messages().get(i));
                    }
                } else {
                    handle(l, message.get());
                }
            } catch (IllegalArgumentException | IllegalStateException e) {
                violated(l, e);
            }
        }
    }

    private void violated(Link l, RuntimeException e) {
        ProtocolViolationException violation = new ProtocolViolationException("the server broke the protocol: "
                + e.getMessage(), e);
        emit(listener -> listener.error(violation));
        lost(l, violation.getMessage(), null);
    }

    private void handle(Link l, ServerMessage message) {
        if (message instanceof ServerMessage.Op m) {
            applyRevision(m.revision()).ifPresent(out -> {
                track(out);
                writeOp(l, out);
            });
            settle();
        } else if (message instanceof ServerMessage.Ack m) {
            boolean inFlight = m.seq() == replica.inFlightSeq();
            Optional<ClientDocument.Outgoing> next = replica.ack(m.rev(), m.seq());
            if (inFlight) {
                emit(listener -> listener.operationAcknowledged(m.seq(), m.rev()));
            }
            next.ifPresent(out -> {
                track(out);
                writeOp(l, out);
            });
            settle();
        } else if (message instanceof ServerMessage.Cursor m) {
            Peer peer = peers.get(m.client());
            if (peer != null && m.rev() == replica.revision()) {
                Peer moved = peer.withRanges(replica.transformCursor(m.ranges()));
                peers.put(m.client(), moved);
                emit(listener -> listener.cursorMoved(moved));
            }
        } else if (message instanceof ServerMessage.Welcome m) {
            welcome(l, m);
        } else if (message instanceof ServerMessage.PeerJoined m) {
            if (!m.peer().client().equals(options.clientId())) {
                peers.put(m.peer().client(), m.peer());
                emit(listener -> listener.peerJoined(m.peer()));
            }
        } else if (message instanceof ServerMessage.PeerLeft m) {
            Peer gone = peers.remove(m.client());
            if (gone != null) {
                emit(listener -> listener.peerLeft(gone));
            }
        } else if (message instanceof ServerMessage.Error m) {
            serverError(l, new ServerErrorException(m.code(), m.message()));
        }
    }

    private void welcome(Link l, ServerMessage.Welcome w) {
        if (l.welcomed) {
            throw new IllegalStateException("a second welcome on one connection");
        }
        readOnly = w.readOnly();
        if (w.ops() != null) {
            if (replica == null) {
                throw new IllegalStateException("a catch-up welcome for a join without a revision");
            }
            for (Revision r : w.ops()) {
                applyRevision(r).ifPresent(this::track); // the resend below sends it
            }
        } else {
            snapshot(w.rev(), w.text());
        }
        l.welcomed = true;
        failures = 0;
        lastProblem = null;
        replacePeers(w.peers());
        setState(ConnectionState.CONNECTED, null);
        if (!opened.isDone()) {
            runEvent(() -> opened.complete(this));
        }
        replica.resend().ifPresent(out -> writeOp(l, out));
        selectionUnsent = !selection.isEmpty();
        settle();
    }

    /** A welcome with the whole text: the first one, or after a drop the server could not resume from. */
    private void snapshot(int rev, String text) {
        if (replica == null) {
            replica = new ClientDocument(options.clientId(), rev, text);
            return;
        }
        if (!replica.isSynchronized()) {
            ConcordException lostEdits = new ConcordException("the server could not resume from revision "
                    + replica.revision() + " and sent its whole text: " + unacknowledgedEdits()
                    + " edits not acknowledged are lost");
            failPending(lostEdits);
            emit(listener -> listener.error(lostEdits));
        }
        String before = replica.text();
        replica = new ClientDocument(options.clientId(), rev, text, replica.nextSeq());
        if (!before.equals(text)) {
            TextOperation replaced = TextOperation.splice(before.length(), 0, before.length(), text);
            movePresence(replaced, null);
            RemoteChange change = new RemoteChange(rev, null, 0, replaced);
            emit(listener -> listener.changed(change));
        }
    }

    /** Applies revision {@code r}; returns the buffered edits to send when it acknowledged this client's operation. */
    private Optional<ClientDocument.Outgoing> applyRevision(Revision r) {
        boolean ownInFlight = r.client().equals(options.clientId()) && r.seq() == replica.inFlightSeq();
        ClientDocument.Remote remote = replica.applyRemote(r.rev(), r.client(), r.seq(), r.operation());
        if (ownInFlight) {
            emit(listener -> listener.operationAcknowledged(r.seq(), r.rev()));
        }
        if (!remote.operation().isIdentity()) {
            movePresence(remote.operation(), r.client());
            RemoteChange change = new RemoteChange(r.rev(), r.client(), r.seq(), remote.operation());
            emit(listener -> listener.changed(change));
        }
        return remote.send();
    }

    private void serverError(Link l, ServerErrorException error) {
        emit(listener -> listener.error(error));
        if (error.code() == ErrorCode.READ_ONLY) {
            return;
        }
        boolean transientError = error.code() == ErrorCode.SERVER_ERROR || error.code() == ErrorCode.RATE_LIMITED
                || (error.code() == ErrorCode.TOO_LARGE && !l.welcomed && opened.isDone());
        if (transientError) {
            lost(l, error.getMessage(), error);
        } else {
            fail(error);
        }
    }

    /** Completes the futures of acknowledged edits, and sends the selection when nothing is in flight. */
    private void settle() {
        long inFlight = replica.inFlightSeq();
        long acknowledgedThrough = inFlight == 0 ? replica.nextSeq() - 1 : inFlight - 1;
        int rev = replica.revision();
        List<CompletableFuture<Integer>> done = new ArrayList<>();
        while (!sent.isEmpty() && sent.firstKey() <= acknowledgedThrough) {
            done.addAll(sent.pollFirstEntry().getValue());
        }
        if (replica.isSynchronized()) {
            inFlightSince = 0;
            done.addAll(syncWaiters);
            syncWaiters.clear();
            sendSelection();
        }
        if (!done.isEmpty()) {
            runEvent(() -> done.forEach(f -> f.complete(rev)));
        }
    }

    private void sendSelection() {
        Link l = link;
        if (selectionUnsent && l != null && l.welcomed && replica.isSynchronized()) {
            selectionUnsent = false;
            write(l, JsonCodec.encode(new ClientMessage.Cursor(replica.revision(), selection)));
        }
    }

    private void replacePeers(List<Peer> now) {
        Map<String, Peer> before = new LinkedHashMap<>(peers);
        peers.clear();
        for (Peer p : now) {
            if (!p.client().equals(options.clientId())) {
                Peer local = p.withRanges(replica.transformCursor(p.ranges()));
                peers.put(p.client(), local);
                if (before.remove(p.client()) == null) {
                    emit(listener -> listener.peerJoined(local));
                }
            }
        }
        for (Peer gone : before.values()) {
            emit(listener -> listener.peerLeft(gone));
        }
    }

    /** Moves every selection past {@code op}, made by {@code author}: a caret follows its owner's own typing. */
    private void movePresence(TextOperation op, String author) {
        peers.replaceAll((client, p) -> p.ranges().isEmpty() ? p : p.withRanges(moved(p.ranges(), op, client.equals(author))));
        if (!selection.isEmpty()) {
            selection = moved(selection, op, options.clientId().equals(author));
        }
    }

    private static List<Range> moved(List<Range> ranges, TextOperation op, boolean byOwner) {
        List<Range> result = new ArrayList<>(ranges.size());
        for (Range r : ranges) {
            result.add(r.transform(op, byOwner));
        }
        return result;
    }

    // ---------------------------------------------------------------- state

    private void setState(ConnectionState next, Throwable cause) {
        if (state != next) {
            state = next;
            emit(listener -> listener.stateChanged(next, cause));
        }
    }

    /** Closes the document for good because of {@code error}. */
    private void fail(ConcordException error) {
        Link l = shutDown(error);
        if (l != null) {
            Threads.CONNECTS.execute(l::close);
        }
    }

    /** Ends everything; returns the connection to close. */
    private Link shutDown(ConcordException error) {
        failure = error;
        ticker.cancel(false);
        if (retry != null) {
            retry.cancel(false);
        }
        Link l = link;
        link = null;
        state = ConnectionState.CLOSED;
        DocumentClosedException closed = closedException();
        failPending(closed);
        runEvent(() -> opened.completeExceptionally(error != null ? error : closed));
        emit(listener -> listener.stateChanged(ConnectionState.CLOSED, error));
        writes.shutdown();
        events.shutdown();
        return l;
    }

    private DocumentClosedException closedException() {
        return new DocumentClosedException(failure == null ? "the document is closed"
                : "the document closed after a failure: " + failure.getMessage(), failure);
    }

    private void failPending(ConcordException reason) {
        List<CompletableFuture<Integer>> pending = new ArrayList<>(buffered);
        sent.values().forEach(pending::addAll);
        pending.addAll(syncWaiters);
        buffered.clear();
        sent.clear();
        syncWaiters.clear();
        if (!pending.isEmpty()) {
            runEvent(() -> pending.forEach(f -> f.completeExceptionally(reason)));
        }
    }

    private void requireOpen() {
        if (state == ConnectionState.CLOSED) {
            throw closedException();
        }
    }

    private void requireEditable() {
        requireOpen();
        if (readOnly) {
            throw new IllegalStateException("document " + id + " is open read-only: edits are refused");
        }
    }

    private void emit(Consumer<DocumentListener> event) {
        if (listeners.isEmpty()) {
            return;
        }
        runEvent(() -> {
            for (DocumentListener listener : listeners) {
                try {
                    event.accept(listener);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "a listener of " + this + " failed", e);
                }
            }
        });
    }

    private void runEvent(Runnable task) {
        try {
            events.execute(task);
        } catch (RejectedExecutionException closed) {
            task.run(); // only after close: nothing is queued behind it any more
        }
    }

    /** {@code future}'s value within {@code timeout}, its failure unwrapped. */
    static <T> T await(CompletableFuture<T> future, Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new ConcordException(e.getCause().getMessage(), e.getCause());
        }
    }
}
