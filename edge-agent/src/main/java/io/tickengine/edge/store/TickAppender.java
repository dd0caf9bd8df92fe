package io.tickengine.edge.store;

import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Stores the ticks of accepted requests: one durable transaction ({@code synchronous=FULL}) per request, committed
 * before the request is answered.
 *
 * <p>Like the engine, it drops a tick whose sender ({@code source}) already sent its {@code seq}, so an EA that
 * resends a request whose answer it missed does not store its ticks twice. Ticks without a source are all stored.
 *
 * <p>Thread-safe: {@link #append} is serialized (SQLite has one writer at a time anyway); callers parse outside.
 */
public final class TickAppender implements AutoCloseable {
    /** What became of a request. */
    public enum Outcome {
        /** Committed: every tick but the duplicates is on disk. */
        STORED,
        /** Stored nothing: the backlog would pass {@code buffer.max.ticks}. */
        BUFFER_FULL,
        /** Stored nothing: the disk has less free space than {@code buffer.min.free.mb}. */
        DISK_FULL
    }

    /**
     * @param accepted ticks stored.
     * @param duplicates ticks dropped because their sender had already sent that seq.
     */
    public record Appended(Outcome outcome, int accepted, int duplicates) {}

    private static final int NOT_CACHED = -1;

    private final TickStore store;
    private final long maxBacklog;
    private final DiskSpace disk;
    private final Connection connection;
    private final Statement control;
    private final PreparedStatement insertTick;
    private final PreparedStatement insertSymbol;
    private final PreparedStatement selectSymbol;
    private final PreparedStatement upsertSender;
    private final PreparedStatement lastRowId;
    /** Symbol id in the parser's {@link NameTable} to id in the {@code symbols} table, once committed. */
    private int[] symbolIds = new int[64];
    /** Highest seq stored per sender, as committed. */
    private final Map<String, Long> senderSeqs = new HashMap<>();

    private boolean[] duplicate = new boolean[1024];

    /**
     * @param maxBacklog most ticks waiting to be forwarded before requests get {@link Outcome#BUFFER_FULL}.
     * @param minFreeBytes free disk space below which requests get {@link Outcome#DISK_FULL}.
     */
    public TickAppender(final TickStore store, final long maxBacklog, final long minFreeBytes)
            throws SQLException, IOException {
        this.store = store;
        this.maxBacklog = maxBacklog;
        this.disk = DiskSpace.of(store.file(), minFreeBytes);
        this.connection = store.connect(true);
        try {
            control = connection.createStatement();
            insertTick = connection.prepareStatement("INSERT INTO ticks"
                    + "(symbol_id, time_msc, bid, ask, last, volume, volume_real, flags, received_msc)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
            insertSymbol = connection.prepareStatement("INSERT OR IGNORE INTO symbols(name) VALUES (?)");
            selectSymbol = connection.prepareStatement("SELECT id FROM symbols WHERE name = ?");
            upsertSender = connection.prepareStatement("INSERT INTO sender_seq(source, seq) VALUES (?, ?)"
                    + " ON CONFLICT(source) DO UPDATE SET seq = excluded.seq");
            lastRowId = connection.prepareStatement("SELECT last_insert_rowid()");
            try (ResultSet rs = control.executeQuery("SELECT source, seq FROM sender_seq")) {
                while (rs.next()) {
                    senderSeqs.put(rs.getString(1), rs.getLong(2));
                }
            }
        } catch (final SQLException e) {
            connection.close();
            throw e;
        }
        Arrays.fill(symbolIds, NOT_CACHED);
    }

    /**
     * Stores the ticks of one request in one transaction, all or nothing.
     *
     * @param ticks validated ticks, as the parser left them.
     * @param symbols the table the parser interned symbols in.
     * @param sources the table the parser interned sources in.
     * @param receivedMsc the time of arrival, for retention and backlog age.
     * @throws SQLException if the transaction failed; nothing of the request is stored then.
     */
    public synchronized Appended append(
            final TickBuffer ticks, final NameTable symbols, final NameTable sources, final long receivedMsc)
            throws SQLException {
        final int n = ticks.size();
        if (store.backlog() + n > maxBacklog) {
            return new Appended(Outcome.BUFFER_FULL, 0, 0);
        }
        // Unknown free space: let SQLite report a full disk itself.
        if (disk.isLow()) {
            return new Appended(Outcome.DISK_FULL, 0, 0);
        }
        final Map<String, Long> newSenderSeqs = new HashMap<>();
        final int duplicates = markDuplicates(ticks, sources, newSenderSeqs);
        if (duplicates == n) {
            // A resend of ticks already on disk: nothing to write, and no fsync to wait for.
            return new Appended(Outcome.STORED, 0, n);
        }
        final Map<Integer, Integer> newSymbolIds = new HashMap<>();
        TickStore.begin(control);
        try {
            for (int i = 0; i < n; i++) {
                if (duplicate[i]) {
                    continue;
                }
                insertTick.setInt(1, symbolId(ticks.symbolId(i), symbols, newSymbolIds));
                insertTick.setLong(2, ticks.timeMsc(i));
                insertTick.setDouble(3, ticks.bid(i));
                insertTick.setDouble(4, ticks.ask(i));
                insertTick.setDouble(5, ticks.last(i));
                insertTick.setLong(6, ticks.volume(i));
                insertTick.setDouble(7, ticks.volumeReal(i));
                insertTick.setInt(8, ticks.flags(i));
                insertTick.setLong(9, receivedMsc);
                insertTick.addBatch();
            }
            insertTick.executeBatch();
            for (final Map.Entry<String, Long> sender : newSenderSeqs.entrySet()) {
                upsertSender.setString(1, sender.getKey());
                upsertSender.setLong(2, sender.getValue());
                upsertSender.executeUpdate();
            }
            final long lastSeq;
            try (ResultSet rs = lastRowId.executeQuery()) {
                lastSeq = rs.next() ? rs.getLong(1) : 0;
            }
            TickStore.commit(control);
            // Caches change only once the transaction is on disk, so a rollback leaves nothing behind.
            senderSeqs.putAll(newSenderSeqs);
            for (final Map.Entry<Integer, Integer> symbol : newSymbolIds.entrySet()) {
                cacheSymbolId(symbol.getKey(), symbol.getValue());
            }
            store.advanceLastSeq(lastSeq);
            return new Appended(Outcome.STORED, n - duplicates, duplicates);
        } catch (final SQLException | RuntimeException e) {
            insertTick.clearBatch();
            TickStore.rollbackQuietly(control);
            throw e;
        }
    }

    /** @return how many ticks are duplicates; flags them in {@link #duplicate} and collects the senders' new marks. */
    private int markDuplicates(final TickBuffer ticks, final NameTable sources, final Map<String, Long> newMarks) {
        final int n = ticks.size();
        if (duplicate.length < n) {
            duplicate = new boolean[Math.max(n, duplicate.length * 2)];
        }
        int duplicates = 0;
        for (int i = 0; i < n; i++) {
            duplicate[i] = false;
            final long seq = ticks.seq(i);
            if (seq == TickBuffer.NO_SEQ || ticks.sourceId(i) == TickBuffer.NO_SOURCE) {
                continue;
            }
            final String sender = sources.name(ticks.sourceId(i));
            final long mark = newMarks.getOrDefault(sender, senderSeqs.getOrDefault(sender, 0L));
            if (seq <= mark) {
                duplicate[i] = true;
                duplicates++;
            } else {
                newMarks.put(sender, seq);
            }
        }
        return duplicates;
    }

    private int symbolId(final int nameId, final NameTable symbols, final Map<Integer, Integer> pending)
            throws SQLException {
        if (nameId < symbolIds.length && symbolIds[nameId] != NOT_CACHED) {
            return symbolIds[nameId];
        }
        final Integer known = pending.get(nameId);
        if (known != null) {
            return known;
        }
        final String name = symbols.name(nameId);
        insertSymbol.setString(1, name);
        insertSymbol.executeUpdate();
        selectSymbol.setString(1, name);
        try (ResultSet rs = selectSymbol.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("symbol not found after insert [symbol=" + name + "]");
            }
            final int id = rs.getInt(1);
            pending.put(nameId, id);
            return id;
        }
    }

    private void cacheSymbolId(final int nameId, final int dbId) {
        if (nameId >= symbolIds.length) {
            final int old = symbolIds.length;
            symbolIds = Arrays.copyOf(symbolIds, Math.max(nameId + 1, old * 2));
            Arrays.fill(symbolIds, old, symbolIds.length, NOT_CACHED);
        }
        symbolIds[nameId] = dbId;
    }

    /** @return the space of the buffer's disk. */
    public DiskSpace disk() {
        return disk;
    }

    @Override
    public synchronized void close() throws SQLException {
        connection.close();
    }
}
