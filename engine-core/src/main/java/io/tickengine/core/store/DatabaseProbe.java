package io.tickengine.core.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Asks the database a trivial query ({@code SELECT 1}) with a network and query timeout, for readiness checks: a
 * database that is down answers with an error at once, but one that is hung (a stopped process, a full disk, a
 * lock) answers nothing, and the writer that waits on it does not notice. Callers wait at most
 * {@link #timeoutMs()} for {@link #check()}.
 *
 * <p>One probe runs at a time, on its own daemon thread ({@code tick-db-probe}); callers that come while it runs
 * share its answer, and an answer is reused for {@value #REUSE_MS} ms. Thread-safe.
 */
public final class DatabaseProbe implements AutoCloseable {
    /** How long an answer is reused before the database is asked again. */
    public static final long REUSE_MS = 500;

    private final Database database;
    private final long timeoutMs;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        final Thread t = new Thread(r, "tick-db-probe");
        t.setDaemon(true);
        return t;
    });
    private CompletableFuture<String> last;
    private long lastDoneNs;

    /** @param timeoutMs how long the database may take to answer ({@code db.connect.timeout.ms}). */
    public DatabaseProbe(final Database database, final long timeoutMs) {
        this.database = database;
        this.timeoutMs = Math.max(1, timeoutMs);
    }

    /** @return how long the database may take to answer. */
    public long timeoutMs() {
        return timeoutMs;
    }

    /**
     * @return a future of {@code null} if the database answered, else the reason it did not ({@link Database#reason});
     *     it may take longer than {@link #timeoutMs()} when the database hangs: callers bound their wait, e.g. with
     *     {@code copy().completeOnTimeout(...)}.
     */
    public synchronized CompletableFuture<String> check() {
        final long nowNs = System.nanoTime();
        if (last != null && (!last.isDone() || nowNs - lastDoneNs < TimeUnit.MILLISECONDS.toNanos(REUSE_MS))) {
            return last;
        }
        final CompletableFuture<String> probe = CompletableFuture.supplyAsync(this::probe, thread);
        probe.whenComplete((reason, error) -> done());
        last = probe;
        return probe;
    }

    private synchronized void done() {
        lastDoneNs = System.nanoTime();
    }

    private String probe() {
        try (Connection connection = database.connect()) {
            if (database.dialect() == Database.Dialect.POSTGRESQL) {
                // Reads on the socket give up after the timeout: the connection is then broken and leaves the pool.
                connection.setNetworkTimeout(Runnable::run, (int) Math.min(Integer.MAX_VALUE, timeoutMs));
            }
            try (Statement statement = connection.createStatement()) {
                statement.setQueryTimeout((int) Math.max(1, TimeUnit.MILLISECONDS.toSeconds(timeoutMs + 999)));
                statement.execute("SELECT 1");
            }
            return null;
        } catch (final SQLException | RuntimeException e) {
            return database.reason(e);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
