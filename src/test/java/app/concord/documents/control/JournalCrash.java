package app.concord.documents.control;

import app.concord.collab.Commit;
import app.concord.ot.TextOperation;
import app.concord.protocol.Revision;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A server's store that dies: opens Concord's own H2 file in the data folder given as the
 * argument, commits revisions to three documents, says how many on its standard output, and
 * halts the JVM without closing anything (as {@code kill -9} would).
 */
public final class JournalCrash {

    static final int REVISIONS = 3_000;

    /**
     * Runs this in a JVM of its own on the data folder {@code data}: it leaves
     * {@link #REVISIONS} acknowledged revisions (documents {@code doc0} to {@code doc2}, a
     * thousand each, texts {@code 1234567890123…}) in the journal, and nothing of them in the
     * H2 file.
     */
    static void leaveRevisionsInTheJournal(Path data) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), JournalCrash.class.getName(), data.toString())
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!child.waitFor(60, TimeUnit.SECONDS) || child.exitValue() != 9 || !output.contains("acknowledged " + REVISIONS)) {
            throw new AssertionError("the crashing store did not do its part: " + output);
        }
    }

    public static void main(String[] args) throws Exception {
        Database database = new DatabaseLocator(Map.of("data", args[0])::get, JournalCrash::noDataSource).locate();
        SchemaMigrations.migrate(database);
        JdbcDocumentStore store = JdbcDocumentStore.over(database);
        String[] texts = {"", "", ""};
        for (int rev = 1; rev <= REVISIONS / 3; rev++) {
            Commit[] batch = new Commit[3];
            for (int d = 0; d < 3; d++) {
                TextOperation op = TextOperation.splice(texts[d].length(), texts[d].length(), 0, Integer.toString(rev % 10));
                texts[d] = op.apply(texts[d]);
                batch[d] = new Commit("doc" + d, new Revision(rev, "c" + d, rev, op), rev % 100 == 0 ? texts[d] : null);
            }
            store.commit(List.of(batch));
        }
        System.out.println("acknowledged " + REVISIONS);
        System.out.flush();
        Runtime.getRuntime().halt(9);
    }

    private static DataSource noDataSource(String name) {
        throw new IllegalStateException("no datasource " + name);
    }
}
