package io.tickengine.kafka.journal;

import static io.tickengine.core.candle.CandleDescriptor.LENGTH;

import io.tickengine.core.candle.BarMath;
import io.tickengine.core.candle.CandleFlyweight;
import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.journal.JournalRecord;
import io.tickengine.core.store.BarRowBinder;
import io.tickengine.core.store.TickBatch;
import io.tickengine.core.store.postgres.BinaryCopyEncoder;
import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.SourceSequences;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One store transaction of the group's consumer ({@link GroupStore}), in SQL: the new ticks (binary COPY into
 * {@code ticks}, {@code ord} = the message's offset), every M1 bar they touch recomputed from the stored ticks with
 * {@link BarMath} (the live aggregator's arithmetic), every higher bar they touch recomputed from its M1 bars (W1 from
 * D1 when D1 is kept), and per partition the next offset and the duplicate state, all committed together.
 *
 * <p>Recomputing a touched bar from what is stored, rather than adding the batch to it, is what makes the candles equal
 * the stored ticks whatever the order the ticks come in, and whichever engine stored the ticks before.
 *
 * <p>Single-threaded (the store thread).
 */
final class PartitionTransaction {
    private static final String AT = "('epoch'::timestamptz + ? * interval '1 millisecond')";
    private static final String COPY_TICKS_SQL =
            "COPY ticks (" + BinaryCopyEncoder.TICK_COLUMNS + ") FROM STDIN (FORMAT binary)";
    private static final String SET = " ON CONFLICT (symbol, timeframe, open_time) DO UPDATE SET open = EXCLUDED.open,"
            + " high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,"
            + " tick_volume = EXCLUDED.tick_volume, real_volume = EXCLUDED.real_volume,"
            + " spread = EXCLUDED.spread, updated_at = EXCLUDED.updated_at";
    private static final String UPSERT_M1_SQL = "INSERT INTO market_data (" + BinaryCopyEncoder.COLUMNS
            + ", updated_at) VALUES (?, 'M1', " + AT + ", ?, ?, ?, ?, ?, ?, ?, now())" + SET;
    /** A higher bar from the bars of a lower timeframe: first open, extremes, last close, sums, smallest spread. */
    private static final String UPSERT_HIGHER_SQL = "INSERT INTO market_data (" + BinaryCopyEncoder.COLUMNS
            + ", updated_at) SELECT symbol, ?, " + AT + ", (array_agg(open ORDER BY open_time))[1], max(high),"
            + " min(low), (array_agg(close ORDER BY open_time DESC))[1], sum(tick_volume), sum(real_volume),"
            + " min(spread), now() FROM market_data WHERE symbol = ? AND timeframe = ? AND open_time >= " + AT
            + " AND open_time < " + AT + " GROUP BY symbol" + SET;

    private static final String TICKS_SQL = "SELECT (extract(epoch FROM tick_time) * 1000)::bigint, bid, ask, last,"
            + " volume_real, seq, ord FROM ticks WHERE symbol = ? AND tick_time >= " + AT + " AND tick_time < " + AT;
    private static final String STORED_SQL =
            "SELECT 1 FROM ticks WHERE symbol = ? AND tick_time = " + AT + " AND source = ? AND seq = ? LIMIT 1";
    private static final String INSERT_OFFSET_SQL = "INSERT INTO kafka_offsets (topic, partition, next_offset)"
            + " VALUES (?, ?, -1) ON CONFLICT (topic, partition) DO NOTHING";
    private static final String LOCK_OFFSET_SQL =
            "SELECT next_offset FROM kafka_offsets WHERE topic = ? AND partition = ? FOR UPDATE";
    private static final String READ_OFFSET_SQL =
            "SELECT next_offset FROM kafka_offsets WHERE topic = ? AND partition = ?";
    private static final String UPDATE_OFFSET_SQL =
            "UPDATE kafka_offsets SET next_offset = ?, updated_at = now()" + " WHERE topic = ? AND partition = ?";
    private static final String READ_SOURCES_SQL =
            "SELECT source, last_seq, window_bits FROM kafka_source_seq WHERE topic = ? AND partition = ?";
    private static final String UPSERT_SOURCE_SQL = "INSERT INTO kafka_source_seq (topic, partition, source,"
            + " last_seq, window_bits, updated_at) VALUES (?, ?, ?, ?, ?, now()) ON CONFLICT (topic, partition, source)"
            + " DO UPDATE SET last_seq = EXCLUDED.last_seq, window_bits = EXCLUDED.window_bits,"
            + " updated_at = EXCLUDED.updated_at";

    private final String topic;
    private final List<Timeframe> higher = new ArrayList<>();
    private final boolean keepsD1;
    private final long sessionOffsetMsc;
    private final Set<String> lastPriceSymbols;
    private final NameTable sourceNames;
    private final NameTable symbols = new NameTable(65_536);
    private final TickBatch ticks;
    private final BinaryCopyEncoder encoder = new BinaryCopyEncoder();
    /** Per symbol, the M1 open times the batch touches. */
    private final Map<String, TreeSet<Long>> touchedMinutes = new TreeMap<>();

    private final List<OffsetUpdate> offsets = new ArrayList<>();
    private final UnsafeBuffer bars = new UnsafeBuffer(ByteBuffer.allocateDirect(LENGTH));
    private final CandleFlyweight bar = new CandleFlyweight().wrap(bars, 0);
    private final ExpandableArrayBuffer window = new ExpandableArrayBuffer(4096);

    PartitionTransaction(
            final String topic,
            final List<Timeframe> timeframes,
            final long sessionOffsetMsc,
            final Set<String> lastPriceSymbols,
            final NameTable sourceNames) {
        this.topic = topic;
        for (final Timeframe tf : timeframes) {
            if (tf != Timeframe.M1) {
                higher.add(tf);
            }
        }
        // In order, so that a bar's lower bars are recomputed before it (W1 from D1).
        higher.sort(null);
        this.keepsD1 = timeframes.contains(Timeframe.D1);
        this.sessionOffsetMsc = sessionOffsetMsc;
        this.lastPriceSymbols = Set.copyOf(lastPriceSymbols);
        this.sourceNames = sourceNames;
        this.ticks = new TickBatch(symbols, sourceNames);
    }

    /**
     * Reads a partition's resume point and duplicate state.
     *
     * @return the offset of the next message to store, -1 if the partition has stored nothing.
     */
    long load(final Connection c, final int partition, final SourceSequences sequences) throws SQLException {
        final long next;
        try (PreparedStatement ps = c.prepareStatement(READ_OFFSET_SQL)) {
            ps.setString(1, topic);
            ps.setInt(2, partition);
            try (ResultSet rs = ps.executeQuery()) {
                next = rs.next() ? rs.getLong(1) : -1;
            }
        }
        try (PreparedStatement ps = c.prepareStatement(READ_SOURCES_SQL)) {
            ps.setString(1, topic);
            ps.setInt(2, partition);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    final byte[] bits = rs.getBytes(3);
                    sequences.restore(
                            sourceNames.intern(rs.getString(1)), rs.getLong(2), new UnsafeBuffer(bits), 0, bits.length);
                }
            }
        }
        return next;
    }

    void begin() {
        ticks.reset();
        touchedMinutes.clear();
        offsets.clear();
    }

    /**
     * Locks the partition's offset row for the transaction.
     *
     * @throws StaleOffsetException if the row does not hold {@code expected}: another engine stored the partition
     *     since this one read it.
     */
    void lockOffset(final Connection c, final int partition, final long expected)
            throws SQLException, StaleOffsetException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_OFFSET_SQL)) {
            ps.setString(1, topic);
            ps.setInt(2, partition);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(LOCK_OFFSET_SQL)) {
            ps.setString(1, topic);
            ps.setInt(2, partition);
            try (ResultSet rs = ps.executeQuery()) {
                final long stored = rs.next() ? rs.getLong(1) : -1;
                if (stored != expected) {
                    throw new StaleOffsetException("partition stored by another engine [topic=" + topic + ", partition="
                            + partition + ", expected=" + expected + ", stored=" + stored + "]");
                }
            }
        }
    }

    /** Adds a new tick, read at {@code offset}. */
    void addTick(final JournalRecord record, final long offset) {
        ticks.addTick(record, offset);
        final String symbol = symbols.name(ticks.ticks().symbolId(ticks.size() - 1));
        touchedMinutes
                .computeIfAbsent(symbol, s -> new TreeSet<>())
                .add(Timeframe.M1.openTime(record.timeMsc, sessionOffsetMsc));
    }

    /** Notes a partition's new resume point and the sources whose duplicate state changed. */
    void offset(
            final int partition, final long nextOffset, final SourceSequences sequences, final Set<Integer> sources) {
        offsets.add(new OffsetUpdate(partition, nextOffset, sequences, Set.copyOf(sources)));
    }

    /** @return true if the tick of {@code record} (its symbol, time, source and seq) is stored. */
    boolean isStored(final Connection c, final JournalRecord record) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(STORED_SQL)) {
            ps.setString(1, new String(record.symbol, 0, record.symbolLength, StandardCharsets.US_ASCII));
            ps.setLong(2, record.timeMsc);
            ps.setString(3, new String(record.source, 0, record.sourceLength, StandardCharsets.US_ASCII));
            ps.setLong(4, record.seq);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Writes the ticks, the bars they touch, the offsets and the duplicate state, and commits. */
    void commit(final Connection c) throws SQLException {
        if (ticks.size() > 0) {
            encoder.encode(ticks);
            encoder.copyIn(c, COPY_TICKS_SQL);
            recomputeM1(c);
            recomputeHigher(c);
        }
        try (PreparedStatement offset = c.prepareStatement(UPDATE_OFFSET_SQL);
                PreparedStatement source = c.prepareStatement(UPSERT_SOURCE_SQL)) {
            for (final OffsetUpdate u : offsets) {
                offset.setLong(1, u.nextOffset);
                offset.setString(2, topic);
                offset.setInt(3, u.partition);
                offset.addBatch();
                final int bytes = u.sequences.windowBytes();
                for (final Integer sourceId : u.sources) {
                    u.sequences.copyWindow(sourceId, window, 0);
                    final byte[] bits = new byte[bytes];
                    window.getBytes(0, bits);
                    source.setString(1, topic);
                    source.setInt(2, u.partition);
                    source.setString(3, sourceNames.name(sourceId));
                    source.setLong(4, u.sequences.highWaterMark(sourceId));
                    source.setBytes(5, bits);
                    source.addBatch();
                }
            }
            offset.executeBatch();
            source.executeBatch();
        }
        c.commit();
    }

    private void recomputeM1(final Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TICKS_SQL);
                PreparedStatement upsert = c.prepareStatement(UPSERT_M1_SQL)) {
            for (final Map.Entry<String, TreeSet<Long>> e : touchedMinutes.entrySet()) {
                final String symbol = e.getKey();
                final int symbolId = symbols.intern(symbol);
                final boolean usesLast = lastPriceSymbols.contains(symbol);
                // Runs of consecutive minutes, one query each.
                long from = Long.MIN_VALUE;
                long to = Long.MIN_VALUE;
                for (final long minute : e.getValue()) {
                    if (minute != to) {
                        if (from != Long.MIN_VALUE) {
                            readMinutes(ps, upsert, symbol, symbolId, usesLast, from, to);
                        }
                        from = minute;
                    }
                    to = minute + Timeframe.M1.durationMsc();
                }
                readMinutes(ps, upsert, symbol, symbolId, usesLast, from, to);
            }
            upsert.executeBatch();
        }
    }

    /** Builds the M1 bars of {@code [fromMsc, toMsc)} from the stored ticks, in time order, into the batch. */
    private void readMinutes(
            final PreparedStatement ps,
            final PreparedStatement upsert,
            final String symbol,
            final int symbolId,
            final boolean usesLast,
            final long fromMsc,
            final long toMsc)
            throws SQLException {
        ps.setString(1, symbol);
        ps.setLong(2, fromMsc);
        ps.setLong(3, toMsc);
        long open = Long.MIN_VALUE;
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                final long timeMsc = rs.getLong(1);
                final double price = BarMath.price(usesLast, rs.getDouble(2), rs.getDouble(4));
                if (!(price > 0)) {
                    continue;
                }
                final double spread = BarMath.spread(rs.getDouble(2), rs.getDouble(3));
                final double volumeReal = rs.getDouble(5);
                final long order = BarMath.order(rs.getLong(6), rs.getLong(7));
                final long minute = Timeframe.M1.openTime(timeMsc, sessionOffsetMsc);
                if (minute != open) {
                    if (open != Long.MIN_VALUE) {
                        addBar(upsert, symbol);
                    }
                    open = minute;
                    BarMath.open(
                            bars,
                            0,
                            symbolId,
                            Timeframe.M1.ordinal(),
                            minute,
                            timeMsc,
                            order,
                            price,
                            spread,
                            volumeReal);
                } else {
                    BarMath.update(bars, 0, timeMsc, order, price, spread, volumeReal);
                }
            }
        }
        if (open != Long.MIN_VALUE) {
            addBar(upsert, symbol);
        }
    }

    private void addBar(final PreparedStatement upsert, final String symbol) throws SQLException {
        upsert.setString(1, symbol);
        upsert.setLong(2, bar.openTimeMsc());
        BarRowBinder.bindValues(upsert, 3, bar);
        upsert.addBatch();
    }

    private void recomputeHigher(final Connection c) throws SQLException {
        if (higher.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_HIGHER_SQL)) {
            for (final Timeframe tf : higher) {
                final Timeframe from = tf == Timeframe.W1 && keepsD1 ? Timeframe.D1 : Timeframe.M1;
                for (final Map.Entry<String, TreeSet<Long>> e : touchedMinutes.entrySet()) {
                    long last = Long.MIN_VALUE;
                    for (final long minute : e.getValue()) {
                        final long open = tf.openTime(minute, sessionOffsetMsc);
                        if (open == last) {
                            continue;
                        }
                        last = open;
                        ps.setString(1, tf.name());
                        ps.setLong(2, open);
                        ps.setString(3, e.getKey());
                        ps.setString(4, from.name());
                        ps.setLong(5, open);
                        ps.setLong(6, tf.closeTime(open, sessionOffsetMsc));
                        ps.addBatch();
                    }
                }
                // One timeframe at a time: W1 reads the D1 bars written just before.
                ps.executeBatch();
            }
        }
    }

    private record OffsetUpdate(int partition, long nextOffset, SourceSequences sequences, Set<Integer> sources) {}
}
