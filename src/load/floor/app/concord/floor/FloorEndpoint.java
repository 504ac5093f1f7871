package app.concord.floor;

import app.concord.documents.control.ContextProviderLookupCache;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The container's share of an edit, alone: every text frame a connection sends is written
 * back, unchanged, to every connection of its room, the sender included (as Concord sends an
 * ack to the author and the operation to everyone else). No JSON, no operational
 * transformation, no store, no executor of its own, and frames are handed to the container as
 * Concord hands them (with the {@link ContextProviderLookupCache} as the context class loader):
 * what a server costs per edit here is the floor that the container sets under Concord's
 * traffic, and that the WAR cannot lower. Deployed on its own by src/load/container-floor.sh and
 * driven by the load tool's {@code frames} mode; it is no part of Concord.
 */
@ServerEndpoint("/floor/{room}")
public class FloorEndpoint {

    private static final Map<String, Set<Session>> ROOMS = new ConcurrentHashMap<>();
    private static final ClassLoader SENDING = sendingLoader();

    @OnOpen
    public void open(Session session, @PathParam("room") String room) {
        ROOMS.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(session);
    }

    @OnMessage
    public void message(String frame, @PathParam("room") String room) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(SENDING);
        try {
            for (Session member : ROOMS.getOrDefault(room, Set.of())) {
                try {
                    if (member.isOpen()) {
                        member.getAsyncRemote().sendText(frame, result -> {
                            // a failed send ends the session, and its close removes it
                        });
                    }
                } catch (RuntimeException e) {
                    // the member is going away; its close removes it
                }
            }
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static ClassLoader sendingLoader() {
        ClassLoader application = FloorEndpoint.class.getClassLoader();
        try {
            return new ContextProviderLookupCache(application);
        } catch (IOException e) {
            return application;
        }
    }

    @OnClose
    public void close(Session session, @PathParam("room") String room) {
        Set<Session> members = ROOMS.get(room);
        if (members != null) {
            members.remove(session);
        }
    }

    @OnError
    public void error(Session session, Throwable failure) {
        // a connection that fails is closed by the container, and close() removes it
    }
}
