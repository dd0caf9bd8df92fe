package io.tickengine.http.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.core.security.ApiKeys;
import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import io.tickengine.http.EngineServer;
import io.tickengine.http.cli.DbCommand;
import io.tickengine.http.server.HttpContext;
import io.tickengine.ml.MlBatchMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The ML jobs with the engine's least-privilege PostgreSQL roles ({@code db/init/postgresql/900_roles.sql}): the engine
 * runs as {@code mt5_app} and reads as {@code tick_reader}; {@code prepare} runs as {@code tick_reader},
 * {@code predict} as {@code mt5_app}; {@code predict} as the read-only role is refused and inserts nothing.
 */
@ExtendWith(PostgresExtension.class)
class MlRolesPostgresTest {
    private static final String KEY = "ml-roles-key-0123456789";

    private final PgDatabase database;

    @TempDir
    Path dataDir;

    @TempDir
    Path work;

    MlRolesPostgresTest(final PgDatabase database) {
        this.database = database;
    }

    @Test
    void shouldPrepareAsTheReaderAndPredictAsTheEngineRole() throws Exception {
        assertEquals(0, new CommandLine(new DbCommand()).execute("init", "--db-url", database.jdbcUrl()));
        final String asApp = database.jdbcUrlAs("mt5_app");
        final String asReader = database.jdbcUrlAs("tick_reader");
        final EngineContext engine = new EngineContext()
                .set("data.dir", dataDir.toString())
                .set("db.url", asApp)
                .set("db.schema.init", "false")
                .set("db.reader.user", "tick_reader")
                .set("writer.flush.interval.ms", "20");
        final HttpContext http = new HttpContext().set("http.port", "0").set("http.bind", "127.0.0.1");
        try (EngineServer server = EngineServer.start(engine, http, ApiKeys.parse(KEY))) {
            MlFixture.postBars(server, KEY, MlFixture.SYMBOL, 20_000);
            final Path model = dataDir.resolve("models").resolve("btc");
            MlFixture.trainModel(List.of("--db-url", asReader), work, model, 42);

            final String[] asReaderPredict = {
                "predict",
                "--db-url",
                asReader,
                "--model",
                model.toString(),
                "--from",
                MlFixture.TEST_FROM,
                "--to",
                "2017-11-15"
            };
            final StringWriter err = new StringWriter();
            final CommandLine cli = MlBatchMain.commandLine();
            cli.setErr(new PrintWriter(err, true));
            cli.setOut(new PrintWriter(new StringWriter(), true));
            assertEquals(1, cli.execute(asReaderPredict), "the read-only role may not publish signals");
            assertTrue(err.toString().contains("store unavailable"), err.toString());
            assertEquals(0, count("signals") + count("model_signals"), "nothing inserted");

            final String added = MlFixture.mlBatch(
                    "predict",
                    "--db-url",
                    asApp,
                    "--model",
                    model.toString(),
                    "--from",
                    MlFixture.TEST_FROM,
                    "--to",
                    "2017-11-15");
            assertTrue(count("signals") > 0 && count("signals") == count("model_signals"), added);

            final HttpResponse<String> predict =
                    MlFixture.get(server, KEY, "/predict?symbol=" + MlFixture.SYMBOL + "&tf=M1");
            assertEquals(200, predict.statusCode(), predict.body());
        }
    }

    private int count(final String table) throws Exception {
        try (Connection c = database.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
