package app.concord.operations.control;

import app.concord.collab.Limits;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Who may read the operator's pages under {@code /ops/} (metrics and status). Nobody unless
 * {@code concord.metrics=true}; then, with {@code concord.opsToken} set, whoever presents
 * that token (as {@code Authorization: Bearer <token>}, or as the password of HTTP Basic
 * authentication, which a browser asks for), else only clients on the loopback address.
 *
 * @param enabled whether the pages exist at all
 * @param token   the token to present, or null for loopback-only access
 */
public record OpsAccess(boolean enabled, String token) {

    /** What a request gets. */
    public enum Decision {
        /** The pages do not exist: 404, like any unknown path. */
        HIDDEN,
        /** A token is required and was missing or wrong: 401 with a Basic challenge. */
        UNAUTHORIZED,
        /** Not from the loopback address: 403. */
        FORBIDDEN,
        ALLOWED
    }

    /** From the settings {@code concord.metrics} and {@code concord.opsToken}. */
    public static OpsAccess fromEnvironment() {
        String token = Limits.setting("opsToken");
        return new OpsAccess(Boolean.parseBoolean(Limits.setting("metrics")),
                token == null || token.isBlank() ? null : token.trim());
    }

    /** The decision for a request from {@code remoteAddress} with this {@code Authorization} header (or null). */
    public Decision decide(String remoteAddress, String authorization) {
        if (!enabled) {
            return Decision.HIDDEN;
        }
        if (token != null) {
            String presented = presentedToken(authorization);
            return presented != null && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                    token.getBytes(StandardCharsets.UTF_8)) ? Decision.ALLOWED : Decision.UNAUTHORIZED;
        }
        return isLoopback(remoteAddress) ? Decision.ALLOWED : Decision.FORBIDDEN;
    }

    /** The token in a Bearer header, or the password in a Basic one; null when there is neither. */
    static String presentedToken(String authorization) {
        if (authorization == null) {
            return null;
        }
        String header = authorization.trim();
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                return colon < 0 ? null : pair.substring(colon + 1);
            } catch (IllegalArgumentException notBase64) {
                return null;
            }
        }
        return null;
    }

    /** A literal address (as servlet containers report them) of the loopback interface; never a name look-up. */
    static boolean isLoopback(String address) {
        boolean literal = address != null
                && (address.matches("[0-9.]+") || address.matches("\\[?[0-9A-Fa-f:.]+(%[\\w.-]+)?]?") && address.indexOf(':') >= 0);
        if (!literal) {
            return false;
        }
        try {
            return InetAddress.getByName(address.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
