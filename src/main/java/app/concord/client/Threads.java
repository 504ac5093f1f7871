package app.concord.client;

import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The library's threads, all daemons: one timer thread and a pool for opening connections,
 * shared by every document, and per document two serial executors (writes; events) whose
 * thread ends when idle, so an idle document costs no thread.
 */
final class Threads {

    /** Short tasks only (they take a document's lock and queue work). */
    static final ScheduledExecutorService TIMERS = timers();

    /** Opening connections blocks for the handshake; each attempt runs on a thread of its own. */
    static final ExecutorService CONNECTS = Executors.newCachedThreadPool(daemons("concord-connect"));

    private static WebSocketContainer sharedContainer;

    private Threads() {
    }

    /** An executor that runs its tasks one at a time in order, on a thread that ends after 30 s without work. */
    static ExecutorService serial(String name) {
        return new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemons(name));
    }

    /** The WebSocket container shared by the documents that were given none. */
    static synchronized WebSocketContainer sharedContainer() {
        if (sharedContainer == null) {
            sharedContainer = ContainerProvider.getWebSocketContainer();
        }
        return sharedContainer;
    }

    private static ScheduledExecutorService timers() {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, daemons("concord-timers"));
        timers.setRemoveOnCancelPolicy(true);
        return timers;
    }

    private static ThreadFactory daemons(String name) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
