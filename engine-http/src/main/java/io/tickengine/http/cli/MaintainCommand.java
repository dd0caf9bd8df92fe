package io.tickengine.http.cli;

import io.tickengine.core.EngineContext;
import io.tickengine.core.datadir.DataDirInUseException;
import io.tickengine.core.datadir.DataDirLock;
import io.tickengine.core.journal.TickJournal;
import io.tickengine.core.store.Database;
import io.tickengine.core.store.StoreException;
import io.tickengine.core.store.Stores;
import io.tickengine.core.store.TickStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code tick-engine maintain}: the housekeeping the old {@code db_maintenance.sh} did, safe beside a running engine.
 * Never touches a candle. Prints each step and what it freed, measured (bytes on disk before and after).
 *
 * <ul>
 *   <li>Journal: which index a restart still needs and why (candle checkpoint, oldest open bar, tick store); files
 *       past {@code journal.retention.days} below it are purged here when the engine is stopped, and by the engine
 *       itself (hourly) while it runs: a second process never deletes files under a running engine's journal.
 *   <li>Ticks: rows older than {@code ticks.retention.days} (0 keeps them all) are deleted, as the engine does.
 *   <li>PostgreSQL: {@code VACUUM (ANALYZE)} of every engine table; TimescaleDB: the compression state of each
 *       hypertable and its policy jobs.
 *   <li>SQLite: {@code wal_checkpoint(TRUNCATE)} and, when the file allows it, {@code incremental_vacuum}; pages
 *       left free are reported (a full {@code VACUUM} needs the engine stopped: it is run then).
 * </ul>
 */
@Command(
        name = "maintain",
        mixinStandardHelpOptions = true,
        description = {
            "Housekeeping, safe while the engine runs; changes no candle.",
            "Journal purge (what can go and why the rest stays), tick retention (ticks.retention.days),",
            "VACUUM (ANALYZE) and TimescaleDB compression status on PostgreSQL, checkpoint and vacuum on SQLite.",
            "Prints what it did and the bytes it freed."
        })
public final class MaintainCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    private final PrintStream out;

    public MaintainCommand() {
        this(System.out);
    }

    MaintainCommand(final PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        final EngineContext context = config.engineContext();
        DataDirLock lock = null;
        try {
            lock = DataDirLock.acquire(context.dataDir(), "maintain");
            out.println("maintain: the engine is not running on " + context.dataDir() + " (lock taken)");
        } catch (final DataDirInUseException e) {
            out.println("maintain: the engine is running [" + e.getMessage() + "]: online steps only");
        }
        try (Database database = Stores.openDatabase(context)) {
            final long journalIndex = journal(context, database, lock != null);
            ticks(context, database);
            if (database.dialect() == Database.Dialect.POSTGRESQL) {
                postgres(database);
            } else {
                sqlite(database, lock != null);
            }
            out.println("maintain: done [restartNeedsJournalFrom=" + journalIndex + "]");
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
        return 0;
    }

    /** @return the oldest journal index a restart needs. */
    private long journal(final EngineContext context, final Database database, final boolean stopped)
            throws SQLException, IOException {
        final long checkpoint;
        final long oldestOpenBar;
        final long tickStore;
        try (Connection c = database.connect()) {
            checkpoint = single(c, "SELECT journal_index FROM engine_checkpoint", -1);
            oldestOpenBar = single(c, "SELECT MIN(replay_from_index) FROM engine_symbol_state", Long.MAX_VALUE);
            tickStore = single(c, "SELECT journal_index FROM engine_tick_store", -1);
        }
        final long keep = Math.min(Math.min(checkpoint + 1, oldestOpenBar), tickStore + 1);
        final Path dir = context.journalDir();
        final long before = journalBytes(dir);
        out.printf(
                "maintain: journal [dir=%s, files=%d, bytes=%d]: a restart needs index %d on [checkpoint=%d, "
                        + "oldestOpenBar=%s, tickStore=%d]; files older than journal.retention.days=%d below it can go%n",
                dir,
                journalFiles(dir).size(),
                before,
                keep,
                checkpoint,
                oldestOpenBar == Long.MAX_VALUE ? "none" : Long.toString(oldestOpenBar),
                tickStore,
                context.journalRetentionDays());
        if (checkpoint < 0 || context.journalRetentionDays() == 0) {
            out.println("maintain: journal kept whole (no checkpoint yet, or journal.retention.days=0)");
        } else if (!stopped) {
            out.println("maintain: journal purge left to the running engine (hourly, same rule)");
        } else if (!"none".equals(context.journalMirror())) {
            // How far the mirror has shipped is known from the topic, by the engine: never purge past it blind.
            out.printf(
                    "maintain: journal kept whole: journal.mirror=%s ships from it; the running engine purges what"
                            + " is shipped (hourly, same rule)%n",
                    context.journalMirror());
        } else if (Files.isDirectory(dir)) {
            final int deleted;
            try (TickJournal journal = TickJournal.open(dir, context.journalRollCycle())) {
                deleted = journal.purge(
                        keep, System.currentTimeMillis() - TimeUnit.DAYS.toMillis(context.journalRetentionDays()));
            }
            out.printf("maintain: journal purged [files=%d, freedBytes=%d]%n", deleted, before - journalBytes(dir));
        }
        return keep;
    }

    private void ticks(final EngineContext context, final Database database) throws StoreException {
        if (context.ticksRetentionDays() == 0) {
            out.println("maintain: ticks kept (ticks.retention.days=0)");
            return;
        }
        final long olderThanMsc = System.currentTimeMillis() - TimeUnit.DAYS.toMillis(context.ticksRetentionDays());
        try (TickStore ticks = Stores.openTickStore(database)) {
            final TickStore.Purged purged = ticks.deleteOlderThan(olderThanMsc);
            out.printf(
                    "maintain: ticks past retention deleted [rows=%d, chunks=%d, days=%d]%n",
                    purged.rows(), purged.chunks(), context.ticksRetentionDays());
        }
    }

    private void postgres(final Database database) throws SQLException {
        try (Connection c = database.connect()) {
            final List<String> tables = strings(
                    c,
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                            + " AND table_type = 'BASE TABLE' ORDER BY table_name");
            final long before = single(c, "SELECT pg_database_size(current_database())", 0);
            try (Statement s = c.createStatement()) {
                for (final String table : tables) {
                    s.execute("VACUUM (ANALYZE) \"" + table.replace("\"", "\"\"") + "\"");
                }
            }
            final long after = single(c, "SELECT pg_database_size(current_database())", 0);
            out.printf(
                    "maintain: VACUUM (ANALYZE) [tables=%d, databaseBytesBefore=%d, after=%d, freedBytes=%d]%n",
                    tables.size(), before, after, Math.max(0, before - after));
            if (single(c, "SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'", 0) == 0) {
                out.println("maintain: TimescaleDB not installed (plain PostgreSQL tables)");
                return;
            }
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT h.hypertable_name, h.compression_enabled,"
                            + " (SELECT count(*) FROM timescaledb_information.chunks k WHERE k.hypertable_name ="
                            + " h.hypertable_name), (SELECT count(*) FROM timescaledb_information.chunks k"
                            + " WHERE k.hypertable_name = h.hypertable_name AND k.is_compressed),"
                            + " (SELECT string_agg(j.proc_name || CASE WHEN j.scheduled THEN '' ELSE '(paused)' END,"
                            + " ',') FROM timescaledb_information.jobs j WHERE j.hypertable_name = h.hypertable_name)"
                            + " FROM timescaledb_information.hypertables h WHERE h.hypertable_schema ="
                            + " current_schema() ORDER BY 1")) {
                while (rs.next()) {
                    out.printf(
                            "maintain: TimescaleDB %s [compression=%s, chunks=%d, compressed=%d, jobs=%s]%n",
                            rs.getString(1),
                            rs.getBoolean(2) ? "on" : "off",
                            rs.getLong(3),
                            rs.getLong(4),
                            rs.getString(5) == null ? "none" : rs.getString(5));
                }
            }
        }
    }

    private void sqlite(final Database database, final boolean stopped) throws SQLException {
        final Path file = database.sqliteFile();
        final long before = sqliteBytes(file);
        try (Connection c = database.connect();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                final boolean busy = rs.next() && rs.getInt(1) != 0;
                out.println("maintain: SQLite WAL checkpoint" + (busy ? " (partial: the engine was writing)" : ""));
            }
            final long autoVacuum = single(c, "PRAGMA auto_vacuum", 0);
            if (autoVacuum == 2) {
                s.execute("PRAGMA incremental_vacuum");
                out.println("maintain: SQLite incremental vacuum");
            } else if (stopped) {
                s.execute("VACUUM");
                out.println("maintain: SQLite VACUUM (the engine is stopped)");
            }
            final long free = single(c, "PRAGMA freelist_count", 0) * single(c, "PRAGMA page_size", 0);
            s.execute("PRAGMA optimize");
            out.printf(
                    "maintain: SQLite [file=%s, bytesBefore=%d, after=%d, freedBytes=%d, freePagesBytes=%d%s]%n",
                    file,
                    before,
                    sqliteBytes(file),
                    Math.max(0, before - sqliteBytes(file)),
                    free,
                    free > 0 && !stopped && autoVacuum != 2 ? ", a full VACUUM runs when the engine is stopped" : "");
        }
    }

    private static long sqliteBytes(final Path file) {
        long bytes = 0;
        for (final String suffix : new String[] {"", "-wal", "-shm"}) {
            final Path p = file.resolveSibling(file.getFileName() + suffix);
            try {
                bytes += Files.exists(p) ? Files.size(p) : 0;
            } catch (final IOException e) {
                // Gone meanwhile (the checkpoint deletes nothing, but a closing engine may): counts as 0.
            }
        }
        return bytes;
    }

    private static List<Path> journalFiles(final Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".cq4"))
                    .sorted()
                    .toList();
        }
    }

    private static long journalBytes(final Path dir) throws IOException {
        long bytes = 0;
        for (final Path file : journalFiles(dir)) {
            bytes += Files.size(file);
        }
        return bytes;
    }

    private static long single(final Connection c, final String sql, final long otherwise) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                return otherwise;
            }
            final long value = rs.getLong(1);
            return rs.wasNull() ? otherwise : value;
        }
    }

    private static List<String> strings(final Connection c, final String sql) throws SQLException {
        final List<String> values = new java.util.ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
