package io.tickengine.http.cli;

import io.tickengine.core.EngineContext;
import io.tickengine.core.store.Database;
import io.tickengine.core.store.SchemaMigrator;
import io.tickengine.core.store.Stores;
import java.io.PrintStream;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.postgresql.PGConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tick-engine db init | status}: the schema of {@code db/init}, roles and grants. */
@Command(
        name = "db",
        mixinStandardHelpOptions = true,
        description = "Database schema and roles.",
        subcommands = {DbCommand.Init.class, DbCommand.Status.class})
public final class DbCommand {
    public DbCommand() {}

    /** Applies pending scripts and (PostgreSQL) the roles and grants; sets role passwords from the environment. */
    @Command(
            name = "init",
            mixinStandardHelpOptions = true,
            description = {
                "Create or update the schema (idempotent: safe to run again).",
                "On PostgreSQL also creates the roles tick_owner, mt5_app and tick_reader with least privilege",
                "(connect as a role that may create roles, e.g. postgres) and sets their passwords from",
                "TICK_DB_OWNER_PASSWORD, TICK_DB_APP_PASSWORD and TICK_DB_READER_PASSWORD when those are set.",
                "Then run the engine as mt5_app with --set db.schema.init=false."
            })
    public static final class Init implements Callable<Integer> {
        private static final Map<String, String> PASSWORD_VARIABLES = Map.of(
                "tick_owner", "TICK_DB_OWNER_PASSWORD",
                "mt5_app", "TICK_DB_APP_PASSWORD",
                "tick_reader", "TICK_DB_READER_PASSWORD");

        @Mixin
        ConfigOptions config;

        private final PrintStream out;
        private final Map<String, String> environment;

        public Init() {
            this(System.out, System.getenv());
        }

        Init(final PrintStream out, final Map<String, String> environment) {
            this.out = out;
            this.environment = environment;
        }

        @Override
        public Integer call() throws Exception {
            final EngineContext context = config.engineContext();
            try (Database database = Stores.openDatabase(context)) {
                final List<String> applied = withDatabase(
                        context,
                        database,
                        () -> SchemaMigrator.init(database, line -> out.println("db init: " + line)));
                applied.forEach(script -> out.println("db init: applied " + script));
                if (database.dialect() == Database.Dialect.POSTGRESQL) {
                    setPasswords(database);
                }
                out.println("db init: schema up to date [store=" + database.describe() + "]");
            }
            return 0;
        }

        private void setPasswords(final Database database) throws java.sql.SQLException {
            try (Connection c = database.connect()) {
                final PGConnection pg = c.unwrap(PGConnection.class);
                for (final Map.Entry<String, String> role : PASSWORD_VARIABLES.entrySet()) {
                    final String password = environment.get(role.getValue());
                    if (password != null && !password.isEmpty()) {
                        // Hashed on this side (SCRAM): the password never travels in SQL text.
                        pg.alterUserPassword(role.getKey(), password.toCharArray(), null);
                        out.println("db init: password set [role=" + role.getKey() + "]");
                    }
                }
            }
        }
    }

    /** Work that needs the database, e.g. a migration. */
    interface DatabaseWork<T> {
        T run() throws java.sql.SQLException;
    }

    /**
     * Retries {@code work} while the database is unreachable, up to {@code db.startup.timeout.ms}; a failure says why
     * in plain words ({@link Database#reason}).
     */
    static <T> T withDatabase(final EngineContext context, final Database database, final DatabaseWork<T> work)
            throws java.sql.SQLException {
        final long deadlineNs = System.nanoTime() + context.dbStartupTimeoutMs() * 1_000_000L;
        while (true) {
            try {
                return work.run();
            } catch (final java.sql.SQLException e) {
                final String state = e.getSQLState();
                final boolean unreachable = state == null || state.startsWith("08");
                final String reason = database.reason(e);
                if (!unreachable || System.nanoTime() - deadlineNs > 0) {
                    throw new java.sql.SQLException(
                            "database failed [store=" + database.describe() + ", reason=" + reason + "]",
                            e.getSQLState(),
                            e);
                }
                System.err.println("db: waiting for the database [reason=" + reason + "]");
                java.util.concurrent.locks.LockSupport.parkNanos(500_000_000L);
            }
        }
    }

    /** Lists the scripts that {@code db init} would apply. */
    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "Show the schema scripts not applied yet and (TimescaleDB) the tables db init would convert.")
    public static final class Status implements Callable<Integer> {
        @Mixin
        ConfigOptions config;

        private final PrintStream out;

        public Status() {
            this(System.out);
        }

        Status(final PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws Exception {
            try (Database database = Stores.openDatabase(config.engineContext())) {
                final List<Object> pending = withDatabase(config.engineContext(), database, () -> {
                    final List<Object> steps = new java.util.ArrayList<>(SchemaMigrator.pending(database));
                    steps.addAll(SchemaMigrator.conversions(database));
                    return steps;
                });
                out.println(pending.isEmpty() ? "db status: up to date" : "db status: pending " + pending);
                return pending.isEmpty() ? 0 : 3;
            }
        }
    }
}
