package app.concord.collab;

import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Short ids of server failures: the id a client is shown in a {@code server-error} is the one
 * the server's log prints with the failure's stack trace, so an operator can find one from
 * the other. The same failure always has the same id, wherever it is logged or reported.
 */
public final class Incidents {

    private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";
    private static final Map<Throwable, String> IDS = new WeakHashMap<>();

    private Incidents() {
    }

    /** The id of {@code failure}, made on first request: ten letters and digits. */
    public static synchronized String idOf(Throwable failure) {
        return IDS.computeIfAbsent(failure, f -> fresh());
    }

    /** An id for a failure that has no exception. */
    public static String fresh() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] id = new char[10];
        for (int i = 0; i < id.length; i++) {
            id[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        return new String(id);
    }
}
