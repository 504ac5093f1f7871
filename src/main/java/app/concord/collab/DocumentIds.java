package app.concord.collab;

import java.security.SecureRandom;
import java.util.Base64;

/** Fresh document ids: 128 random bits, URL-safe, matching the protocol's id pattern. */
public final class DocumentIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private DocumentIds() {
    }

    /** 22 characters of {@code [A-Za-z0-9_-]} carrying 128 bits from a cryptographic generator. */
    public static String fresh() {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }
}
