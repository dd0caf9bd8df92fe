package io.tickengine.core.store;

import io.tickengine.core.candle.CandleFlyweight;
import io.tickengine.core.candle.Timeframe;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bars the database refuses for what they hold, set aside in {@code engine_rejected_bars} instead of failing their
 * batch for ever.
 *
 * <p>A store down (refused, timed out, out of disk) is transient: the writer keeps the batch and retries it. A bar
 * the database refuses for its data (SQLSTATE class 22 or 23; SQLite's constraint and mismatch codes) would fail
 * every retry and hold back every later bar. When a batch fails that way, the store writes it again bar by bar
 * within one transaction, each under a savepoint: a bar refused is rolled back to its savepoint and kept, as text,
 * with the reason; the rest of the batch and its checkpoint commit together as usual. Shared by both stores.
 */
public final class RejectedBars {
    private static final Logger LOG = LoggerFactory.getLogger(RejectedBars.class);
    private static final int MAX_CAUSES = 32;
    /** SQLite's primary result codes for a broken constraint and a datatype mismatch. */
    private static final int SQLITE_CONSTRAINT = 19;

    private static final int SQLITE_MISMATCH = 20;
    private static final String INSERT_SQL = "INSERT INTO engine_rejected_bars (symbol, timeframe, open_time_msc, bar,"
            + " reason, journal_index, rejected_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (symbol, timeframe,"
            + " open_time_msc) DO UPDATE SET bar = excluded.bar, reason = excluded.reason,"
            + " journal_index = excluded.journal_index, rejected_at = excluded.rejected_at";

    /** Binds one bar to a store's single-row upsert. */
    @FunctionalInterface
    public interface BarBinder {
        void bind(PreparedStatement upsert, String symbol, String timeframe, CandleFlyweight bar) throws SQLException;
    }

    private RejectedBars() {}

    /**
     * @return true if the failure is about the data written, so that the same write fails again whatever the retry:
     *     SQLSTATE class 22 (data exception) or 23 (integrity constraint violation), or SQLite's constraint or
     *     mismatch codes. A failure to connect, a timeout, a lock, a full disk or a missing privilege is not.
     */
    public static boolean isPermanent(final SQLException error) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < MAX_CAUSES; depth++) {
            if (t instanceof SQLException sql) {
                final String state = sql.getSQLState();
                if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
                    return true;
                }
                final int code = sql.getErrorCode() & 0xff;
                if (state == null
                        && sql.getClass().getName().startsWith("org.sqlite")
                        && (code == SQLITE_CONSTRAINT || code == SQLITE_MISMATCH)) {
                    return true;
                }
                t = sql.getNextException() != null ? sql.getNextException() : sql.getCause();
            } else {
                t = t.getCause();
            }
        }
        return false;
    }

    /**
     * Upserts the batch's bars one at a time in the caller's transaction, setting aside those refused for their data.
     * Any other failure is thrown as it is (the caller rolls back; the writer retries the batch).
     *
     * @param upsert the store's single-row upsert of a bar.
     * @param rejectedAt the value of {@code rejected_at}: a {@code java.sql.Timestamp} or epoch milliseconds.
     * @return the number of bars set aside.
     */
    public static int upsertBarByBar(
            final Connection c,
            final StoreBatch batch,
            final PreparedStatement upsert,
            final BarBinder binder,
            final Object rejectedAt)
            throws SQLException {
        int rejected = 0;
        String first = null;
        try (PreparedStatement aside = c.prepareStatement(INSERT_SQL)) {
            for (int i = 0, n = batch.candleCount(); i < n; i++) {
                final CandleFlyweight bar = batch.candle(i);
                final String symbol = batch.symbols().name(bar.symbolId());
                final String timeframe = Timeframe.of(bar.timeframe()).name();
                final Savepoint savepoint = c.setSavepoint();
                try {
                    binder.bind(upsert, symbol, timeframe, bar);
                    upsert.executeUpdate();
                    c.releaseSavepoint(savepoint);
                } catch (final SQLException e) {
                    if (!isPermanent(e)) {
                        throw e;
                    }
                    c.rollback(savepoint);
                    final String values = values(bar);
                    final String reason = String.valueOf(e.getMessage());
                    aside.setString(1, symbol);
                    aside.setString(2, timeframe);
                    aside.setLong(3, bar.openTimeMsc());
                    aside.setString(4, values);
                    aside.setString(5, reason);
                    aside.setLong(6, batch.journalIndex());
                    aside.setObject(7, rejectedAt);
                    aside.executeUpdate();
                    if (rejected++ == 0) {
                        first = "symbol=" + symbol + ", timeframe=" + timeframe + ", openTimeMsc=" + bar.openTimeMsc()
                                + ", bar=" + values + ", reason=" + reason;
                    }
                }
            }
        }
        if (rejected > 0) {
            // Once per batch, not per bar: a symbol the database refuses has a new version of its bars every batch.
            LOG.error(
                    "bars refused by the database, set aside in engine_rejected_bars [bars={}, batchBars={}, first:"
                            + " {}]",
                    rejected,
                    batch.candleCount(),
                    first);
        }
        return rejected;
    }

    /** @return the bar's values as text, e.g. {@code open=1.1,high=1.2,low=1.0,close=1.1,tick_volume=3,...}. */
    static String values(final CandleFlyweight bar) {
        return "open=" + bar.open() + ",high=" + bar.high() + ",low=" + bar.low() + ",close=" + bar.close()
                + ",tick_volume=" + bar.tickVolume() + ",real_volume=" + bar.realVolume() + ",spread=" + bar.spread();
    }
}
