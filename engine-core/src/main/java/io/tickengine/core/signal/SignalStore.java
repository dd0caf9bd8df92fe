package io.tickengine.core.signal;

import io.tickengine.core.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The signals queue ({@code db/init/*signals.sql}): publish idempotently by client id, lease the oldest deliverable
 * signal to one consumer at a time, take acks idempotently.
 *
 * <p>A signal is deliverable when it is pending, or leased with an expired lease, and still valid. On PostgreSQL a
 * lease is one statement with {@code FOR UPDATE SKIP LOCKED}, so concurrent consumers never get the same signal
 * and never wait for each other; on SQLite the methods are serialised (one writer per file anyway). Blocking JDBC:
 * never call from an event loop.
 */
public final class SignalStore {
    private static final String LEASE_PG = "WITH candidate AS ("
            + " SELECT q.signal_id FROM signals_queue q JOIN signals s ON s.signal_id = q.signal_id"
            + " WHERE (q.state = 'pending' OR (q.state = 'leased' AND q.lease_expires_at <= ?))"
            + " AND s.valid_until > ? AND (CAST(? AS text) IS NULL OR s.symbol = ?)"
            + " ORDER BY s.created_at, s.signal_id LIMIT 1 FOR UPDATE OF q SKIP LOCKED)"
            + " UPDATE signals_queue q SET state = 'leased', consumer = ?, lease_id = ?, lease_expires_at = ?,"
            + " deliveries = q.deliveries + 1, updated_at = ? FROM candidate WHERE q.signal_id = candidate.signal_id"
            + " RETURNING q.signal_id, q.deliveries";
    private static final String CANDIDATE_SQLITE = "SELECT q.signal_id FROM signals_queue q"
            + " JOIN signals s ON s.signal_id = q.signal_id"
            + " WHERE (q.state = 'pending' OR (q.state = 'leased' AND q.lease_expires_at <= ?))"
            + " AND s.valid_until > ? AND (? IS NULL OR s.symbol = ?) ORDER BY s.created_at, s.signal_id LIMIT 1";
    private static final String LEASE_SQLITE = "UPDATE signals_queue SET state = 'leased', consumer = ?,"
            + " lease_id = ?, lease_expires_at = ?, deliveries = deliveries + 1, updated_at = ? WHERE signal_id = ?"
            + " RETURNING signal_id, deliveries";
    private static final String EXPIRE = "UPDATE signals_queue SET state = 'expired', updated_at = ?"
            + " WHERE state IN ('pending', 'leased') AND (state = 'pending' OR lease_expires_at <= ?)"
            + " AND signal_id IN (SELECT signal_id FROM signals WHERE valid_until <= ?)";
    private static final String SELECT_SIGNAL = "SELECT signal_id, symbol, side, size, price_min, price_max, sl, tp,"
            + " valid_until, model_id, payload, created_at FROM signals";

    private final Database database;
    private final boolean postgres;

    public SignalStore(final Database database) {
        this.database = database;
        this.postgres = database.dialect() == Database.Dialect.POSTGRESQL;
    }

    /**
     * Publishes signals; one whose id exists already is left as it is (publishing is idempotent).
     *
     * @return how many were new.
     */
    public synchronized int publish(final List<Signal> signals) throws SQLException {
        final String insertSignal = "INSERT INTO signals (signal_id, symbol, side, size, price_min, price_max, sl,"
                + " tp, valid_until, model_id, payload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                + (postgres ? "CAST(? AS jsonb)" : "?") + ", ?) ON CONFLICT (signal_id) DO NOTHING";
        final String insertQueue = "INSERT INTO signals_queue (signal_id, state, updated_at) VALUES (?, 'pending', ?)"
                + " ON CONFLICT (signal_id) DO NOTHING";
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(insertSignal);
                    PreparedStatement queue = c.prepareStatement(insertQueue)) {
                int added = 0;
                for (final Signal s : signals) {
                    ps.setString(1, s.signalId());
                    ps.setString(2, s.symbol());
                    ps.setString(3, s.side());
                    ps.setDouble(4, s.size());
                    setPrice(ps, 5, s.priceMin());
                    setPrice(ps, 6, s.priceMax());
                    setPrice(ps, 7, s.sl());
                    setPrice(ps, 8, s.tp());
                    setTime(ps, 9, s.validUntilMsc());
                    ps.setString(10, s.modelId());
                    ps.setString(11, s.payload());
                    setTime(ps, 12, s.createdAtMsc());
                    if (ps.executeUpdate() == 1) {
                        added++;
                        queue.setString(1, s.signalId());
                        setTime(queue, 2, s.createdAtMsc());
                        queue.executeUpdate();
                    }
                }
                c.commit();
                return added;
            } catch (final SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Leases the oldest deliverable signal (of {@code symbol}, if given) to {@code consumer} for {@code leaseMs}.
     *
     * @return the lease, or empty when nothing is deliverable.
     */
    public Optional<Lease> next(final String consumer, final String symbol, final long leaseMs, final long nowMsc)
            throws SQLException {
        if (postgres) {
            return nextPostgres(consumer, symbol, leaseMs, nowMsc);
        }
        synchronized (this) {
            return nextSqlite(consumer, symbol, leaseMs, nowMsc);
        }
    }

    private Optional<Lease> nextPostgres(
            final String consumer, final String symbol, final long leaseMs, final long nowMsc) throws SQLException {
        final String leaseId = UUID.randomUUID().toString();
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            try {
                expire(c, nowMsc);
                final String signalId;
                final int deliveries;
                try (PreparedStatement ps = c.prepareStatement(LEASE_PG)) {
                    setTime(ps, 1, nowMsc);
                    setTime(ps, 2, nowMsc);
                    ps.setString(3, symbol);
                    ps.setString(4, symbol);
                    ps.setString(5, consumer);
                    ps.setString(6, leaseId);
                    setTime(ps, 7, nowMsc + leaseMs);
                    setTime(ps, 8, nowMsc);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            c.commit();
                            return Optional.empty();
                        }
                        signalId = rs.getString(1);
                        deliveries = rs.getInt(2);
                    }
                }
                final Signal signal = signal(c, signalId);
                c.commit();
                return Optional.of(new Lease(signal, leaseId, consumer, nowMsc + leaseMs, deliveries));
            } catch (final SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private Optional<Lease> nextSqlite(
            final String consumer, final String symbol, final long leaseMs, final long nowMsc) throws SQLException {
        final String leaseId = UUID.randomUUID().toString();
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            try {
                expire(c, nowMsc);
                final String candidate;
                try (PreparedStatement ps = c.prepareStatement(CANDIDATE_SQLITE)) {
                    ps.setLong(1, nowMsc);
                    ps.setLong(2, nowMsc);
                    ps.setString(3, symbol);
                    ps.setString(4, symbol);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            c.commit();
                            return Optional.empty();
                        }
                        candidate = rs.getString(1);
                    }
                }
                final int deliveries;
                try (PreparedStatement ps = c.prepareStatement(LEASE_SQLITE)) {
                    ps.setString(1, consumer);
                    ps.setString(2, leaseId);
                    ps.setLong(3, nowMsc + leaseMs);
                    ps.setLong(4, nowMsc);
                    ps.setString(5, candidate);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        deliveries = rs.getInt(2);
                    }
                }
                final Signal signal = signal(c, candidate);
                c.commit();
                return Optional.of(new Lease(signal, leaseId, consumer, nowMsc + leaseMs, deliveries));
            } catch (final SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Records what the consumer did with a leased signal. A signal whose lease expired may still be acked by that
     * lease as long as nobody else leased it since: the EA may have traded just before the deadline, and refusing
     * the ack would deliver the signal again.
     */
    public AckOutcome ack(final Ack ack) throws SQLException {
        if (!postgres) {
            synchronized (this) {
                return ackInTransaction(ack);
            }
        }
        return ackInTransaction(ack);
    }

    private AckOutcome ackInTransaction(final Ack ack) throws SQLException {
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            try {
                final AckOutcome outcome = ack(c, ack);
                c.commit();
                return outcome;
            } catch (final SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private AckOutcome ack(final Connection c, final Ack ack) throws SQLException {
        final String state;
        final String leaseId;
        final String leaseConsumer;
        try (PreparedStatement ps = c.prepareStatement("SELECT state, lease_id, consumer FROM signals_queue"
                + " WHERE signal_id = ?" + (postgres ? " FOR UPDATE" : ""))) {
            ps.setString(1, ack.signalId());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return AckOutcome.UNKNOWN_SIGNAL;
                }
                state = rs.getString(1);
                leaseId = rs.getString(2);
                leaseConsumer = rs.getString(3);
            }
        }
        if (state.equals("acked")) {
            try (PreparedStatement ps = c.prepareStatement("SELECT lease_id FROM signals_ack WHERE signal_id = ?")) {
                ps.setString(1, ack.signalId());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && rs.getString(1).equals(ack.leaseId())
                            ? AckOutcome.REPEATED
                            : AckOutcome.FOREIGN_LEASE;
                }
            }
        }
        if (leaseId == null) {
            return AckOutcome.NOT_LEASED;
        }
        if (!leaseId.equals(ack.leaseId()) || !ack.consumer().equals(leaseConsumer)) {
            return AckOutcome.FOREIGN_LEASE;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO signals_ack (signal_id, lease_id, consumer, result,"
                + " ticket, fill_price, retcode, message, acked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, ack.signalId());
            ps.setString(2, ack.leaseId());
            ps.setString(3, ack.consumer());
            ps.setString(4, ack.result());
            if (ack.ticket() == 0) {
                ps.setNull(5, Types.BIGINT);
            } else {
                ps.setLong(5, ack.ticket());
            }
            setPrice(ps, 6, ack.fillPrice());
            ps.setInt(7, ack.retcode());
            ps.setString(8, ack.message());
            setTime(ps, 9, ack.ackedAtMsc());
            ps.executeUpdate();
        }
        try (PreparedStatement ps =
                c.prepareStatement("UPDATE signals_queue SET state = 'acked', updated_at = ? WHERE signal_id = ?")) {
            setTime(ps, 1, ack.ackedAtMsc());
            ps.setString(2, ack.signalId());
            ps.executeUpdate();
        }
        if (ack.result().equals("executed")) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO trade_logs (signal_id, ticket, symbol, side,"
                    + " volume, price, sl, tp, retcode, message, logged_at) SELECT signal_id, ?, symbol, side, size, ?,"
                    + " sl, tp, ?, ?, ? FROM signals WHERE signal_id = ?")) {
                ps.setLong(1, ack.ticket());
                setPrice(ps, 2, ack.fillPrice());
                ps.setInt(3, ack.retcode());
                ps.setString(4, ack.message());
                setTime(ps, 5, ack.ackedAtMsc());
                ps.setString(6, ack.signalId());
                ps.executeUpdate();
            }
        }
        return AckOutcome.RECORDED;
    }

    /** @return the newest signals, of {@code symbol} if given, newest first. */
    public List<Signal> latest(final String symbol, final int limit) throws SQLException {
        final String sql = SELECT_SIGNAL + (symbol == null ? "" : " WHERE symbol = ?")
                + " ORDER BY created_at DESC, signal_id DESC LIMIT ?";
        try (Connection c = database.connect();
                PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (symbol != null) {
                ps.setString(i++, symbol);
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                final List<Signal> signals = new ArrayList<>();
                while (rs.next()) {
                    signals.add(read(rs));
                }
                return signals;
            }
        }
    }

    private void expire(final Connection c, final long nowMsc) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(EXPIRE)) {
            setTime(ps, 1, nowMsc);
            setTime(ps, 2, nowMsc);
            setTime(ps, 3, nowMsc);
            ps.executeUpdate();
        }
    }

    private Signal signal(final Connection c, final String signalId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT_SIGNAL + " WHERE signal_id = ?")) {
            ps.setString(1, signalId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return read(rs);
            }
        }
    }

    private Signal read(final ResultSet rs) throws SQLException {
        return new Signal(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getDouble(4),
                price(rs, 5),
                price(rs, 6),
                price(rs, 7),
                price(rs, 8),
                time(rs, 9),
                rs.getString(10),
                rs.getString(11),
                time(rs, 12));
    }

    private static double price(final ResultSet rs, final int column) throws SQLException {
        final double value = rs.getDouble(column);
        return rs.wasNull() ? Double.NaN : value;
    }

    private long time(final ResultSet rs, final int column) throws SQLException {
        return postgres ? rs.getTimestamp(column).getTime() : rs.getLong(column);
    }

    private void setTime(final PreparedStatement ps, final int index, final long msc) throws SQLException {
        if (postgres) {
            ps.setTimestamp(index, new Timestamp(msc));
        } else {
            ps.setLong(index, msc);
        }
    }

    private static void setPrice(final PreparedStatement ps, final int index, final double value) throws SQLException {
        if (Double.isNaN(value)) {
            ps.setNull(index, Types.DOUBLE);
        } else {
            ps.setDouble(index, value);
        }
    }
}
