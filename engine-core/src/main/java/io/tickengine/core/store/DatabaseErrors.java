package io.tickengine.core.store;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Properties;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * A database failure in plain words: the driver's own reason, e.g. {@code authentication failed for user "x"},
 * {@code database "y" does not exist} or {@code connection refused [host=127.0.0.1, port=5999]}.
 *
 * <p>HikariCP reports every failed connection attempt as the same {@code Connection is not available, request timed
 * out after 2000ms}; it keeps the driver's last failure as the cause. {@link #describe} walks the cause chain to the
 * innermost {@link SQLException} (pgjdbc's, with its SQLState and the server's message) and the socket error under it.
 */
public final class DatabaseErrors {
    /** SQLState of a wrong password. */
    public static final String INVALID_PASSWORD = "28P01";
    /** SQLState of an unknown role, a role not allowed to log in, or no pg_hba.conf entry. */
    public static final String INVALID_AUTHORIZATION = "28000";
    /** SQLState of a database that does not exist. */
    public static final String INVALID_CATALOG_NAME = "3D000";

    private static final int MAX_CAUSES = 32;

    private DatabaseErrors() {}

    /**
     * @param error what a connection, query or write threw; its causes are searched.
     * @param jdbcUrl the database's URL, for host, port and user (credentials are never printed).
     * @param user the user given apart from the URL, or {@code null}; a user in the URL wins, as in pgjdbc.
     * @return why it failed, in plain words, for logs, exceptions and {@code /health}.
     */
    public static String describe(final Throwable error, final String jdbcUrl, final String user) {
        SQLException driver = null;
        Throwable socket = null;
        Throwable innermost = error;
        int depth = 0;
        for (Throwable t = error; t != null && depth < MAX_CAUSES; t = t.getCause(), depth++) {
            if (t instanceof SQLException sql) {
                driver = sql;
            } else if (isSocketFailure(t)) {
                socket = t;
            }
            innermost = t;
        }
        final Properties url = jdbcUrl == null ? null : org.postgresql.Driver.parseURL(jdbcUrl, null);
        final String host = url == null ? "?" : url.getProperty("PGHOST", "?");
        final String port = url == null ? "?" : url.getProperty("PGPORT", "?");
        if (socket instanceof UnknownHostException) {
            return "unknown host [host=" + host + "]";
        }
        if (socket instanceof ConnectException) {
            return "connection refused [host=" + host + ", port=" + port + "]";
        }
        if (socket != null) {
            return "cannot connect [host=" + host + ", port=" + port + ", cause=" + socket + "]";
        }
        if (driver == null) {
            return String.valueOf(innermost.getMessage() != null ? innermost.getMessage() : innermost);
        }
        if (driver instanceof SQLTransientConnectionException && driver.getCause() == null) {
            // The pool's timeout before any attempt of its own failed: the server has not answered yet.
            return "no connection within db.connect.timeout.ms [host=" + host + ", port=" + port + "]";
        }
        final String state = driver.getSQLState() == null ? "" : driver.getSQLState();
        final String reason = serverMessage(driver);
        switch (state) {
            case INVALID_PASSWORD, INVALID_AUTHORIZATION -> {
                // pgjdbc lets the URL's user win over the one given apart.
                final String name = url != null && url.getProperty("user") != null
                        ? url.getProperty("user")
                        : user != null ? user : "?";
                return "authentication failed for user \"" + name + "\" [server=" + reason + "]";
            }
            case INVALID_CATALOG_NAME -> {
                return reason + " [host=" + host + ", port=" + port + "]";
            }
            default -> {
                return reason;
            }
        }
    }

    private static boolean isSocketFailure(final Throwable t) {
        return t instanceof ConnectException
                || t instanceof NoRouteToHostException
                || t instanceof UnknownHostException
                || t instanceof SocketTimeoutException
                || t instanceof NoRouteToHostException;
    }

    /** @return the server's own message (without pgjdbc's {@code FATAL:} prefix and detail lines) when it sent one. */
    private static String serverMessage(final SQLException driver) {
        if (driver instanceof PSQLException psql) {
            final ServerErrorMessage server = psql.getServerErrorMessage();
            if (server != null && server.getMessage() != null) {
                return server.getMessage();
            }
        }
        return driver.getMessage();
    }
}
