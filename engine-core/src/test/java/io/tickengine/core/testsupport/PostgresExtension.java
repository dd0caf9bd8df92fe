package io.tickengine.core.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Gives tests a real PostgreSQL database: register with {@code @ExtendWith(PostgresExtension.class)} and declare a
 * {@link PgDatabase} parameter on the constructor, a {@code @BeforeAll}/{@code @BeforeEach} method or a test method.
 *
 * <p>Every test class (each {@code @Nested} class included) gets its own freshly created, empty database, named
 * {@code t_<class name>_<random>}; all {@code PgDatabase} parameters resolved within that class are the same database.
 * It is dropped when the class finishes.
 *
 * <p>The server is chosen once per JVM:
 *
 * <ul>
 *   <li>if the environment variable {@value #URL_ENV} is set, it is the JDBC URL of an existing database on the server
 *       to use, e.g. {@code jdbc:postgresql://host:5432/postgres?user=u&password=p}; the user must be allowed to
 *       {@code CREATE DATABASE}, and the server must be PostgreSQL 13 or newer;
 *   <li>otherwise a {@link LocalPostgres} cluster is started from the locally installed server binaries on first use
 *       and shared by all test classes; it is stopped and deleted when the test run ends. Missing binaries fail the
 *       tests with a message that says what to install; nothing is skipped.
 * </ul>
 *
 * <p>A class annotated {@link TimescaleDb} gets a database with the TimescaleDB extension ({@code ts_...}); every
 * other class a plain PostgreSQL one ({@code t_...}), on the same server. The local cluster preloads the TimescaleDB
 * library with telemetry off when it is installed ({@link LocalPostgres}).
 *
 * <p>Tests that need to stop and restart a server (outage tests) use {@link #startDedicated()} instead.
 */
public final class PostgresExtension implements ParameterResolver, ExecutionCondition {

    /** What to run when TimescaleDB is missing; part of every message about it. */
    public static final String INSTALL_HINT =
            "TimescaleDB is not installed: run ../shared/tools/install-timescaledb.sh as root (about 90 s)";

    /** Environment variable naming an existing server to use instead of a local cluster. */
    public static final String URL_ENV = "TICK_PG_URL";

    private static final Namespace NAMESPACE = Namespace.create(PostgresExtension.class);
    private static final String SERVER_KEY = "server";
    private static final int MAX_IDENTIFIER_LENGTH = 63;
    private static final Pattern SERVER_URL = Pattern.compile("^(jdbc:postgresql://[^/?]*)(/[^?]*)?(\\?.*)?$");

    /**
     * Starts a new cluster that belongs to the caller alone, for tests that stop and start the server, e.g. with
     * {@link LocalPostgres#stopImmediate()}. It needs locally installed server binaries even when {@value #URL_ENV} is
     * set. The caller must close it, preferably with try-with-resources.
     */
    public static LocalPostgres startDedicated() {
        return LocalPostgres.start();
    }

    /**
     * Skips a {@link TimescaleDb} class when the library is missing, except in CI ({@code CI=true}), where the
     * database creation fails instead with {@link #INSTALL_HINT}.
     */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        boolean wantsTimescale =
                context.getTestClass().map(PostgresExtension::wantsTimescale).orElse(false);
        if (!wantsTimescale || inCi() || externalServer() || LocalPostgres.timescaledbInstalled()) {
            return ConditionEvaluationResult.enabled("TimescaleDB available or required");
        }
        return ConditionEvaluationResult.disabled(INSTALL_HINT + " (skipped outside CI; CI=true fails instead)");
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == PgDatabase.class;
    }

    @Override
    public PgDatabase resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        ExtensionContext classContext = classContext(extensionContext);
        Class<?> testClass = classContext.getRequiredTestClass();
        Server server = extensionContext
                .getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(SERVER_KEY, key -> Server.fromEnvironment(), Server.class);
        return classContext
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(
                        testClass,
                        key -> new ClassDatabase(server, server.createDatabase(testClass)),
                        ClassDatabase.class)
                .database();
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        Optional<ExtensionContext> current = Optional.of(context);
        while (current.isPresent()) {
            ExtensionContext candidate = current.get();
            if (candidate.getElement().filter(Class.class::isInstance).isPresent()) {
                return candidate;
            }
            current = candidate.getParent();
        }
        throw new ParameterResolutionException(
                "PgDatabase can only be injected within a test class [context=" + context.getUniqueId() + "]");
    }

    private static boolean wantsTimescale(Class<?> testClass) {
        return AnnotationSupport.isAnnotated(testClass, TimescaleDb.class);
    }

    private static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    private static boolean externalServer() {
        String url = System.getenv(URL_ENV);
        return url != null && !url.isBlank();
    }

    private static String databaseName(Class<?> testClass, String prefix) {
        String className = testClass.getName().substring(testClass.getName().lastIndexOf('.') + 1);
        String sanitized = className.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        String suffix = "_" + UUID.randomUUID().toString().substring(0, 8);
        int room = MAX_IDENTIFIER_LENGTH - prefix.length() - suffix.length();
        return prefix + sanitized.substring(0, Math.min(room, sanitized.length())) + suffix;
    }

    /** The server test databases are created on; closing it stops a local cluster. */
    private static final class Server implements AutoCloseable {

        private final String adminUrl;
        private final LocalPostgres localCluster;

        private Server(String adminUrl, LocalPostgres localCluster) {
            this.adminUrl = adminUrl;
            this.localCluster = localCluster;
        }

        static Server fromEnvironment() {
            String url = System.getenv(URL_ENV);
            if (url != null && !url.isBlank()) {
                return new Server(url.trim(), null);
            }
            LocalPostgres cluster = LocalPostgres.start();
            return new Server(cluster.adminJdbcUrl(), cluster);
        }

        PgDatabase createDatabase(Class<?> testClass) {
            boolean timescale = wantsTimescale(testClass);
            if (timescale && localCluster != null && !localCluster.timescaledb()) {
                throw new IllegalStateException(
                        INSTALL_HINT + " [test=" + testClass.getName() + ", server=" + localCluster + "]");
            }
            String name = databaseName(testClass, timescale ? "ts_" : "t_");
            execute("CREATE DATABASE " + LocalPostgres.quoteIdentifier(name), name);
            String url = urlFor(name);
            if (timescale) {
                try {
                    createTimescaleExtension(url, name, testClass);
                } catch (RuntimeException e) {
                    dropDatabase(name);
                    throw e;
                }
            }
            Properties parsed = org.postgresql.Driver.parseURL(url, null);
            String user = parsed == null ? "" : parsed.getProperty("user", "");
            String password = parsed == null ? "" : parsed.getProperty("password", "");
            return new PgDatabase(url, user, password, name);
        }

        private void createTimescaleExtension(String url, String name, Class<?> testClass) {
            try (Connection connection = DriverManager.getConnection(url);
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE EXTENSION IF NOT EXISTS timescaledb");
                try (var rs =
                        statement.executeQuery("SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'")) {
                    rs.next();
                    System.out.println("[postgres-extension] TimescaleDB " + rs.getString(1) + " [database=" + name
                            + ", test=" + testClass.getName() + "]");
                }
            } catch (SQLException e) {
                throw new IllegalStateException(
                        "CREATE EXTENSION timescaledb failed [database=" + name + ", server=" + redacted() + "]. "
                                + INSTALL_HINT + "; a server must start with -c shared_preload_libraries=timescaledb"
                                + " -c timescaledb.telemetry_level=off",
                        e);
            }
        }

        void dropDatabase(String name) {
            execute("DROP DATABASE IF EXISTS " + LocalPostgres.quoteIdentifier(name) + " WITH (FORCE)", name);
        }

        private String urlFor(String database) {
            Matcher matcher = SERVER_URL.matcher(adminUrl);
            if (!matcher.matches()) {
                throw new IllegalStateException(URL_ENV + " must look like"
                        + " jdbc:postgresql://host:port/db?user=...&password=... [url=" + redacted() + "]");
            }
            String parameters = matcher.group(3) == null ? "" : matcher.group(3);
            return matcher.group(1) + "/" + database + parameters;
        }

        private void execute(String sql, String database) {
            try (Connection connection = DriverManager.getConnection(adminUrl);
                    Statement statement = connection.createStatement()) {
                statement.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException(
                        "statement failed [sql=" + sql + ", database=" + database + ", server=" + redacted() + "]", e);
            }
        }

        private String redacted() {
            return adminUrl.replaceAll("password=[^&]*", "password=***");
        }

        @Override
        public void close() {
            if (localCluster != null) {
                localCluster.close();
            }
        }
    }

    /** One test class's database; dropped when the class's store is closed. */
    private record ClassDatabase(Server server, PgDatabase database) implements AutoCloseable {

        @Override
        public void close() {
            server.dropDatabase(database.name());
        }
    }
}
