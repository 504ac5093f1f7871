package app.concord.documents.control;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A small pool of JDBC connections for the databases that Concord opens itself (its own H2
 * file, or a {@code concord.dbUrl}), where no container pool stands between it and the
 * driver. {@link #getConnection()} hands out a connection whose {@code close()} gives it back;
 * one that has been idle for a while is checked before it is handed out again, so a database
 * that restarted meanwhile costs one failed check, not a failed statement. At most
 * {@code maxIdle} connections are kept; there is no upper bound on connections in use (the
 * store uses a handful: the commit thread and the readers).
 */
final class ConnectionPool implements DataSource, AutoCloseable {

    /** Opens a new physical connection. */
    interface Opener {
        Connection open() throws SQLException;
    }

    private static final long CHECK_AFTER_IDLE_NANOS = 2_000_000_000L;
    private static final int CHECK_TIMEOUT_SECONDS = 2;

    private final Opener opener;
    private final int maxIdle;
    private final Deque<Idle> idle = new ArrayDeque<>();
    private boolean closed;

    ConnectionPool(Opener opener, int maxIdle) {
        this.opener = opener;
        this.maxIdle = maxIdle;
    }

    @Override
    public Connection getConnection() throws SQLException {
        while (true) {
            Idle next;
            synchronized (this) {
                if (closed) {
                    throw new SQLException("the connection pool is closed");
                }
                next = idle.pollFirst();
            }
            if (next == null) {
                return lend(opener.open());
            }
            if (System.nanoTime() - next.sinceNanos < CHECK_AFTER_IDLE_NANOS || isValid(next.connection)) {
                return lend(next.connection);
            }
            closeQuietly(next.connection);
        }
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the pool's credentials are fixed");
    }

    /** Closes the idle connections; connections still lent out are closed when they come back. */
    @Override
    public void close() {
        Deque<Idle> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayDeque<>(idle);
            idle.clear();
        }
        toClose.forEach(i -> closeQuietly(i.connection));
    }

    private Connection lend(Connection physical) {
        InvocationHandler handler = new InvocationHandler() {
            private boolean returned;

            @Override
            public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args) throws Throwable {
                switch (method.getName()) {
                    case "close":
                        if (!returned) {
                            returned = true;
                            giveBack(physical);
                        }
                        return null;
                    case "isClosed":
                        return returned || physical.isClosed();
                    case "unwrap":
                        if (((Class<?>) args[0]).isInstance(proxy)) {
                            return proxy;
                        }
                        break;
                    case "equals":
                        return proxy == args[0];
                    case "hashCode":
                        return System.identityHashCode(proxy);
                    default:
                        if (returned) {
                            throw new SQLException("connection already given back to the pool");
                        }
                }
                try {
                    return method.invoke(physical, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        };
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                handler);
    }

    /** Keeps {@code physical} if it is in a clean state and there is room; a broken one is closed. */
    private void giveBack(Connection physical) {
        try {
            if (physical.isClosed()) {
                return;
            }
            if (!physical.getAutoCommit()) {
                physical.rollback();
                physical.setAutoCommit(true);
            }
        } catch (SQLException e) {
            closeQuietly(physical);
            return;
        }
        synchronized (this) {
            if (!closed && idle.size() < maxIdle) {
                idle.addFirst(new Idle(physical, System.nanoTime()));
                return;
            }
        }
        closeQuietly(physical);
    }

    private static boolean isValid(Connection connection) {
        try {
            return connection.isValid(CHECK_TIMEOUT_SECONDS);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // it is being dropped either way
        }
    }

    private record Idle(Connection connection, long sinceNanos) {
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper of " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
