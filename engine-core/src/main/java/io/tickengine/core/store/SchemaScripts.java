package io.tickengine.core.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The {@code db/init} scripts, read from the classpath (the build copies them into this jar). */
public final class SchemaScripts {
    /** PostgreSQL scripts, in the order they are applied. */
    public static final List<String> POSTGRESQL = List.of(
            "db/init/postgresql/001_market_data.sql",
            "db/init/postgresql/002_engine_state.sql",
            "db/init/postgresql/003_signals.sql",
            "db/init/postgresql/004_features.sql",
            "db/init/postgresql/005_ticks.sql",
            "db/init/postgresql/006_rejected_bars.sql",
            "db/init/postgresql/007_symbols.sql",
            "db/init/postgresql/008_kafka_journal.sql",
            "db/init/postgresql/009_tick_retention.sql");
    /**
     * PostgreSQL roles and grants: applied by {@code tick-engine db init} only (it needs a role that may create
     * roles), every time, after the scripts above, so grants cover every table and view there is.
     */
    public static final List<String> POSTGRESQL_ROLES = List.of("db/init/postgresql/900_roles.sql");
    /** SQLite scripts, in the order they are applied. */
    public static final List<String> SQLITE = List.of(
            "db/init/sqlite/001_core.sql",
            "db/init/sqlite/002_signals.sql",
            "db/init/sqlite/003_features.sql",
            "db/init/sqlite/004_ticks.sql",
            "db/init/sqlite/005_rejected_bars.sql",
            "db/init/sqlite/006_symbols.sql");

    private SchemaScripts() {}

    /** @return the text of a script. */
    public static String read(final String path) {
        try (InputStream in = SchemaScripts.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("schema script missing from the classpath [path=" + path + "]");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new IllegalStateException("cannot read schema script [path=" + path + "]", e);
        }
    }

    /** Splits a script without procedural blocks into statements (for drivers that run one at a time). */
    public static List<String> statements(final String script) {
        final List<String> statements = new ArrayList<>();
        final StringBuilder current = new StringBuilder();
        for (final String line : script.split("\n", -1)) {
            final String trimmed = line.trim();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                statements.add(current.toString().trim());
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().trim());
        }
        return statements;
    }
}
