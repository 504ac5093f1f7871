package app.concord.documents.control;

import app.concord.collab.LiveDocuments;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Keeps this server's open documents current with what other servers store in the same
 * PostgreSQL database. Every commit notifies {@link #CHANNEL} with each document's last
 * stored revision ({@link Database.Dialect#announce}); this listens on a connection of its
 * own, held for the purpose and opened again by itself when lost, and hands each notice to
 * {@link LiveDocuments#stored}. Every {@code recheck} it also compares all open documents
 * with the database ({@link LiveDocuments#recheck}), which bounds how stale a document can
 * be when notices were missed, as while the connection was down.
 *
 * <p>Runs on a thread of its own until {@link #stop}; a database that is not PostgreSQL (no
 * other server shares it) ends it at once.
 */
final class RevisionNotices implements Runnable {

    private static final System.Logger LOG = System.getLogger(RevisionNotices.class.getName());

    /** The NOTIFY channel; the payload is {@link #payload}. */
    static final String CHANNEL = "concord_revisions";
    /** The listening connection's {@code application_name}, for operators looking at pg_stat_activity. */
    static final String APPLICATION_NAME = "concord-listener";
    static final long LONGEST_PAUSE_MILLIS = 5_000;

    /** Opens the listening connection; null when the database is not one that servers share. */
    interface Listening {
        Callable<Connection> opener();
    }

    private final Listening listening;
    private final LiveDocuments documents;
    private final long recheckMillis;
    private volatile boolean stopping;
    private volatile Thread thread;
    private volatile Connection connection;

    RevisionNotices(Listening listening, LiveDocuments documents, long recheckMillis) {
        this.listening = listening;
        this.documents = documents;
        this.recheckMillis = recheckMillis;
    }

    /** {@code docId} and its last stored revision, as the notice's payload (ids hold no spaces). */
    static String payload(String docId, int lastRevision) {
        return docId + " " + lastRevision;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        long pause = 100;
        boolean warned = false;
        long nextRecheck = System.nanoTime();
        while (!stopping) {
            try {
                if (connection == null) {
                    Callable<Connection> opener = listening.opener();
                    if (opener == null) {
                        return;
                    }
                    connection = listen(opener.call());
                    if (warned) {
                        LOG.log(System.Logger.Level.INFO, "event=listening: hearing other servers' revisions again");
                        warned = false;
                    }
                    nextRecheck = System.nanoTime(); // whatever was missed meanwhile
                }
                long wait = TimeUnit.NANOSECONDS.toMillis(nextRecheck - System.nanoTime());
                if (wait <= 0) {
                    recheck();
                    nextRecheck = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(recheckMillis);
                    continue;
                }
                PGNotification[] notices = connection.unwrap(PGConnection.class).getNotifications((int) Math.min(wait, Integer.MAX_VALUE));
                if (notices == null) {
                    continue;
                }
                for (PGNotification notice : notices) {
                    hand(notice.getParameter());
                }
                pause = 100;
            } catch (Exception e) {
                if (stopping) {
                    break;
                }
                if (!warned) {
                    LOG.log(System.Logger.Level.WARNING, "event=listening-lost: cannot hear other servers' revisions ("
                            + e.getMessage() + "); documents are re-checked every " + recheckMillis + " ms meanwhile");
                    warned = true;
                }
                closeConnection();
                try {
                    TimeUnit.MILLISECONDS.sleep(pause);
                } catch (InterruptedException interrupted) {
                    break;
                }
                pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS);
                if (System.nanoTime() - nextRecheck >= 0) {
                    recheck();
                    nextRecheck = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(recheckMillis);
                }
            }
        }
        closeConnection();
    }

    private void recheck() {
        try {
            documents.recheck();
        } catch (RuntimeException e) {
            // the database does not answer: nothing can be caught up until it does
            LOG.log(System.Logger.Level.DEBUG, "re-check failed", e);
        }
    }

    private static Connection listen(Connection c) throws SQLException {
        try {
            c.setClientInfo("ApplicationName", APPLICATION_NAME);
        } catch (SQLException e) {
            // a name for operators only
        }
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("LISTEN " + CHANNEL);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void hand(String payload) {
        int space = payload == null ? -1 : payload.lastIndexOf(' ');
        if (space <= 0) {
            return;
        }
        try {
            documents.stored(payload.substring(0, space), Integer.parseInt(payload.substring(space + 1)));
        } catch (NumberFormatException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring a notice on " + CHANNEL + " that Concord did not send: " + payload);
        }
    }

    private void closeConnection() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // it was lost already
            }
        }
    }

    /** Stops listening; returns once the thread has ended (or after a second). */
    void stop() {
        stopping = true;
        closeConnection(); // unblocks a wait for notices
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
