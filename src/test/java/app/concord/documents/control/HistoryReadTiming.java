package app.concord.documents.control;

import app.concord.collab.Checkpoint;
import app.concord.collab.DocumentHistory;
import app.concord.collab.HistorySessions;
import app.concord.collab.Limits;
import app.concord.collab.LiveDocuments;
import app.concord.ot.Authorship;
import app.concord.ot.AuthorshipBuffer;
import app.concord.ot.TextBuffer;
import app.concord.ot.TextOperation;
import app.concord.protocol.Revision;
import app.concord.testing.TestPostgres;
import app.concord.traces.Trace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Times reading history from a real database (BENCHMARKS.md "History and authorship"): a
 * document of 100,000 revisions, imported as the server imports archives (snapshots and
 * checkpoints as in live editing), then the text and authorship of random revisions, the first
 * page of its history, and the changes over a session. Not a test; run it by hand:
 *
 * <pre>
 * ./mvnw -q -o test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp target/test-classes:target/classes:$(cat /tmp/cp.txt) app.concord.documents.control.HistoryReadTiming h2|postgresql [KB]
 * </pre>
 *
 * The document is the first 99,999 patches of the automerge-paper trace (keystrokes, three
 * authors taking turns) after a first revision that pastes {@code KB} kilobytes (default 900)
 * at its end, so that the text is about 1 MB.
 */
public final class HistoryReadTiming {

    static final int REVISIONS = 100_000;

    public static void main(String[] args) throws Exception {
        String dialect = args.length > 0 ? args[0] : "h2";
        int pasteKb = args.length > 1 ? Integer.parseInt(args[1]) : 900;
        Path data = Files.createTempDirectory("concord-history-timing");
        TestPostgres postgres = dialect.equals("postgresql") ? TestPostgres.start() : null;
        try {
            Database database = postgres != null
                    ? new DatabaseLocator(Map.of("dbUrl", postgres.url(), "dbUser", postgres.user())::get, HistoryReadTiming::noDataSource).locate()
                    : new DatabaseLocator(Map.of("data", data.toString())::get, HistoryReadTiming::noDataSource).locate();
            SchemaMigrations.migrate(database);
            JdbcDocumentStore store = JdbcDocumentStore.over(database);
            run(store, pasteKb);
            storage(database);
            database.onClose().close();
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    static void run(JdbcDocumentStore store, int pasteKb) throws Exception {
        List<Revision> revisions = document(pasteKb);
        perEdit(revisions);
        Limits limits = Limits.fromEnvironment();
        long start = System.nanoTime();
        new LiveDocuments(store, Runnable::run, limits).withDocument("timing", d -> d.importHistory(revisions));
        System.out.printf("imported %d revisions in %.1f s (snapshotEvery %d, checkpointEvery %d)%n", revisions.size(),
                (System.nanoTime() - start) / 1e9, limits.snapshotEvery(), limits.checkpointEvery());

        DocumentHistory history = new DocumentHistory(store, limits.checkpointEvery());
        Random random = new Random(18);
        for (int i = 0; i < 100; i++) {
            history.stateAt("timing", 1 + random.nextInt(REVISIONS));
        }
        double[] millis = new double[200];
        int runs = 0;
        long maxRuns = 0;
        for (int i = 0; i < millis.length; i++) {
            int rev = 1 + random.nextInt(REVISIONS);
            long t = System.nanoTime();
            Checkpoint state = history.stateAt("timing", rev);
            millis[i] = (System.nanoTime() - t) / 1e6;
            runs += state.authorship().runCount();
            maxRuns = Math.max(maxRuns, state.authorship().runCount());
        }
        report("text and authorship of a random revision", millis);
        int every = limits.checkpointEvery();
        double[] onCheckpoint = new double[50];
        double[] farthest = new double[50];
        for (int i = 0; i < onCheckpoint.length; i++) {
            int at = every * (1 + random.nextInt(REVISIONS / every - 1));
            long t = System.nanoTime();
            history.stateAt("timing", at);
            onCheckpoint[i] = (System.nanoTime() - t) / 1e6;
            t = System.nanoTime();
            history.stateAt("timing", at + every - 1);
            farthest[i] = (System.nanoTime() - t) / 1e6;
        }
        report("  at a checkpoint (nothing to replay)", onCheckpoint);
        report("  " + (every - 1) + " revisions after one", farthest);
        System.out.printf("  text length at the end %d code units; authorship runs: mean %d, max %d%n",
                history.stateAt("timing", REVISIONS).text().length(), runs / millis.length, maxRuns);

        double[] pages = new double[10];
        HistorySessions.Page page = null;
        for (int i = 0; i < pages.length; i++) {
            long t = System.nanoTime();
            page = HistorySessions.page(store.history(), "timing", REVISIONS + 1, 20);
            pages[i] = (System.nanoTime() - t) / 1e6;
        }
        report("first page of the history (one session of " + (page.sessions().get(0).to() - page.sessions().get(0).from() + 1)
                + " revisions: every summary read)", pages);

        double[] changes = new double[20];
        for (int i = 0; i < changes.length; i++) {
            int from = random.nextInt(REVISIONS - 1_000);
            long t = System.nanoTime();
            history.changes("timing", from, from + 1_000);
            changes[i] = (System.nanoTime() - t) / 1e6;
        }
        report("changes over 1,000 revisions", changes);
        double[] all = new double[3];
        for (int i = 0; i < all.length; i++) {
            long t = System.nanoTime();
            history.changes("timing", REVISIONS, 0);
            all[i] = (System.nanoTime() - t) / 1e6;
        }
        report("changes from the last revision back to the first (a restore of revision 0)", all);
    }

    private static javax.sql.DataSource noDataSource(String name) {
        throw new IllegalStateException("no datasource " + name);
    }

    /** What the document takes in the database: the op log and the checkpoints. */
    static void storage(Database database) throws java.sql.SQLException {
        try (var c = database.dataSource().getConnection(); var s = c.createStatement()) {
            for (String table : List.of("concord_revision", "concord_checkpoint")) {
                try (var r = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    r.next();
                    System.out.printf("%s: %d rows%n", table, r.getLong(1));
                }
            }
            try (var r = s.executeQuery("SELECT SUM(OCTET_LENGTH(body)), SUM(OCTET_LENGTH(authorship_json)) FROM concord_checkpoint")) {
                r.next();
                System.out.printf("checkpoints: %.1f MB of text, %.1f MB of authorship%n", r.getLong(1) / 1e6, r.getLong(2) / 1e6);
            }
            try (var r = s.executeQuery("SELECT SUM(OCTET_LENGTH(ops_json)) FROM concord_revision")) {
                r.next();
                System.out.printf("op log: %.1f MB of operations%n", r.getLong(1) / 1e6);
            }
        }
    }

    /**
     * What keeping authorship costs per edit, in process: the revisions applied to the text
     * alone, then to the text and its authorship (five rounds each after two of warm-up).
     */
    static void perEdit(List<Revision> revisions) {
        for (int round = 0; round < 7; round++) {
            TextBuffer text = new TextBuffer("");
            long t = System.nanoTime();
            for (Revision r : revisions) {
                r.operation().applyTo(text);
            }
            long textOnly = System.nanoTime() - t;
            text = new TextBuffer("");
            AuthorshipBuffer runs = new AuthorshipBuffer(Authorship.empty());
            t = System.nanoTime();
            for (Revision r : revisions) {
                r.operation().applyTo(text);
                runs.apply(r.operation(), r.author());
            }
            long both = System.nanoTime() - t;
            if (round >= 2) {
                System.out.printf("per edit: text %.0f ns, text and authorship %.0f ns (authorship %.0f ns); %d runs at the end%n",
                        (double) textOnly / revisions.size(), (double) both / revisions.size(),
                        (double) (both - textOnly) / revisions.size(), runs.runCount());
            }
        }
    }

    /** Revision 1 pastes the filler; then the trace's patches, by three authors taking turns. */
    static List<Revision> document(int pasteKb) {
        Trace trace = Trace.load("automerge-paper");
        StringBuilder filler = new StringBuilder();
        Random random = new Random(1);
        while (filler.length() < pasteKb * 1024) {
            filler.append("lorem ipsum dolor sit amet ".charAt(random.nextInt(27)));
        }
        List<Revision> revisions = new ArrayList<>(REVISIONS);
        String[] authors = {"Qm9iIHdhcyBoZXJl", "QWRhIHdyb3RlIGl0", "~tab-7"};
        revisions.add(new Revision(1, "paste", 1, TextOperation.fromWire(List.of(filler.toString())), authors[0], null));
        int length = filler.length();
        int author = 0;
        for (Trace.Patch p : trace.patches().subList(0, REVISIONS - 1)) {
            if (random.nextInt(200) == 0) {
                author = random.nextInt(authors.length);
            }
            TextOperation op = TextOperation.splice(length, p.pos(), p.deleteCount(), p.inserted());
            length = op.targetLength();
            int rev = revisions.size() + 1;
            revisions.add(new Revision(rev, "c" + author, rev, op, authors[author], null));
        }
        return revisions;
    }

    private static void report(String what, double[] millis) {
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        System.out.printf("%s: median %.1f ms, p95 %.1f ms, max %.1f ms (%d reads)%n", what, sorted[sorted.length / 2],
                sorted[(int) Math.ceil(sorted.length * 0.95) - 1], sorted[sorted.length - 1], sorted.length);
    }
}
