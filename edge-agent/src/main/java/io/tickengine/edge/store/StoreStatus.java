package io.tickengine.edge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads the state of the buffer for {@code GET /health} and {@code edge-agent status}. Thread-safe (serialized);
 * its own connection.
 */
public final class StoreStatus implements AutoCloseable {
    /**
     * What the database says.
     *
     * @param oldestUnforwardedMsc arrival time of the oldest tick not yet forwarded, 0 if none.
     * @param quarantined ticks in quarantine.
     * @param lastQuarantineReason why the most recently quarantined tick was rejected, or {@code null}.
     * @param lastSuccessMsc when the engine last acknowledged a batch, 0 if never.
     * @param lastError the last failure to forward, or {@code null}.
     * @param lastErrorMsc when it happened, 0 if never.
     * @param barBacklog bars ({@code POST /ingest}) stored and not yet acknowledged by the engine.
     * @param symbolBacklog symbol entries ({@code POST /symbols}) stored and not yet acknowledged by the engine.
     */
    public record Snapshot(
            long oldestUnforwardedMsc,
            long quarantined,
            String lastQuarantineReason,
            long lastSuccessMsc,
            String lastError,
            long lastErrorMsc,
            long barBacklog,
            long symbolBacklog) {}

    private final Connection connection;
    private final PreparedStatement oldestUnforwarded;
    private final PreparedStatement quarantineCount;
    private final PreparedStatement lastQuarantined;
    private final PreparedStatement stored;
    private final PreparedStatement bodiesTable;
    /** Prepared once the bodies table exists. */
    private PreparedStatement waitingItems;

    public StoreStatus(final TickStore store) throws SQLException {
        connection = store.connect(false);
        try {
            oldestUnforwarded =
                    connection.prepareStatement("SELECT received_msc FROM ticks WHERE seq > ? ORDER BY seq LIMIT 1");
            quarantineCount = connection.prepareStatement("SELECT count(*) FROM quarantine");
            lastQuarantined = connection.prepareStatement(
                    "SELECT reason FROM quarantine ORDER BY quarantined_msc DESC, seq DESC LIMIT 1");
            stored = connection.prepareStatement("SELECT count(*) FROM ticks WHERE seq > ?");
            bodiesTable =
                    connection.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'bodies'");
        } catch (final SQLException e) {
            connection.close();
            throw e;
        }
    }

    /** @return the database's view of the buffer, given the forwarded mark. */
    public synchronized Snapshot snapshot(final long forwardedSeq) throws SQLException {
        oldestUnforwarded.setLong(1, forwardedSeq);
        final long oldest;
        try (ResultSet rs = oldestUnforwarded.executeQuery()) {
            oldest = rs.next() ? rs.getLong(1) : 0;
        }
        final long quarantined;
        try (ResultSet rs = quarantineCount.executeQuery()) {
            quarantined = rs.next() ? rs.getLong(1) : 0;
        }
        final String reason;
        try (ResultSet rs = lastQuarantined.executeQuery()) {
            reason = rs.next() ? rs.getString(1) : null;
        }
        long bars = 0;
        long symbols = 0;
        // The bodies table is made by the agent's first start since it passes bars on: an older buffer has none.
        if (hasBodies()) {
            try (ResultSet rs = waitingItems.executeQuery()) {
                while (rs.next()) {
                    switch (rs.getString(1)) {
                        case BodyQueue.BARS_PATH -> bars = rs.getLong(2);
                        case BodyQueue.SYMBOLS_PATH -> symbols = rs.getLong(2);
                        default -> {}
                    }
                }
            }
        }
        final String lastSuccess = TickStore.readString(connection, TickStore.META_LAST_SUCCESS_MSC);
        final String lastErrorMsc = TickStore.readString(connection, TickStore.META_LAST_ERROR_MSC);
        return new Snapshot(
                oldest,
                quarantined,
                reason,
                lastSuccess == null ? 0 : Long.parseLong(lastSuccess),
                TickStore.readString(connection, TickStore.META_LAST_ERROR),
                lastErrorMsc == null ? 0 : Long.parseLong(lastErrorMsc),
                bars,
                symbols);
    }

    private boolean hasBodies() throws SQLException {
        if (waitingItems == null) {
            try (ResultSet rs = bodiesTable.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
            }
            waitingItems = connection.prepareStatement("SELECT path, sum(items) FROM bodies GROUP BY path");
        }
        return true;
    }

    /** @return the exact number of stored ticks above {@code seq} (a count: for {@code status}, not for health). */
    public synchronized long countAbove(final long seq) throws SQLException {
        stored.setLong(1, seq);
        try (ResultSet rs = stored.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** @return the forwarded mark as committed (another process may be forwarding). */
    public synchronized long committedForwardedSeq() throws SQLException {
        return TickStore.readLong(connection, TickStore.META_FORWARDED_SEQ, 0);
    }

    @Override
    public synchronized void close() throws SQLException {
        connection.close();
    }
}
