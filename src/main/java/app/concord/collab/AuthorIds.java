package app.concord.collab;

import app.concord.protocol.Authors;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Public author ids from secrets (PROTOCOL.md "History, authorship and versions"): HMAC-SHA256
 * under the installation's key ({@link HistoryStore#authorKey}) of the document id and the
 * secret, cut to 96 bits, as 16 characters of {@code [A-Za-z0-9_-]}. The same secret gives the
 * same id in one document across connections and restarts, a different one in each document
 * (so ids do not link a person's documents), and the id does not lead back to the secret
 * without the key. The secret itself is never stored.
 */
public final class AuthorIds {

    private AuthorIds() {
    }

    /** The author of a connection that joined {@code docId} with {@code secret} (null: none) as {@code client}. */
    public static String of(byte[] key, String docId, String client, String secret) {
        return secret == null ? Authors.ofClient(client) : fromSecret(key, docId, secret);
    }

    /** The public id of {@code secret} (which matches {@link Authors#SECRET}) in {@code docId}. */
    public static String fromSecret(byte[] key, String docId, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(docId.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) '\n');
            byte[] digest = mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 12));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
