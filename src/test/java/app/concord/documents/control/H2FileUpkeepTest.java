package app.concord.documents.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.collab.Commit;
import app.concord.collab.StoredDocument;
import app.concord.ot.TextOperation;
import app.concord.protocol.Revision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An H2 file written as the group commit writes it where there is no journal (a small
 * transaction at a time, the write delay off) grows with every commit; with its upkeep (here with no retention time) it
 * stays near its data, and the upkeep running beside commits loses none of them, even across a
 * crash.
 */
class H2FileUpkeepTest {

    @TempDir
    Path data;

    @Test
    void withItsUpkeepTheFileStopsGrowingAndReplacedSnapshotsFreeTheirSpace() throws Exception {
        Database database = new DatabaseLocator(Map.of("data", data.toString())::get, H2FileUpkeepTest::noDataSource).locate();
        SchemaMigrations.migrate(database);
        // A transaction per commit, as without a journal (Payara's own H2 file, an H2 concord.dbUrl).
        JdbcDocumentStore store = JdbcDocumentStore.over(database.withJournal(null));
        Path file = data.resolve("concord.mv.db");
        assertInstanceOf(H2FileUpkeep.class, database.upkeep(), "Concord's own H2 file gets its upkeep");
        // As in production but with no retention time, so that the test need not wait for it.
        H2FileUpkeep upkeep = new H2FileUpkeep(database.dataSource(), "the test's file", 0);
        try {
            Random random = new Random(11);
            StringBuilder text = new StringBuilder();
            while (text.length() < 100_000) {
                text.append((char) ('a' + random.nextInt(26)));
            }
            Typist notes = new Typist("notes", random);
            store.commit(List.of(notes.type(text.toString(), true)));

            long start = Files.size(file);
            notes.typeAlong(store, 1_500, null);
            long grownWithout = Files.size(file) - start;
            assertTrue(grownWithout > 20L << 20, "1,500 commits and 75 snapshots of 100 KB grew the file by only "
                    + grownWithout + " bytes: nothing to keep in check");

            notes.typeAlong(store, 3_000, upkeep);
            long size = Files.size(file);
            assertTrue(size < grownWithout / 4, "after twice as many commits and snapshots with the upkeep the file is "
                    + size + " bytes, against " + grownWithout + " that the first ones grew it by without");

            StoredDocument stored = store.load("notes");
            String loaded = stored.snapshotText();
            for (Revision r : stored.after()) {
                loaded = r.operation().apply(loaded);
            }
            assertEquals(notes.text, loaded);
        } finally {
            store.close();
        }
    }

    @Test
    void theUpkeepBesideCommitsLosesNoneOfThemAcrossACrash() throws Exception {
        JdbcDataSource database = new JdbcDataSource();
        database.setURL("jdbc:h2:file:" + data.resolve("busy") + ";WRITE_DELAY=0");
        H2FileUpkeep upkeep = new H2FileUpkeep(database, "the test's file", 0);
        AtomicInteger committed = new AtomicInteger();
        try (Connection keepOpen = database.getConnection(); Statement s = keepOpen.createStatement()) {
            s.execute("CREATE TABLE op_log (doc VARCHAR(64), rev INT, ops VARCHAR, PRIMARY KEY (doc, rev))");
            AtomicReference<Exception> failure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    commit(database, committed, 4_000);
                } catch (Exception e) {
                    failure.set(e);
                }
            });
            writer.start();
            int runs = 0;
            while (writer.isAlive()) {
                upkeep.run();
                runs++;
                Thread.sleep(2);
            }
            assertNull(failure.get());
            assertTrue(runs > 20, "the upkeep ran " + runs + " times beside the commits");
            assertEquals(4_000, committed.get());
            s.execute("SHUTDOWN IMMEDIATELY");
        }
        try (Connection c = database.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT rev), MAX(rev) FROM op_log")) {
            r.next();
            assertEquals(List.of(20_000, 4_000, 4_000), List.of(r.getInt(1), r.getInt(2), r.getInt(3)),
                    "every commit is in the file after the crash");
        }
    }

    @Test
    void theEngineIsFoundBehindConcordsPool() throws Exception {
        JdbcDataSource database = new JdbcDataSource();
        database.setURL("jdbc:h2:file:" + data.resolve("found") + ";WRITE_DELAY=0");
        try (ConnectionPool pool = new ConnectionPool(database::getConnection, 1); Connection c = pool.getConnection()) {
            assertNotNull(H2FileUpkeep.storeOf(c));
        }
    }

    /** One person typing into a document: a revision per commit, a snapshot every 20. */
    private static final class Typist {
        final String docId;
        final Random random;
        String text = "";
        int rev;

        Typist(String docId, Random random) {
            this.docId = docId;
            this.random = random;
        }

        Commit type(String insert, boolean snapshot) {
            TextOperation op = TextOperation.splice(text.length(), random.nextInt(text.length() + 1), 0, insert);
            text = op.apply(text);
            rev++;
            return new Commit(docId, new Revision(rev, "typist", rev, op), snapshot ? text : null);
        }

        void typeAlong(JdbcDocumentStore store, int commits, Runnable upkeepEvery50) {
            for (int i = 1; i <= commits; i++) {
                store.commit(List.of(type(String.valueOf((char) ('a' + random.nextInt(26))), i % 20 == 0)));
                if (upkeepEvery50 != null && i % 50 == 0) {
                    upkeepEvery50.run();
                }
            }
        }
    }

    /** {@code count} transactions of five revisions each, one per document, as a group commit writes them. */
    private static void commit(DataSource database, AtomicInteger committed, int count) throws Exception {
        try (Connection c = database.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO op_log VALUES (?, ?, ?)")) {
            c.setAutoCommit(false);
            for (int i = 0; i < count; i++) {
                int rev = committed.get() + 1;
                for (int doc = 0; doc < 5; doc++) {
                    insert.setString(1, "doc" + doc);
                    insert.setInt(2, rev);
                    insert.setString(3, "[" + rev + ",\"x\"] typed by someone at some time, as the op log keeps it");
                    insert.addBatch();
                }
                insert.executeBatch();
                c.commit();
                committed.incrementAndGet();
            }
        }
    }

    private static DataSource noDataSource(String name) {
        throw new IllegalStateException("no datasource " + name);
    }
}
