package app.concord.client;

import app.concord.collab.DocumentAuthority;
import app.concord.collab.Receipt;
import app.concord.protocol.ClientMessage;
import app.concord.protocol.ErrorCode;
import app.concord.protocol.JsonCodec;
import app.concord.protocol.Peer;
import app.concord.protocol.ServerMessage;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A protocol v1 server in the test's memory, behind a fake {@link WebSocketContainer}: the
 * real {@link DocumentAuthority} orders, transforms and deduplicates; frames go both ways
 * through {@link JsonCodec} and are delivered synchronously, in order, under one lock. It can
 * drop a connection right after applying an operation and before acknowledging it (with
 * probability {@link #dropAfterApply}), the case that exactly-once resume is for. With
 * {@link #holdForBatches}, messages to a client that takes batches are held back at random
 * and delivered together in one batch frame: a client's own are delivered at the end of
 * handling its message, the others' when a coin says so (so a client that stays silent
 * waits for its next ping).
 */
final class InMemoryServer {

    final DocumentAuthority authority = DocumentAuthority.empty("doc", 1_000_000);
    final AtomicInteger framesReceived = new AtomicInteger();
    final AtomicInteger connections = new AtomicInteger();
    final Map<String, Integer> opsBy = new ConcurrentHashMap<>();
    private final List<Connection> joined = new ArrayList<>();
    private final Random random;
    volatile double dropAfterApply;
    /** When set, every op is answered with this error code, and the connection closed. */
    volatile ErrorCode answerOpsWith;
    volatile boolean holdForBatches;
    final AtomicInteger batchFrames = new AtomicInteger();
    /** Every join received, in order. */
    final List<ClientMessage.Join> joins = new java.util.concurrent.CopyOnWriteArrayList<>();

    InMemoryServer(long seed) {
        random = new Random(seed);
    }

    /** The container to give {@link ClientOptions#container}. */
    WebSocketContainer container() {
        return (WebSocketContainer) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {WebSocketContainer.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("connectToServer") && args[0] instanceof Endpoint endpoint) {
                        Connection c = new Connection(endpoint);
                        endpoint.onOpen(c.session, (ClientEndpointConfig) args[1]);
                        connections.incrementAndGet();
                        return c.session;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    synchronized String text() {
        return authority.text().toString();
    }

    private synchronized void receive(Connection from, String frame) {
        framesReceived.incrementAndGet();
        if (!from.open) {
            return;
        }
        handle(from, JsonCodec.decode(frame));
        from.flush();
        for (Connection c : List.copyOf(joined)) {
            if (c != from && random.nextBoolean()) {
                c.flush();
            }
        }
    }

    private void handle(Connection from, ClientMessage message) {
        if (message instanceof ClientMessage.Join j) {
            joins.add(j);
            from.client = j.client();
            from.batches = j.batch() && holdForBatches;
            Peer peer = authority.join(j.client(), j.name(), false);
            boolean resumable = j.rev() != null && j.rev() <= authority.revision();
            from.send(new ServerMessage.Welcome("doc", j.client(), authority.revision(),
                    resumable ? null : authority.text().toString(), resumable ? authority.revisionsAfter(j.rev()) : null,
                    List.copyOf(authority.peers()), false));
            joined.removeIf(c -> c.client.equals(j.client()));
            broadcast(from, new ServerMessage.PeerJoined(peer));
            joined.add(from);
        } else if (message instanceof ClientMessage.Op op) {
            if (answerOpsWith != null) {
                from.send(new ServerMessage.Error(answerOpsWith, "answered by the test"));
                from.drop();
                return;
            }
            Receipt receipt = authority.receive(op.rev(), from.client, op.seq(), op.ops());
            if (!receipt.isDuplicate()) {
                opsBy.merge(from.client, 1, Integer::sum);
                broadcast(from, new ServerMessage.Op(receipt.applied()));
                if (random.nextDouble() < dropAfterApply) {
                    from.drop();
                    return;
                }
            }
            from.send(new ServerMessage.Ack(receipt.rev(), receipt.seq()));
        } else if (message instanceof ClientMessage.Cursor cursor) {
            broadcast(from, new ServerMessage.Cursor(from.client, authority.revision(),
                    authority.moveCursor(from.client, cursor.rev(), cursor.ranges())));
        } else if (message instanceof ClientMessage.Ping) {
            from.send(new ServerMessage.Pong());
        } else if (message instanceof ClientMessage.Invalid invalid) {
            from.send(new ServerMessage.Error(invalid.code(), invalid.message()));
            from.drop();
        }
    }

    private void broadcast(Connection from, ServerMessage message) {
        for (Connection c : List.copyOf(joined)) {
            if (c != from) {
                c.send(message);
            }
        }
    }

    private synchronized void closed(Connection c) {
        if (joined.remove(c) && authority.leave(c.client)) {
            broadcast(c, new ServerMessage.PeerLeft(c.client));
        }
    }

    /** One client connection: a proxy {@link Session} whose text frames reach {@link #receive}. */
    private final class Connection {
        final Endpoint endpoint;
        final Session session;
        volatile boolean open = true;
        String client = "";
        boolean batches;
        final List<ServerMessage> held = new ArrayList<>();
        MessageHandler.Whole<String> handler;

        @SuppressWarnings("unchecked")
        Connection(Endpoint endpoint) {
            this.endpoint = endpoint;
            RemoteEndpoint.Basic basic = (RemoteEndpoint.Basic) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {RemoteEndpoint.Basic.class}, (proxy, method, args) -> {
                        if (method.getName().equals("sendText") && args.length == 1) {
                            if (!open) {
                                throw new IOException("closed");
                            }
                            receive(this, (String) args[0]);
                            return null;
                        }
                        throw new UnsupportedOperationException(method.getName());
                    });
            session = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "getBasicRemote" -> basic;
                        case "isOpen" -> open;
                        case "setMaxTextMessageBufferSize" -> null;
                        case "addMessageHandler" -> {
                            handler = (MessageHandler.Whole<String>) args[args.length - 1];
                            yield null;
                        }
                        case "close" -> {
                            drop();
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "session of " + client;
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        void send(ServerMessage message) {
            if (batches) {
                held.add(message);
            } else if (open) {
                handler.onMessage(JsonCodec.encode(message));
            }
        }

        void flush() {
            if (open && held.size() > 1) {
                batchFrames.incrementAndGet();
                handler.onMessage(JsonCodec.encode(new ServerMessage.Batch(List.copyOf(held))));
            } else if (open && held.size() == 1) {
                handler.onMessage(JsonCodec.encode(held.get(0)));
            }
            held.clear();
        }

        void drop() {
            if (open) {
                open = false;
                held.clear();
                closed(this);
                endpoint.onClose(session, new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "dropped by the test"));
            }
        }
    }
}
