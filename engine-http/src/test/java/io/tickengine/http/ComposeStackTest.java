package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tickengine.core.testsupport.ChildJvm;
import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.core.testsupport.TimescaleDb;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What can be checked of {@code ops/compose} without a Docker daemon: Debian's {@code docker-compose config} accepts
 * the file with the example {@code .env}; the database is prepared as the stack does it (the superuser's init script,
 * then {@code db init} as {@code tick_owner}); the engine runs as {@code mt5_app} with {@code tick_reader} for
 * /query; and every SQL query of every provisioned Grafana dashboard runs as {@code tick_reader}, the candle and tick
 * panels returning the rows the engine wrote.
 */
@TimescaleDb
@ExtendWith(PostgresExtension.class)
class ComposeStackTest {
    static final Path COMPOSE = Path.of("..", "ops", "compose");
    private static final String OWNER_PASSWORD = "owner-pw-test";
    private static final String APP_PASSWORD = "app-pw-test";
    private static final String READER_PASSWORD = "reader-pw-test";

    @TempDir
    Path tmp;

    @Test
    void shouldBeAcceptedByDockerComposeConfig() throws Exception {
        final Path tool = Path.of("/usr/bin/docker-compose");
        if (!Files.isExecutable(tool)) {
            assertFalse("true".equals(System.getenv("CI")), "docker-compose missing: .ci/run installs it");
            Assumptions.assumeTrue(false, "docker-compose missing (Debian package 'docker-compose'): skipped");
        }
        final Result r = exec(COMPOSE, Map.of(), tool.toString(), "--env-file", ".env.example", "config");
        assertEquals(0, r.code(), r.output());
        for (final String service : List.of("timescaledb:", "db-init:", "engine:", "prometheus:", "grafana:")) {
            assertTrue(r.output().contains("\n  " + service + "\n"), service + "\n" + r.output());
        }
        final String compose = Files.readString(COMPOSE.resolve("docker-compose.yml"));
        assertEquals(4, count(compose, "\n      test: ["), "a healthcheck on every server");
        assertTrue(compose.contains("pg_isready -h 127.0.0.1"));
        assertTrue(compose.contains("timescaledb.telemetry_level=off"));
        assertTrue(compose.contains("GF_ANALYTICS_CHECK_FOR_UPDATES: \"false\""));
        assertTrue(compose.contains("TICK_DB_USER: mt5_app"));
        assertTrue(compose.contains("TICK_DB_READER_USER: tick_reader"));
        assertFalse(compose.contains(".jar:/"), "the engine runs from the built image, no jar mounted");
    }

    @Test
    void shouldRunEveryDashboardQueryAsTheReaderAgainstTheStacksSchema(final PgDatabase db) throws Exception {
        // 1. What the timescaledb service's initdb hook does, as its superuser.
        final URI uri = URI.create(db.jdbcUrl().substring("jdbc:".length()));
        final Map<String, String> env = new LinkedHashMap<>();
        env.put("PGPASSWORD", db.password());
        final Result init = exec(
                COMPOSE,
                env,
                "psql",
                "-v",
                "ON_ERROR_STOP=1",
                "-v",
                "owner_password=" + OWNER_PASSWORD,
                "-h",
                uri.getHost(),
                "-p",
                Integer.toString(uri.getPort()),
                "-U",
                db.user(),
                "-d",
                db.name(),
                "-f",
                "initdb/tick-engine.sql");
        assertEquals(0, init.code(), init.output());

        // 2. The db-init service: tick-engine db init as tick_owner.
        final String base = "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + "/" + db.name();
        final List<String> dbInit = ChildJvm.javaCommand("256m");
        dbInit.add(TickEngineMain.class.getName());
        dbInit.addAll(List.of("db", "init"));
        final ChildJvm.Exited initialised = ChildJvm.run(
                dbInit,
                Map.of(
                        "TICK_DB_URL", base,
                        "TICK_DB_USER", "tick_owner",
                        "TICK_DB_PASSWORD", OWNER_PASSWORD,
                        "TICK_DB_APP_PASSWORD", APP_PASSWORD,
                        "TICK_DB_READER_PASSWORD", READER_PASSWORD));
        assertEquals(0, initialised.code(), initialised.output());

        // 3. The engine service: mt5_app, no DDL, tick_reader for /query; a few ticks and a signal.
        final List<TickFiles.Tick> ticks = TickFiles.ticks("EURUSD_20260713");
        try (HttpFixture engine = new HttpFixture(
                tmp,
                base + "?user=mt5_app&password=" + APP_PASSWORD,
                "db.schema.init=false",
                "db.reader.user=tick_reader",
                "db.reader.password=" + READER_PASSWORD)) {
            assertEquals(
                    202,
                    engine.post("/ingest/tick", "application/json", HttpFixture.jsonArray(ticks, 0, 400, "ea-1"))
                            .statusCode());
            final java.net.http.HttpResponse<String> published = engine.client.send(
                    java.net.http.HttpRequest.newBuilder(engine.uri("/signals"))
                            .header("Content-Type", "application/json")
                            .header("X-API-Key", HttpFixture.ADMIN_KEY)
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                    "{\"signal_id\":\"dash-1\",\"symbol\":\"EURUSD\",\"side\":\"buy\",\"size\":0.1,"
                                            + "\"ttl_ms\":60000}"))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(201, published.statusCode(), published.body());
            awaitRows(base, "SELECT count(*) FROM ticks", 400);
            awaitRows(base, "SELECT count(*) FROM market_data WHERE timeframe = 'M1'", 1);
            final java.net.http.HttpResponse<String> query =
                    engine.get("/query/market_data?symbol=EURUSD", HttpFixture.READ_KEY);
            assertEquals(200, query.statusCode(), query.body());
        }

        // 4. Every SQL query of every dashboard, as Grafana's data source user, over the fixture's day.
        int queries = 0;
        try (Connection reader = DriverManager.getConnection(base + "?user=tick_reader&password=" + READER_PASSWORD);
                Stream<Path> dashboards = Files.list(COMPOSE.resolve("grafana/dashboards"))) {
            for (final Path dashboard : dashboards.sorted().toList()) {
                for (final Map.Entry<String, String> q : sqlQueries(dashboard).entrySet()) {
                    final String sql = expand(q.getValue());
                    int rows = 0;
                    try (Statement s = reader.createStatement();
                            ResultSet rs = s.executeQuery(sql)) {
                        while (rs.next()) {
                            rows++;
                        }
                    } catch (final java.sql.SQLException e) {
                        throw new AssertionError(
                                dashboard.getFileName() + " " + q.getKey() + " fails: " + e.getMessage() + "\n" + sql,
                                e);
                    }
                    if (q.getKey().startsWith("panel Candles")
                            || q.getKey().startsWith("panel Ticks")
                            || q.getKey().startsWith("panel Signals and")
                            || q.getKey().startsWith("variable")) {
                        assertTrue(rows > 0, dashboard.getFileName() + " " + q.getKey() + " returned no row\n" + sql);
                    }
                    queries++;
                }
            }
        }
        assertTrue(queries >= 9, "the market dashboard's queries were found [queries=" + queries + "]");
    }

    /** Grafana's macros and this dashboard's variables, as Grafana would expand them for a range from the
     * fixture's day (ticks, candles) to now (the signal). */
    private static String expand(final String sql) {
        final String expanded = sql.replaceAll(
                        "\\$__timeFilter\\(([^)]+)\\)",
                        "$1 BETWEEN '2026-07-13T00:00:00Z' AND now() + interval '1 day'")
                .replace("$symbol", "EURUSD")
                .replace("$tf", "M1");
        assertFalse(expanded.contains("$"), "a macro or variable the test does not know: " + expanded);
        return expanded;
    }

    /** @return the SQL of every panel target and query variable using the TimescaleDB data source, by name. */
    @SuppressWarnings("unchecked")
    static Map<String, String> sqlQueries(final Path dashboard) throws Exception {
        final Map<String, Object> json;
        try (JsonParser parser = new JsonFactory().createParser(dashboard.toFile())) {
            parser.nextToken();
            json = (Map<String, Object>) read(parser);
        }
        final Map<String, String> queries = new LinkedHashMap<>();
        for (final Object p : (List<Object>) json.getOrDefault("panels", List.of())) {
            final Map<String, Object> panel = (Map<String, Object>) p;
            for (final Object t : (List<Object>) panel.getOrDefault("targets", List.of())) {
                final Map<String, Object> target = (Map<String, Object>) t;
                if (target.get("rawSql") != null) {
                    queries.put(
                            "panel " + panel.get("title") + " " + target.get("refId"), (String) target.get("rawSql"));
                }
            }
        }
        final Map<String, Object> templating = (Map<String, Object>) json.getOrDefault("templating", Map.of());
        for (final Object v : (List<Object>) templating.getOrDefault("list", List.of())) {
            final Map<String, Object> variable = (Map<String, Object>) v;
            final Object ds = variable.get("datasource");
            if ("query".equals(variable.get("type"))
                    && ds instanceof Map<?, ?> source
                    && "timescaledb".equals(source.get("uid"))) {
                queries.put("variable " + variable.get("name"), (String) variable.get("query"));
            }
        }
        return queries;
    }

    private static Object read(final JsonParser parser) throws Exception {
        final JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            final Map<String, Object> map = new LinkedHashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                final String name = parser.currentName();
                parser.nextToken();
                map.put(name, read(parser));
            }
            return map;
        }
        if (token == JsonToken.START_ARRAY) {
            final List<Object> list = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                list.add(read(parser));
            }
            return list;
        }
        return token == JsonToken.VALUE_NULL ? null : parser.getText();
    }

    private static void awaitRows(final String url, final String countSql, final long atLeast) throws Exception {
        final long deadlineNs = System.nanoTime() + 30_000_000_000L;
        long rows = 0;
        try (Connection c = DriverManager.getConnection(url + "?user=tick_reader&password=" + READER_PASSWORD)) {
            while (System.nanoTime() - deadlineNs < 0) {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery(countSql)) {
                    rs.next();
                    rows = rs.getLong(1);
                }
                if (rows >= atLeast) {
                    return;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
            }
        }
        throw new AssertionError(countSql + " stayed at " + rows);
    }

    private static int count(final String text, final String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    record Result(int code, String output) {}

    private static Result exec(final Path dir, final Map<String, String> env, final String... command)
            throws Exception {
        final ProcessBuilder builder =
                new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        final Process p = builder.start();
        p.getOutputStream().close();
        final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        return new Result(p.exitValue(), output);
    }
}
