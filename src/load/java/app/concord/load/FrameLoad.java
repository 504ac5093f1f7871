package app.concord.load;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.glassfish.tyrus.client.ClientManager;

/**
 * The frames of the keystroke load without the protocol: D rooms of W writers and L
 * listeners on the container-floor endpoint (src/load/floor), each writer sending a frame
 * shaped like an {@code op} message K times a second, which the endpoint writes back to every
 * member of the room. Per edit that is one frame in and W + L frames out, as in Concord
 * (an ack and the broadcast). Reports the figures of a keystroke run (CPU per edit, delivery
 * and echo latency, the machine's), so that the floor stands next to Concord in one table.
 */
final class FrameLoad {

    private FrameLoad() {
    }

    static Report run(ClientManager container, Keystrokes.Setup s, ServerStats server) throws Exception {
        Metrics metrics = new Metrics();
        AtomicLong sent = new AtomicLong();
        String runId = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
        List<Session> sessions = new ArrayList<>();
        List<Member> writers = new ArrayList<>();
        for (int d = 0; d < s.docs(); d++) {
            URI room = URI.create(s.url() + "/floor/" + runId + "-" + d);
            for (int i = 0; i < s.writers() + s.listeners(); i++) {
                Member m = new Member("m" + d + "_" + i, metrics);
                sessions.add(container.connectToServer(m, ClientEndpointConfig.Builder.create().build(), room));
                if (i < s.writers()) {
                    writers.add(m);
                }
            }
        }
        Typing typing = new Typing(s.rate(), s.seed());
        writers.forEach(w -> typing.start(w, (writer, random) -> writer.send(sent)));
        Thread.sleep((long) (s.warmupSeconds() * 1000));
        long sentBefore = sent.get();
        Window window = Window.open(server);
        metrics.recording = true;
        Thread.sleep((long) (s.seconds() * 1000));
        metrics.recording = false;
        double elapsed = window.close();
        long edits = sent.get() - sentBefore;
        typing.close();
        for (Session session : sessions) {
            try {
                session.close();
            } catch (IOException e) {
                // closing at the end of the run
            }
        }
        Report r = new Report().put("mode", "frames").put("docs", s.docs()).put("writersPerDoc", s.writers())
                .put("keysPerSecondPerWriter", s.rate()).put("listenersPerDoc", s.listeners()).put("seconds", elapsed)
                .put("opsAckedPerSecond", edits / elapsed).put("deliveriesPerSecond", metrics.deliveries.sum() / elapsed);
        r.latency("delivery", metrics.delivery).latency("ack", metrics.ack);
        window.put(r, edits);
        return r.put("converged", true).put("errors", metrics.errors.size());
    }

    /** One connection: sends stamped frames when it writes, and times every frame it gets back. */
    private static final class Member extends Endpoint {
        private final String id;
        private final Metrics metrics;
        private final String prefix;
        private volatile Session session;
        private long seq;

        Member(String id, Metrics metrics) {
            this.id = id;
            this.metrics = metrics;
            this.prefix = "{\"type\":\"op\",\"client\":\"" + id + "\",";
        }

        @Override
        public void onOpen(Session s, EndpointConfig config) {
            session = s;
            s.addMessageHandler(String.class, (MessageHandler.Whole<String>) this::received);
        }

        /** A frame of the size and shape of an op message: client, seq, a one-character insert, the send time. */
        synchronized void send(AtomicLong sent) {
            try {
                session.getBasicRemote().sendText(prefix + "\"seq\":" + (++seq) + ",\"ops\":[" + (seq % 97) + ",\"x\",3],\"t\":"
                        + System.nanoTime() + "}");
                sent.incrementAndGet();
            } catch (IOException | RuntimeException e) {
                metrics.error(id + ": " + e);
            }
        }

        private void received(String frame) {
            long now = System.nanoTime();
            int t = frame.lastIndexOf("\"t\":");
            if (t < 0 || !metrics.recording) {
                return;
            }
            long latency = now - Long.parseLong(frame.substring(t + 4, frame.length() - 1));
            if (frame.startsWith(prefix)) {
                metrics.ack.recordNanos(latency);
            } else {
                metrics.delivery.recordNanos(latency);
                metrics.deliveries.increment();
            }
        }
    }
}
