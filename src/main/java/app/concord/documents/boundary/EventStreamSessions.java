package app.concord.documents.boundary;

import app.concord.collab.DocumentIds;
import app.concord.collab.Limits;
import app.concord.collab.ProtocolSession;
import app.concord.documents.control.Collaboration;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The open sessions of the compatibility transport ({@link EventStreamSession}), by token;
 * the threads that write their streams; and the periodic check that sends heartbeats and
 * ends the sessions nobody reads or talks to any more.
 */
@ApplicationScoped
public class EventStreamSessions {

    private static final System.Logger LOG = System.getLogger(EventStreamSessions.class.getName());

    /** A stream with nothing to send gets a comment line after this long, so that proxies keep it open. */
    static final long HEARTBEAT_SECONDS = 20;
    /** A session without a stream for this long has lost its client. */
    static final long DETACHED_SECONDS = 30;
    /** A session without a message for this long has lost its client (clients ping every 20 to 30 s). */
    static final long SILENT_SECONDS = 75;
    /** Most stream writers at once; more wait their turn. */
    static final int WRITER_THREADS = 32;

    @Inject
    Collaboration collaboration;

    @Resource
    ManagedThreadFactory threads;

    private final ConcurrentHashMap<String, EventStreamSession> sessions = new ConcurrentHashMap<>();
    private ThreadPoolExecutor writers;
    private ScheduledFuture<?> ticks;

    @PostConstruct
    void start() {
        writers = new ThreadPoolExecutor(WRITER_THREADS, WRITER_THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
        writers.allowCoreThreadTimeOut(true);
        ticks = collaboration.timers().scheduleWithFixedDelay(this::tick, 5, 5, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (ticks != null) {
            ticks.cancel(false);
        }
        sessions.values().forEach(EventStreamSession::end);
        if (writers != null) {
            writers.shutdown();
        }
    }

    /** A new session on document {@code docId} (a valid id), waiting for its client's {@code join}. */
    EventStreamSession open(String docId) {
        Limits limits = collaboration.documents().limits();
        String token = DocumentIds.fresh();
        EventStreamSession session = new EventStreamSession(token, docId, limits.outboxFrames(), limits.outboxFrames(),
                writers, () -> {
                    sessions.remove(token);
                    collaboration.connectionClosed();
                });
        session.handledBy(new ProtocolSession(collaboration.documents(), docId, session, collaboration.timers()));
        collaboration.connectionOpened();
        sessions.put(token, session);
        return session;
    }

    /** The live session {@code token} on document {@code docId}. */
    Optional<EventStreamSession> find(String docId, String token) {
        EventStreamSession session = token == null ? null : sessions.get(token);
        return session != null && session.docId().equals(docId) && !session.hasEnded() ? Optional.of(session) : Optional.empty();
    }

    /** Sessions open now, joined or not. */
    int count() {
        return sessions.size();
    }

    /** Never throws: a periodic task that throws is never run again. */
    private void tick() {
        long now = System.nanoTime();
        for (EventStreamSession session : sessions.values()) {
            try {
                session.tick(now, TimeUnit.SECONDS.toNanos(HEARTBEAT_SECONDS), TimeUnit.SECONDS.toNanos(DETACHED_SECONDS),
                        TimeUnit.SECONDS.toNanos(SILENT_SECONDS));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "event stream session check failed", e);
            }
        }
    }
}
