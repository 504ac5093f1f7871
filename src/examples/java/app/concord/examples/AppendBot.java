package app.concord.examples;

import app.concord.client.ClientOptions;
import app.concord.client.Concord;
import app.concord.client.RemoteDocument;
import app.concord.ot.TextOperation;
import java.net.URI;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/**
 * Appends a line to a document every few seconds, as a bot posting build results would, and
 * says when the server has stored each one. Stops with Ctrl-C, after its last line is stored.
 *
 * <pre>java app.concord.examples.AppendBot http://localhost:8080/ notes 5</pre>
 */
public final class AppendBot {

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: AppendBot <server, e.g. http://localhost:8080/> <document id> [seconds between lines]");
            System.exit(2);
        }
        Duration every = Duration.ofSeconds(args.length == 3 ? Long.parseLong(args[2]) : 5);
        ClientOptions options = ClientOptions.defaults().clientId("append-bot").name("Append bot");
        try (RemoteDocument doc = Concord.connect(URI.create(args[0]), args[1], options)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    doc.awaitAcknowledged(Duration.ofSeconds(5));
                } catch (Exception e) {
                    System.err.println("last line not stored: " + e);
                }
                doc.close();
            }));
            for (int n = 1; ; n++) {
                String line = "Line " + n + " from the bot at " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "\n";
                // edit() computes the operation from the text while remote edits wait: the line
                // goes at the end even when someone else is typing there.
                doc.edit(text -> TextOperation.splice(text.length(), text.length(), 0,
                        (text.isEmpty() || text.endsWith("\n") ? "" : "\n") + line))
                        .thenAccept(rev -> System.out.print("stored at revision " + rev + ": " + line));
                Thread.sleep(every.toMillis());
            }
        }
    }
}
