package io.tickengine.core.symbol;

import io.tickengine.core.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code symbols} table ({@code db/init/*symbols.sql}) and the one place the canonical-name map
 * ({@code EURUSD.m=EURUSD}) is applied: {@link #canonical(String)} turns a broker name into the stored name, {@link
 * #namesOf(String)} goes the other way.
 *
 * <p>Reads come from an in-memory copy, loaded from the table on first use and replaced after each committed
 * {@link #upsert(List)}, so lookups are cheap; the first one and every upsert are blocking JDBC: never call them from
 * an event loop.
 */
public final class SymbolStore {
    private static final String SELECT = "SELECT name, canonical, digits, point, tick_size, contract_size,"
            + " currency_base, currency_profit, currency_margin, description FROM symbols";
    private static final String UPSERT = "INSERT INTO symbols (name, canonical, digits, point, tick_size,"
            + " contract_size, currency_base, currency_profit, currency_margin, description, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET canonical = excluded.canonical,"
            + " digits = excluded.digits, point = excluded.point, tick_size = excluded.tick_size,"
            + " contract_size = excluded.contract_size, currency_base = excluded.currency_base,"
            + " currency_profit = excluded.currency_profit, currency_margin = excluded.currency_margin,"
            + " description = excluded.description, updated_at = excluded.updated_at";

    /**
     * The distinct symbols of {@code market_data} by a loose index scan over its primary key (symbol first): one
     * index probe per symbol, however many bars there are, on PostgreSQL and SQLite alike.
     */
    private static final String STORED = "WITH RECURSIVE s(symbol) AS ("
            + " SELECT (SELECT min(symbol) FROM market_data)"
            + " UNION ALL SELECT (SELECT min(m.symbol) FROM market_data m WHERE m.symbol > s.symbol)"
            + " FROM s WHERE s.symbol IS NOT NULL)"
            + " SELECT symbol FROM s WHERE symbol IS NOT NULL";

    private final Database database;
    private final boolean postgres;
    /** By broker name; replaced whole, never changed in place. {@code null} until loaded. */
    private volatile Map<String, SymbolSpec> byName;

    public SymbolStore(final Database database) {
        this.database = database;
        this.postgres = database.dialect() == Database.Dialect.POSTGRESQL;
    }

    /**
     * Stores the entries, each replacing the row of its broker name, all or none.
     *
     * @throws InvalidSymbol when an entry is invalid, or maps to a canonical name that another stored broker name
     *     maps to with different digits; nothing is stored then.
     */
    public synchronized void upsert(final List<SymbolSpec> specs, final long nowMsc)
            throws SQLException, InvalidSymbol {
        SymbolSpecs.check(specs);
        final Map<String, SymbolSpec> next = new HashMap<>(loaded());
        final java.util.Set<String> replaced = new java.util.HashSet<>();
        specs.forEach(s -> replaced.add(s.name()));
        for (int i = 0; i < specs.size(); i++) {
            final SymbolSpec spec = specs.get(i);
            for (final SymbolSpec stored : next.values()) {
                if (stored.canonical().equals(spec.canonical())
                        && stored.digits() != spec.digits()
                        && !replaced.contains(stored.name())) {
                    final InvalidSymbol conflict = SymbolSpecs.conflict(spec, stored);
                    throw new InvalidSymbol(conflict.getMessage(), i, conflict.field());
                }
            }
        }
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
                for (final SymbolSpec s : specs) {
                    ps.setString(1, s.name());
                    ps.setString(2, s.canonical());
                    ps.setInt(3, s.digits());
                    ps.setDouble(4, s.point());
                    setDouble(ps, 5, s.tickSize());
                    setDouble(ps, 6, s.contractSize());
                    ps.setString(7, s.currencyBase());
                    ps.setString(8, s.currencyProfit());
                    ps.setString(9, s.currencyMargin());
                    ps.setString(10, s.description());
                    if (postgres) {
                        ps.setTimestamp(11, new Timestamp(nowMsc));
                    } else {
                        ps.setLong(11, nowMsc);
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (final SQLException e) {
                c.rollback();
                throw e;
            }
        }
        for (final SymbolSpec s : specs) {
            next.put(s.name(), s);
        }
        byName = Map.copyOf(next);
    }

    /** @return the names candles are stored under, in order: imported and live symbols alike. Blocking JDBC. */
    public List<String> storedNames() throws SQLException {
        final List<String> names = new ArrayList<>();
        try (Connection c = database.connect();
                PreparedStatement ps = c.prepareStatement(STORED);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    /**
     * @return the open time of the newest stored bar of {@code symbol} and {@code timeframe}, epoch ms, or -1 when
     *     there is none: one probe of the primary key. Blocking JDBC.
     */
    public long lastOpenMsc(final String symbol, final String timeframe) throws SQLException {
        final String sql = postgres
                ? "SELECT (extract(epoch FROM max(open_time)) * 1000)::bigint FROM market_data"
                        + " WHERE symbol = ? AND timeframe = ?"
                : "SELECT max(open_time) FROM market_data WHERE symbol = ? AND timeframe = ?";
        try (Connection c = database.connect();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, symbol);
            ps.setString(2, timeframe);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return -1;
                }
                final long last = rs.getLong(1);
                return rs.wasNull() ? -1 : last;
            }
        }
    }

    /** @return every stored symbol, by broker name. */
    public List<SymbolSpec> all() throws SQLException {
        final List<SymbolSpec> all = new ArrayList<>(loaded().values());
        all.sort(Comparator.comparing(SymbolSpec::name));
        return all;
    }

    /**
     * @param name a broker or canonical name.
     * @return the symbols whose broker name or canonical name is {@code name}: both names find the same entries.
     */
    public List<SymbolSpec> namesOf(final String name) throws SQLException {
        final List<SymbolSpec> found = new ArrayList<>();
        final SymbolSpec direct = loaded().get(name);
        final String canonical = direct == null ? name : direct.canonical();
        for (final SymbolSpec s : all()) {
            if (s.canonical().equals(canonical) || s.name().equals(name)) {
                found.add(s);
            }
        }
        return found;
    }

    /** @return the name {@code name} is stored under: its canonical name when it is a known broker name, else itself. */
    public String canonical(final String name) throws SQLException {
        final SymbolSpec spec = loaded().get(name);
        return spec == null ? name : spec.canonical();
    }

    /**
     * @param storedName a name candles and ticks are stored under.
     * @return the spec that gives its digits and point (its own entry, or one of the broker names mapped to it), or
     *     {@code null} when no entry knows it.
     */
    public SymbolSpec specOf(final String storedName) throws SQLException {
        final Map<String, SymbolSpec> specs = loaded();
        final SymbolSpec own = specs.get(storedName);
        if (own != null && own.canonical().equals(storedName)) {
            return own;
        }
        for (final SymbolSpec s : specs.values()) {
            if (s.canonical().equals(storedName)) {
                return s;
            }
        }
        return own;
    }

    private Map<String, SymbolSpec> loaded() throws SQLException {
        Map<String, SymbolSpec> map = byName;
        if (map == null) {
            synchronized (this) {
                map = byName;
                if (map == null) {
                    map = load();
                    byName = map;
                }
            }
        }
        return map;
    }

    private Map<String, SymbolSpec> load() throws SQLException {
        final Map<String, SymbolSpec> map = new HashMap<>();
        try (Connection c = database.connect();
                PreparedStatement ps = c.prepareStatement(SELECT);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                final SymbolSpec s = new SymbolSpec(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getInt(3),
                        rs.getDouble(4),
                        getDouble(rs, 5),
                        getDouble(rs, 6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getString(9),
                        rs.getString(10));
                map.put(s.name(), s);
            }
        }
        return Map.copyOf(map);
    }

    private static void setDouble(final PreparedStatement ps, final int i, final double value) throws SQLException {
        if (Double.isNaN(value)) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, value);
        }
    }

    private static double getDouble(final ResultSet rs, final int i) throws SQLException {
        final double value = rs.getDouble(i);
        return rs.wasNull() ? Double.NaN : value;
    }
}
