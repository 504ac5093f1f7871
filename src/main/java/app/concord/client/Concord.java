package app.concord.client;

import app.concord.protocol.JsonCodec;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Opens Concord documents from Java:
 *
 * <pre>{@code
 * try (RemoteDocument doc = Concord.connect(URI.create("http://localhost:8080/"), "notes",
 *         ClientOptions.defaults().name("Bot"))) {
 *     doc.append("Hello from Java\n");
 *     doc.awaitAcknowledged(Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * The library needs a Jakarta WebSocket client implementation (Tyrus's
 * {@code tyrus-standalone-client}, say) and a JSON-P implementation (Parsson) at run time.
 */
public final class Concord {

    private Concord() {
    }

    /**
     * Connects to document {@code documentId} on {@code server} and waits until it is joined:
     * the returned document has the server's text. Failed attempts are retried by the options'
     * {@link ReconnectPolicy} until {@link ClientOptions#connectTimeout}.
     *
     * @param server     the server's address with its context root: {@code http://localhost:8080/},
     *                   {@code https://host/concord/}, or the same with {@code ws}/{@code wss}
     * @param documentId {@code [A-Za-z0-9_-]{1,64}}
     * @param listeners  listeners that hear every event from the first one on
     * @throws ConcordException     when the document cannot be joined ({@link ServerErrorException}
     *                              when the server refused it)
     * @throws IllegalArgumentException for a bad address or id
     */
    public static RemoteDocument connect(URI server, String documentId, ClientOptions options, DocumentListener... listeners)
            throws InterruptedException {
        CompletableFuture<RemoteDocument> connecting = connectAsync(server, documentId, options, listeners);
        try {
            return connecting.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ConcordException c) {
                throw c;
            }
            throw new ConcordException(String.valueOf(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            connecting.cancel(false);
            throw e;
        }
    }

    /**
     * As {@link #connect}, without waiting: the future completes with the joined document or
     * fails with a {@link ConcordException}. Cancelling it closes the document.
     */
    public static CompletableFuture<RemoteDocument> connectAsync(URI server, String documentId, ClientOptions options,
            DocumentListener... listeners) {
        Objects.requireNonNull(options, "options");
        RemoteDocument document = new RemoteDocument(documentUri(server, documentId), documentId, options,
                List.of(listeners));
        CompletableFuture<RemoteDocument> result = new CompletableFuture<>();
        result.whenComplete((d, failure) -> {
            if (result.isCancelled()) {
                document.close();
            }
        });
        document.opened().whenComplete((d, failure) -> {
            if (failure != null) {
                result.completeExceptionally(failure);
            } else if (!result.complete(d)) {
                d.close();
            }
        });
        document.start();
        return result;
    }

    /**
     * The WebSocket address of document {@code documentId} on {@code server}:
     * {@code ws://localhost:8080/ws/docs/notes} for {@code http://localhost:8080/} and {@code notes}.
     *
     * @throws IllegalArgumentException for a scheme other than http, https, ws, wss, or a bad id
     */
    public static URI documentUri(URI server, String documentId) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(documentId, "documentId");
        if (!JsonCodec.ID.matcher(documentId).matches()) {
            throw new IllegalArgumentException("a document id must match [A-Za-z0-9_-]{1,64}, got \"" + documentId + "\"");
        }
        String scheme = server.getScheme() == null ? "" : server.getScheme().toLowerCase();
        String ws = switch (scheme) {
            case "http", "ws" -> "ws";
            case "https", "wss" -> "wss";
            default -> throw new IllegalArgumentException("the server's address must be http, https, ws or wss: " + server);
        };
        if (server.getHost() == null) {
            throw new IllegalArgumentException("the server's address has no host: " + server);
        }
        String root = server.getPath() == null ? "" : server.getPath();
        if (root.endsWith("/")) {
            root = root.substring(0, root.length() - 1);
        }
        try {
            return new URI(ws, null, server.getHost(), server.getPort(), root + "/ws/docs/" + documentId, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot make a WebSocket address from " + server, e);
        }
    }
}
