package app.concord.collab;

import app.concord.protocol.ServerMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The connections editing one document, one per client: a client that connects again
 * replaces its earlier connection. Not thread-safe: its document's lock guards it.
 */
final class Members {

    private final Map<String, Member> byClient = new LinkedHashMap<>();

    /** The current connection of {@code client}, or null. */
    Member of(String client) {
        return byClient.get(client);
    }

    /** True while {@code member} is its client's current connection (not replaced, not gone). */
    boolean isCurrent(Member member) {
        return byClient.get(member.client) == member;
    }

    int count() {
        return byClient.size();
    }

    boolean isEmpty() {
        return byClient.isEmpty();
    }

    /** Adds {@code member}; returns the connection it replaces, or null. */
    Member add(Member member) {
        return byClient.put(member.client, member);
    }

    void remove(Member member) {
        byClient.remove(member.client, member);
    }

    /**
     * Sends {@code frame} to every welcomed member but {@code exceptClient}'s. Over a copy: a
     * send can end its connection on this very thread (a container reports a failed write as
     * a close, which removes the member).
     */
    void broadcast(ServerMessage frame, String exceptClient) {
        for (Member m : List.copyOf(byClient.values())) {
            if (m.welcomed && !m.client.equals(exceptClient) && isCurrent(m)) {
                m.connection.send(frame);
            }
        }
    }

    /**
     * Sends each member {@code last} (when not null) and closes its connection with
     * {@code code}, then forgets them all. One connection's failure does not stop the others:
     * a connection that cannot be closed now is ending anyway.
     */
    void closeAll(ServerMessage last, int code, String reason) {
        for (Member m : List.copyOf(byClient.values())) {
            try {
                if (last != null) {
                    m.connection.send(last);
                }
                m.connection.close(code, reason);
            } catch (RuntimeException e) {
                // see above
            }
        }
        byClient.clear();
    }
}
