package io.tickengine.edge;

import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.edge.store.TickAppender;
import io.tickengine.edge.store.TickStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

/** Writes to and reads an agent's buffer directly, as a test arranging or inspecting it (agent stopped or not). */
final class StoredTicks {
    private StoredTicks() {}

    /** Appends fixture ticks {@code [from, to)} through the agent's own {@link TickAppender}, one transaction. */
    static void append(final Path agentDir, final List<TickFiles.Tick> ticks, final int from, final int to)
            throws Exception {
        final NameTable symbols = new NameTable(16);
        final TickBuffer buffer = new TickBuffer(to - from);
        for (int i = from; i < to; i++) {
            final TickFiles.Tick t = ticks.get(i);
            buffer.add(
                    symbols.intern(t.symbol()),
                    t.timeMsc(),
                    t.bid(),
                    t.ask(),
                    t.last(),
                    t.volume(),
                    0,
                    t.flags(),
                    TickBuffer.NO_SOURCE,
                    TickBuffer.NO_SEQ);
        }
        try (TickAppender appender = new TickAppender(TickStore.open(agentDir), Long.MAX_VALUE, 0)) {
            appender.append(buffer, symbols, new NameTable(1), System.currentTimeMillis());
        }
    }

    /** Runs one SQL statement on the agent's buffer, e.g. to plant a row the engine will reject. */
    static void execute(final Path agentDir, final String sql) throws Exception {
        try (Connection db = connect(agentDir);
                Statement s = db.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    /** @return the single number a query gives. */
    static long queryLong(final Path agentDir, final String sql) throws Exception {
        try (Connection db = connect(agentDir);
                Statement s = db.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    /** @return the single text a query gives. */
    static String queryString(final Path agentDir, final String sql) throws Exception {
        try (Connection db = connect(agentDir);
                Statement s = db.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static Connection connect(final Path agentDir) throws Exception {
        return DriverManager.getConnection("jdbc:sqlite:" + agentDir.resolve(TickStore.FILE_NAME));
    }
}
