package app.concord.client;

import app.concord.protocol.Authors;
import app.concord.protocol.JsonCodec;
import jakarta.websocket.WebSocketContainer;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * How a {@link RemoteDocument} connects: who it is, its timeouts, how it reconnects and how
 * fast it may send. Immutable; start from {@link #defaults()} and change what you need:
 *
 * <pre>{@code
 * ClientOptions options = ClientOptions.defaults().name("Build bot").ackTimeout(Duration.ofSeconds(10));
 * }</pre>
 */
public final class ClientOptions {

    private String clientId;
    private String name;
    private String author;
    private Duration connectTimeout = Duration.ofSeconds(30);
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private Duration ackTimeout = Duration.ofSeconds(30);
    private Duration pingInterval = Duration.ofSeconds(20);
    private ReconnectPolicy reconnect = ReconnectPolicy.exponential(Duration.ofMillis(250), Duration.ofSeconds(30));
    private double opsPerSecond = 180;
    private int opsBurst = 360;
    private boolean batches = true;
    private WebSocketContainer container;

    private ClientOptions() {
    }

    private ClientOptions copy() {
        ClientOptions c = new ClientOptions();
        c.clientId = clientId;
        c.name = name;
        c.author = author;
        c.connectTimeout = connectTimeout;
        c.handshakeTimeout = handshakeTimeout;
        c.ackTimeout = ackTimeout;
        c.pingInterval = pingInterval;
        c.reconnect = reconnect;
        c.opsPerSecond = opsPerSecond;
        c.opsBurst = opsBurst;
        c.batches = batches;
        c.container = container;
        return c;
    }

    /**
     * A fresh client id, no name, 30 s to connect (10 s for each attempt), 30 s for an
     * acknowledgement before the connection is renewed, a ping every 20 s, reconnects from
     * 250 ms doubling to 30 s with jitter, at most 180 operation messages a second (bursts of
     * 360, under the server's default limit of 200), batches taken, and the default WebSocket
     * container.
     */
    public static ClientOptions defaults() {
        ClientOptions o = new ClientOptions();
        o.clientId = "j" + UUID.randomUUID().toString().replace("-", "");
        return o;
    }

    /**
     * The client id: the author of this client's edits as others see them, the same across
     * reconnects. Two connections with one id replace each other, so give each client its own.
     *
     * @param id {@code [A-Za-z0-9_-]{1,64}}
     */
    public ClientOptions clientId(String id) {
        Objects.requireNonNull(id, "clientId");
        if (!JsonCodec.ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a client id must match [A-Za-z0-9_-]{1,64}, got \"" + id + "\"");
        }
        ClientOptions c = copy();
        c.clientId = id;
        return c;
    }

    /** The display name others see next to this client's cursor, at most 100 characters; null for none. */
    public ClientOptions name(String name) {
        if (name != null && name.length() > JsonCodec.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("a name has at most " + JsonCodec.MAX_NAME_LENGTH + " characters, got "
                    + name.length());
        }
        ClientOptions c = copy();
        c.name = name;
        return c;
    }

    /**
     * The author secret (PROTOCOL.md "Extension: history, authorship and versions"): edits made with the same secret
     * belong to one author across client ids, connections and runs, as a browser's edits do
     * across its tabs. Keep it as a password: others only ever see a public id derived from it.
     * Null (the default): this client's edits belong to an author of its client id alone.
     *
     * @param secret {@code [A-Za-z0-9_-]{16,128}}, for instance 24 random bytes in base64url
     */
    public ClientOptions author(String secret) {
        if (secret != null && !Authors.SECRET.matcher(secret).matches()) {
            throw new IllegalArgumentException("an author secret is 16 to 128 characters of [A-Za-z0-9_-]");
        }
        ClientOptions c = copy();
        c.author = secret;
        return c;
    }

    /** How long {@link Concord#connect} tries, over every attempt, before it fails. */
    public ClientOptions connectTimeout(Duration timeout) {
        ClientOptions c = copy();
        c.connectTimeout = positive(timeout, "connectTimeout");
        return c;
    }

    /** How long one attempt may take from opening the connection to the server's welcome before it is dropped and retried. */
    public ClientOptions handshakeTimeout(Duration timeout) {
        ClientOptions c = copy();
        c.handshakeTimeout = positive(timeout, "handshakeTimeout");
        return c;
    }

    /**
     * How long an operation may wait for its acknowledgement before the connection is taken as
     * dead and renewed (the resume makes sure the operation counts once).
     */
    public ClientOptions ackTimeout(Duration timeout) {
        ClientOptions c = copy();
        c.ackTimeout = positive(timeout, "ackTimeout");
        return c;
    }

    /** How long a connection may stay silent before a ping is sent: servers and proxies close silent connections. */
    public ClientOptions pingInterval(Duration interval) {
        ClientOptions c = copy();
        c.pingInterval = positive(interval, "pingInterval");
        return c;
    }

    public ClientOptions reconnect(ReconnectPolicy policy) {
        ClientOptions c = copy();
        c.reconnect = Objects.requireNonNull(policy, "reconnect");
        return c;
    }

    /**
     * At most {@code perSecond} operation messages a second, in bursts of up to {@code burst}:
     * keep it under the server's {@code concord.opsPerSecond} and {@code concord.opsBurst}, or
     * the server closes the connection as rate-limited. Edits made meanwhile are not held back:
     * they are composed into the next message.
     */
    public ClientOptions opsPerSecond(double perSecond, int burst) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond) || burst < 1) {
            throw new IllegalArgumentException("need a positive finite rate and a burst of at least 1, got " + perSecond
                    + " and " + burst);
        }
        ClientOptions c = copy();
        c.opsPerSecond = perSecond;
        c.opsBurst = burst;
        return c;
    }

    /**
     * Whether to ask the server, at {@code join}, for several messages in one frame when several
     * are waiting for this client (PROTOCOL.md "Extension: batches"): fewer frames for both ends
     * to handle. On by default; a server that does not know the extension sends one per frame.
     */
    public ClientOptions batches(boolean take) {
        ClientOptions c = copy();
        c.batches = take;
        return c;
    }

    /**
     * The Jakarta WebSocket client container to connect with, for instance a Tyrus
     * {@code ClientManager} configured for a proxy or TLS. By default, one container from
     * {@code ContainerProvider.getWebSocketContainer()} is shared by every document.
     */
    public ClientOptions container(WebSocketContainer container) {
        ClientOptions c = copy();
        c.container = Objects.requireNonNull(container, "container");
        return c;
    }

    public String clientId() {
        return clientId;
    }

    public String name() {
        return name;
    }

    /** The author secret, or null. */
    public String author() {
        return author;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    public Duration ackTimeout() {
        return ackTimeout;
    }

    public Duration pingInterval() {
        return pingInterval;
    }

    public ReconnectPolicy reconnect() {
        return reconnect;
    }

    public double opsPerSecond() {
        return opsPerSecond;
    }

    public int opsBurst() {
        return opsBurst;
    }

    public boolean batches() {
        return batches;
    }

    /** The container given with {@link #container(WebSocketContainer)}, or null for the shared default. */
    public WebSocketContainer container() {
        return container;
    }

    private static Duration positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
        return d;
    }

    @Override
    public String toString() {
        return "ClientOptions[clientId=" + clientId + ", name=" + name + ", author="
                + (author == null ? "none" : "(secret)") + ", connectTimeout=" + connectTimeout
                + ", handshakeTimeout=" + handshakeTimeout + ", ackTimeout=" + ackTimeout + ", pingInterval=" + pingInterval
                + ", reconnect=" + reconnect + ", opsPerSecond=" + opsPerSecond + ", opsBurst=" + opsBurst + ", batches=" + batches + "]";
    }
}
