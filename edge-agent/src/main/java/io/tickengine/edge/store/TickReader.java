package io.tickengine.edge.store;

import io.tickengine.core.tick.TickBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * Reads stored ticks in seq order into a reused {@link TickBuffer}: what the forwarder and {@code export} send.
 *
 * <p>In the buffer, {@code seq} is the row's seq and {@code symbolId} the id of {@link #symbolName(int)}. One
 * thread; its own connection, so it reads while requests commit (WAL).
 */
public final class TickReader implements AutoCloseable {
    private final Connection connection;
    private final PreparedStatement selectRange;
    private final PreparedStatement selectSymbol;
    private final PreparedStatement newestBefore;
    private final PreparedStatement firstReceivedSince;
    private final PreparedStatement countRange;
    private String[] symbolNames = new String[64];

    public TickReader(final TickStore store) throws SQLException {
        connection = store.connect(false);
        try {
            selectRange = connection.prepareStatement(
                    "SELECT seq, symbol_id, time_msc, bid, ask, last, volume, volume_real, flags FROM ticks"
                            + " WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?");
            selectSymbol = connection.prepareStatement("SELECT name FROM symbols WHERE id = ?");
            newestBefore = connection.prepareStatement("SELECT seq FROM ticks ORDER BY seq DESC LIMIT 1 OFFSET ?");
            firstReceivedSince =
                    connection.prepareStatement("SELECT seq FROM ticks WHERE received_msc >= ? ORDER BY seq LIMIT 1");
            countRange = connection.prepareStatement("SELECT count(*) FROM ticks WHERE seq > ? AND seq <= ?");
        } catch (final SQLException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * Clears {@code out} and fills it with the ticks whose seq is in {@code (afterSeq, toSeq]}, in seq order.
     *
     * @return the number of ticks read, at most {@code limit}.
     */
    public int read(final long afterSeq, final long toSeq, final int limit, final TickBuffer out) throws SQLException {
        out.clear();
        selectRange.setLong(1, afterSeq);
        selectRange.setLong(2, toSeq);
        selectRange.setInt(3, limit);
        try (ResultSet rs = selectRange.executeQuery()) {
            while (rs.next()) {
                out.add(
                        rs.getInt(2),
                        rs.getLong(3),
                        rs.getDouble(4),
                        rs.getDouble(5),
                        rs.getDouble(6),
                        rs.getLong(7),
                        rs.getDouble(8),
                        rs.getInt(9),
                        TickBuffer.NO_SOURCE,
                        rs.getLong(1));
            }
        }
        return out.size();
    }

    /** @return the seq just before the newest {@code n} stored ticks, 0 if fewer are stored. */
    public long seqBeforeNewest(final long n) throws SQLException {
        newestBefore.setLong(1, n);
        return queryLong(newestBefore);
    }

    /**
     * @return the seq of the first tick that arrived at or after {@code receivedMsc}, or 0 if none did. Scans from the
     *     oldest tick: arrival times grow with seq, so it stops at the first match.
     */
    public long firstSeqReceivedSince(final long receivedMsc) throws SQLException {
        firstReceivedSince.setLong(1, receivedMsc);
        return queryLong(firstReceivedSince);
    }

    /** @return how many ticks are stored with seq in {@code (afterSeq, toSeq]}. */
    public long count(final long afterSeq, final long toSeq) throws SQLException {
        countRange.setLong(1, afterSeq);
        countRange.setLong(2, toSeq);
        return queryLong(countRange);
    }

    private static long queryLong(final PreparedStatement query) throws SQLException {
        try (ResultSet rs = query.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** @return the name of a symbol id found in a read batch (cached). */
    public String symbolName(final int symbolId) throws SQLException {
        if (symbolId < symbolNames.length && symbolNames[symbolId] != null) {
            return symbolNames[symbolId];
        }
        selectSymbol.setInt(1, symbolId);
        try (ResultSet rs = selectSymbol.executeQuery()) {
            // A row whose symbol is missing (a damaged or hand-edited file) still gets a name, so the engine can
            // reject it and it lands in quarantine instead of stopping the forwarder.
            final String name = rs.next() ? rs.getString(1) : "?" + symbolId;
            if (symbolId >= symbolNames.length) {
                symbolNames = Arrays.copyOf(symbolNames, Math.max(symbolId + 1, symbolNames.length * 2));
            }
            symbolNames[symbolId] = name;
            return name;
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
