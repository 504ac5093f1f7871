package app.concord.admission;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which web pages may open a WebSocket to this server: a browser sends the page's origin
 * with the handshake, so refusing foreign origins stops cross-site WebSocket hijacking.
 * By default only the server's own origin is allowed (the Origin's host and port equal the
 * request's Host header); {@code concord.allowedOrigins} adds others, comma-separated
 * ({@code *} allows every origin). Clients that are not browsers send no Origin and are
 * not affected: the document id is their capability.
 */
public final class OriginPolicy {

    private final Set<String> allowed;
    private final boolean anyOrigin;

    public OriginPolicy(String allowedOrigins) {
        Set<String> origins = allowedOrigins == null ? Set.of()
                : Arrays.stream(allowedOrigins.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .collect(Collectors.toUnmodifiableSet());
        this.anyOrigin = origins.contains("*");
        this.allowed = origins.stream().map(OriginPolicy::normalise).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * @param origin     the handshake's Origin header, null when absent
     * @param hostHeader the handshake's Host header, null when unknown
     */
    public boolean allows(String origin, String hostHeader) {
        if (origin == null || origin.isBlank()) {
            return true;
        }
        if (anyOrigin || allowed.contains(normalise(origin))) {
            return true;
        }
        if (hostHeader == null) {
            return false;
        }
        try {
            URI uri = new URI(origin.trim());
            if (uri.getHost() == null) {
                return false; // "null", file:, and other opaque origins
            }
            return hostPort(uri).equals(normaliseHost(hostHeader, uri.getScheme()));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** {@code scheme://host[:port]} in lower case, without a default port or a trailing slash. */
    static String normalise(String origin) {
        try {
            URI uri = new URI(origin.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return origin.trim().toLowerCase(Locale.ROOT);
            }
            return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + hostPort(uri);
        } catch (URISyntaxException e) {
            return origin.trim().toLowerCase(Locale.ROOT);
        }
    }

    private static String hostPort(URI uri) {
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        return port == -1 || port == defaultPort(uri.getScheme()) ? host : host + ":" + port;
    }

    private static String normaliseHost(String hostHeader, String scheme) {
        String host = hostHeader.trim().toLowerCase(Locale.ROOT);
        String defaultSuffix = ":" + defaultPort(scheme);
        return host.endsWith(defaultSuffix) && !host.endsWith("]") ? host.substring(0, host.length() - defaultSuffix.length()) : host;
    }

    private static int defaultPort(String scheme) {
        return "https".equalsIgnoreCase(scheme) || "wss".equalsIgnoreCase(scheme) ? 443 : 80;
    }
}
