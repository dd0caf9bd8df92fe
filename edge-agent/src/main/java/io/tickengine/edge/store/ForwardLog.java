package io.tickengine.edge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The forwarder's writes: the forwarded mark, quarantine, the last success and error, retention.
 *
 * <p>Commits here are {@code synchronous=NORMAL}: a power cut may lose the last of them, and that is safe. A lost
 * mark makes the forwarder resend ticks the engine already has, which the engine drops as duplicates (same source,
 * seq not above its mark); a lost quarantine is redone when the engine rejects the tick again; a lost prune deletes
 * later. The ticks themselves were committed with {@code FULL} when they arrived.
 *
 * <p>One thread (the forwarder's).
 */
public final class ForwardLog implements AutoCloseable {
    private static final int PRUNE_CHUNK = 50_000;

    private final TickStore store;
    private final Connection connection;
    private final Statement control;
    private final PreparedStatement putMeta;
    private final PreparedStatement copyToQuarantine;
    private final PreparedStatement deleteRange;
    private final PreparedStatement firstRetained;
    private final PreparedStatement firstSeq;

    public ForwardLog(final TickStore store) throws SQLException {
        this.store = store;
        this.connection = store.connect(false);
        try {
            control = connection.createStatement();
            putMeta = connection.prepareStatement("INSERT INTO meta(key, value) VALUES (?, ?)"
                    + " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
            copyToQuarantine = connection.prepareStatement("INSERT OR REPLACE INTO quarantine"
                    + "(seq, symbol, time_msc, bid, ask, last, volume, volume_real, flags, received_msc,"
                    + " quarantined_msc, reason)"
                    + " SELECT t.seq, coalesce(s.name, '?' || t.symbol_id), t.time_msc, t.bid, t.ask, t.last,"
                    + " t.volume, t.volume_real, t.flags, t.received_msc, ?, ?"
                    + " FROM ticks t LEFT JOIN symbols s ON s.id = t.symbol_id WHERE t.seq >= ? AND t.seq <= ?");
            deleteRange = connection.prepareStatement("DELETE FROM ticks WHERE seq >= ? AND seq <= ?");
            firstRetained = connection.prepareStatement(
                    "SELECT seq FROM ticks WHERE seq <= ? AND received_msc >= ? ORDER BY seq LIMIT 1");
            firstSeq = connection.prepareStatement("SELECT seq FROM ticks ORDER BY seq LIMIT 1");
        } catch (final SQLException e) {
            connection.close();
            throw e;
        }
    }

    /** Records that the engine acknowledged every tick up to {@code seq}. */
    public void markForwarded(final long seq, final long nowMsc) throws SQLException {
        TickStore.begin(control);
        try {
            putMeta(TickStore.META_FORWARDED_SEQ, Long.toString(seq));
            putMeta(TickStore.META_LAST_SUCCESS_MSC, Long.toString(nowMsc));
            TickStore.commit(control);
        } catch (final SQLException | RuntimeException e) {
            TickStore.rollbackQuietly(control);
            throw e;
        }
        store.advanceForwardedSeq(seq);
    }

    /** Records a failure to forward, for {@code status} (also when the agent is not running). */
    public void recordError(final String message, final long nowMsc) throws SQLException {
        TickStore.begin(control);
        try {
            putMeta(TickStore.META_LAST_ERROR, message);
            putMeta(TickStore.META_LAST_ERROR_MSC, Long.toString(nowMsc));
            TickStore.commit(control);
        } catch (final SQLException | RuntimeException e) {
            TickStore.rollbackQuietly(control);
            throw e;
        }
    }

    /**
     * Moves the ticks with seq in {@code [fromSeq, toSeq]} to the quarantine table with the reason, in one
     * transaction.
     *
     * @param forwardedThrough the new forwarded mark, or 0 to leave it (when ticks before {@code fromSeq} are still to
     *     be sent).
     * @return the number of ticks moved.
     */
    public int quarantine(
            final long fromSeq, final long toSeq, final String reason, final long nowMsc, final long forwardedThrough)
            throws SQLException {
        final int moved;
        TickStore.begin(control);
        try {
            copyToQuarantine.setLong(1, nowMsc);
            copyToQuarantine.setString(2, reason);
            copyToQuarantine.setLong(3, fromSeq);
            copyToQuarantine.setLong(4, toSeq);
            moved = copyToQuarantine.executeUpdate();
            deleteRange.setLong(1, fromSeq);
            deleteRange.setLong(2, toSeq);
            deleteRange.executeUpdate();
            if (forwardedThrough > 0) {
                putMeta(TickStore.META_FORWARDED_SEQ, Long.toString(forwardedThrough));
            }
            TickStore.commit(control);
        } catch (final SQLException | RuntimeException e) {
            TickStore.rollbackQuietly(control);
            throw e;
        }
        if (forwardedThrough > 0) {
            store.advanceForwardedSeq(forwardedThrough);
        }
        return moved;
    }

    /**
     * Deletes forwarded ticks that arrived before {@code receivedBeforeMsc}, in chunks (each its own transaction, so
     * incoming requests wait for at most one chunk).
     *
     * @return the number of ticks deleted.
     */
    public long prune(final long receivedBeforeMsc) throws SQLException {
        final long forwarded = store.forwardedSeq();
        final long first = queryFirst(firstSeq, -1, -1);
        // Arrival times grow with seq, so the first forwarded tick young enough to keep ends the range.
        final long kept = queryFirst(firstRetained, forwarded, receivedBeforeMsc);
        final long end = kept > 0 ? kept - 1 : forwarded;
        long deleted = 0;
        for (long from = first; first > 0 && from <= end; from += PRUNE_CHUNK) {
            TickStore.begin(control);
            try {
                deleteRange.setLong(1, from);
                deleteRange.setLong(2, Math.min(end, from + PRUNE_CHUNK - 1));
                deleted += deleteRange.executeUpdate();
                TickStore.commit(control);
            } catch (final SQLException | RuntimeException e) {
                TickStore.rollbackQuietly(control);
                throw e;
            }
        }
        return deleted;
    }

    private long queryFirst(final PreparedStatement query, final long maxSeq, final long minReceivedMsc)
            throws SQLException {
        if (maxSeq >= 0) {
            query.setLong(1, maxSeq);
            query.setLong(2, minReceivedMsc);
        }
        try (ResultSet rs = query.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private void putMeta(final String key, final String value) throws SQLException {
        putMeta.setString(1, key);
        putMeta.setString(2, value);
        putMeta.executeUpdate();
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
