package app.concord.protocol;

import java.util.regex.Pattern;

/**
 * The syntax of authors (PROTOCOL.md "History, authorship and versions"). A client proves who
 * it is with a secret it keeps ({@code join.author}); everyone else sees only a public author
 * id, which the server derives from the secret and never turns back into it. A client that
 * joins without a secret is the author {@code ~<client>}.
 */
public final class Authors {

    /** A secret: 16 to 128 characters of {@code [A-Za-z0-9_-]} (browsers send 128 random bits). */
    public static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{16,128}");

    /** A public author id: one derived from a secret, or {@code ~} and a client id. */
    public static final Pattern ID = Pattern.compile("~?[A-Za-z0-9_-]{1,64}");

    private Authors() {
    }

    /** The author of every operation of {@code client} when it joined without a secret. */
    public static String ofClient(String client) {
        return "~" + client;
    }
}
