package app.concord.documents.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.collab.Commit;
import app.concord.collab.Connection;
import app.concord.collab.Limits;
import app.concord.collab.LiveDocuments;
import app.concord.collab.Membership;
import app.concord.ot.TextOperation;
import app.concord.protocol.ClientMessage;
import app.concord.protocol.JsonCodec;
import app.concord.protocol.ServerMessage;
import app.concord.collab.StoreUnavailableException;
import app.concord.testing.TestPostgres;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store on a real PostgreSQL server, reached through {@code concord.dbUrl}. */
class PostgresDocumentStoreTest extends JdbcDocumentStoreContract {

    static TestPostgres postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = TestPostgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        closeStores();
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    Database openDatabase() throws Exception {
        return new DatabaseLocator(Map.of("dbUrl", postgres.url(), "dbUser", postgres.user())::get,
                PostgresDocumentStoreTest::noDataSource).locate();
    }

    private static DataSource noDataSource(String name) {
        throw new IllegalStateException("no datasource " + name);
    }

    /**
     * Replacing a snapshot leaves no large object behind, and the space of the old one is
     * reused once vacuumed (as autovacuum does): three times as many replacements take no
     * more room.
     */
    @Test
    void replacedSnapshotsLeaveNoStorageBehind() throws SQLException {
        Doc notes = new Doc("notes");
        Random random = new Random(7);
        StringBuilder text = new StringBuilder();
        while (text.length() < 100_000) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        store.commit(List.of(notes.edit("a1", 1, 0, 0, text.toString(), true)));
        replaceSnapshots(notes, 2, 20, random);
        long afterTwenty = count("SELECT pg_total_relation_size('concord_snapshot')");
        replaceSnapshots(notes, 21, 60, random);
        long afterSixty = count("SELECT pg_total_relation_size('concord_snapshot')");

        assertEquals(0, count("SELECT COUNT(*) FROM pg_largeobject_metadata"));
        assertTrue(afterSixty <= afterTwenty * 3 / 2, afterTwenty + " bytes after 20 snapshots, " + afterSixty + " after 60");
        assertEquals("bytea", typeOf("concord_snapshot", "body"));
        assertEquals("text", typeOf("concord_revision", "ops_json"));
    }

    /** Snapshots of revisions {@code from..to}, vacuumed every ten. */
    private void replaceSnapshots(Doc notes, int from, int to, Random random) {
        for (int rev = from; rev <= to; rev++) {
            store.commit(List.of(notes.edit("a1", rev, random.nextInt(90_000), 1, "z", true)));
            if (rev % 10 == 0) {
                sql("VACUUM concord_snapshot");
            }
        }
    }

    @Test
    void theStoreRidesOutTheDatabaseGoingAwayAndComingBack() throws Exception {
        Doc notes = new Doc("notes");
        store.commit(List.of(notes.edit("a1", 1, 0, 0, "before", false)));
        Commit during = notes.edit("a1", 2, 6, 0, " during", false);

        postgres.stopAbruptly();
        try {
            assertFalse(store.isAvailable());
            assertThrows(StoreUnavailableException.class, () -> store.commit(List.of(during)));
        } finally {
            postgres.startAgain();
        }
        assertTrue(store.isAvailable(), () -> store.unavailableReason());
        store.commit(List.of(during));
        assertEquals("before during", replay(store.load("notes")));
    }

    /**
     * Two servers on one database: what one stores reaches a document the other has open
     * through its notice, and, once the listening connection is killed, through the listener
     * reconnecting (it re-checks at once) and the periodic re-check.
     */
    @Test
    void aFollowerHearsAnotherServersRevisionsAndCatchesUpAfterLosingItsListener() throws Exception {
        JdbcDocumentStore there = open();
        LiveDocuments writer = new LiveDocuments(store, Runnable::run, Limits.DEFAULTS);
        LiveDocuments follower = new LiveDocuments(there, Runnable::run, Limits.DEFAULTS);
        RevisionNotices notices = new RevisionNotices(there::listening, follower, 60_000);
        Thread listening = new Thread(notices, "revision-notices");
        listening.start();
        Heard heard = new Heard();
        Membership viewer = follower.open("shared", heard, new ClientMessage.Join("viewer", "", null));
        Membership author = writer.open("shared", new Heard(), new ClientMessage.Join("author", "", null));
        try {
            awaitListening(1);
            author.submit(new ClientMessage.Op(0, 1, TextOperation.fromWire(List.of("one"))));
            heard.await("\"rev\":1");

            assertEquals(1, count("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '"
                    + RevisionNotices.APPLICATION_NAME + "'"));
            author.submit(new ClientMessage.Op(1, 2, TextOperation.fromWire(List.of(3, " two"))));
            heard.await("\"rev\":2");
            awaitListening(1);
            author.submit(new ClientMessage.Op(2, 3, TextOperation.fromWire(List.of(7, " three"))));
            heard.await("\"rev\":3");
            assertEquals("one two three", follower.withDocument("shared", d -> d.snapshot().join().text()));
        } finally {
            viewer.close();
            author.close();
            notices.stop();
            listening.join(5_000);
        }
        assertFalse(listening.isAlive());
    }

    private void awaitListening(int connections) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (count("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = '" + RevisionNotices.APPLICATION_NAME
                + "' AND query LIKE 'LISTEN%'") != connections) {
            assertTrue(System.nanoTime() < deadline, "no listening connection");
            Thread.sleep(20);
        }
    }

    /** What a connection to the follower was sent. */
    private static final class Heard implements Connection {
        private final List<String> frames = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void send(ServerMessage message) {
            frames.add(JsonCodec.encode(message));
        }

        @Override
        public void close(int code, String reason) {
            frames.add("closed " + code);
        }

        void await(String fragment) throws InterruptedException {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (frames.stream().noneMatch(f -> f.startsWith("{\"type\":\"op\"") && f.contains(fragment))) {
                assertTrue(System.nanoTime() < deadline, () -> "never heard " + fragment + ": " + frames);
                Thread.sleep(10);
            }
        }
    }

    private String typeOf(String table, String column) throws SQLException {
        try (var c = database((JdbcDocumentStore) store).dataSource().getConnection();
             var s = c.prepareStatement("SELECT data_type FROM information_schema.columns"
                     + " WHERE table_name = ? AND column_name = ?")) {
            s.setString(1, table);
            s.setString(2, column);
            try (var r = s.executeQuery()) {
                r.next();
                return r.getString(1);
            }
        }
    }
}
