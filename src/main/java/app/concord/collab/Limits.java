package app.concord.collab;

import java.util.function.Function;

/**
 * The server's limits and tuning, with documented defaults. Each can be set without
 * rebuilding, as a system property ({@code concord.maxMessageChars}) or an environment
 * variable ({@code CONCORD_MAX_MESSAGE_CHARS}).
 *
 * @param maxMessageChars           longest accepted WebSocket message, in UTF-16 code units
 * @param maxDocumentLength         longest a document may grow, in UTF-16 code units
 * @param opsPerSecond              sustained {@code op} messages per second per connection
 * @param opsBurst                  {@code op} messages a connection may send at once above the sustained rate
 * @param maxConnectionsPerDocument open connections one document accepts
 * @param outboxFrames              frames queued for one slow connection before it is closed
 * @param snapshotEvery             revisions between stored snapshots
 * @param historyInMemory           recent revisions an open document keeps in memory
 * @param maxCatchUp                revisions a {@code welcome} lists before it sends a snapshot instead
 * @param idleSeconds               seconds a document nobody has open stays in memory
 * @param connectionsPerMinutePerAddress new WebSocket connections one client address may open per minute
 * @param checkpointEvery           revisions between checkpoints kept for reading history: any revision is
 *                                  read from the one before it plus at most this many revisions (and at most
 *                                  {@code snapshotEvery} more)
 */
public record Limits(int maxMessageChars, int maxDocumentLength, int opsPerSecond, int opsBurst,
        int maxConnectionsPerDocument, int outboxFrames, int snapshotEvery, int historyInMemory, int maxCatchUp,
        int idleSeconds, int connectionsPerMinutePerAddress, int checkpointEvery) {

    public static final Limits DEFAULTS = new Limits(1_048_576, 4_194_304, 200, 400, 200, 2_000, 200, 5_000, 10_000, 60, 600,
            1_000);

    /**
     * Reads each limit from {@code lookup} (a system-property-style name such as
     * {@code concord.maxMessageChars}), keeping the default where it returns null.
     *
     * @throws IllegalArgumentException naming a setting that is not a positive integer
     */
    public static Limits from(Function<String, String> lookup) {
        Limits d = DEFAULTS;
        return new Limits(
                read(lookup, "maxMessageChars", d.maxMessageChars),
                read(lookup, "maxDocumentLength", d.maxDocumentLength),
                read(lookup, "opsPerSecond", d.opsPerSecond),
                read(lookup, "opsBurst", d.opsBurst),
                read(lookup, "maxConnectionsPerDocument", d.maxConnectionsPerDocument),
                read(lookup, "outboxFrames", d.outboxFrames),
                read(lookup, "snapshotEvery", d.snapshotEvery),
                read(lookup, "historyInMemory", d.historyInMemory),
                read(lookup, "maxCatchUp", d.maxCatchUp),
                read(lookup, "idleSeconds", d.idleSeconds),
                read(lookup, "connectionsPerMinutePerAddress", d.connectionsPerMinutePerAddress),
                read(lookup, "checkpointEvery", d.checkpointEvery));
    }

    /** Settings from system properties, then environment variables, then the defaults. */
    public static Limits fromEnvironment() {
        return from(property -> setting(property.substring("concord.".length())));
    }

    /**
     * The setting {@code name} of this server, limit or not: the system property
     * {@code concord.name}, else the environment variable ({@link #environmentName}), else null.
     */
    public static String setting(String name) {
        String value = System.getProperty("concord." + name);
        return value != null ? value : System.getenv(environmentName(name));
    }

    /** {@code maxMessageChars} becomes {@code CONCORD_MAX_MESSAGE_CHARS}. */
    public static String environmentName(String name) {
        return "CONCORD_" + name.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase();
    }

    private static int read(Function<String, String> lookup, String name, int fallback) {
        String value = lookup.apply("concord." + name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("setting concord." + name + " must be a positive integer, not \"" + value + "\"");
    }
}
