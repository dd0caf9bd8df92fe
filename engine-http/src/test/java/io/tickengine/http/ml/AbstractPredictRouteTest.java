package io.tickengine.http.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tickengine.core.EngineContext;
import io.tickengine.core.security.ApiKeys;
import io.tickengine.http.EngineServer;
import io.tickengine.http.server.HttpContext;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /predict} on a running engine with real bars in its store: the newest model's probabilities for the
 * latest closed bar, a new model served without a restart, 404 without a model, 409 with too few bars.
 */
abstract class AbstractPredictRouteTest {
    static final String KEY = "predict-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @TempDir
    Path work;

    /** @return the engine's {@code db.url}, {@code null} for its SQLite default. */
    abstract String dbUrl();

    /** @return {@code ml-batch}'s store options for the engine's store. */
    abstract List<String> storeArgs();

    /** Empties the store before a test. */
    abstract void resetStore() throws Exception;

    private EngineServer start() throws Exception {
        resetStore();
        final EngineContext engine =
                new EngineContext().set("data.dir", dataDir.toString()).set("writer.flush.interval.ms", "20");
        if (dbUrl() != null) {
            engine.set("db.url", dbUrl());
        }
        final HttpContext http = new HttpContext().set("http.port", "0").set("http.bind", "127.0.0.1");
        return EngineServer.start(engine, http, ApiKeys.parse(KEY));
    }

    @Test
    void shouldScoreTheLatestClosedBarWithTheNewestModelAndReloadIt() throws Exception {
        try (EngineServer server = start()) {
            MlFixture.postBars(server, KEY, MlFixture.SYMBOL, 20_000);
            final Path models = dataDir.resolve("models");
            MlFixture.trainModel(storeArgs(), work, models.resolve("first"), 42);
            final JsonNode first = predict(server, MlFixture.SYMBOL);
            assertEquals(MlFixture.SYMBOL, first.get("symbol").asText());
            assertEquals("M1", first.get("tf").asText());
            assertEquals(1_510_700_340_000L, first.get("time_msc").asLong(), "the last bar, 2017-11-14 22:59");
            final double sum = first.get("p_down").asDouble()
                    + first.get("p_flat").asDouble()
                    + first.get("p_up").asDouble();
            assertEquals(1.0, sum, 1e-5);
            assertTrue(
                    List.of("buy", "sell", "none").contains(first.get("signal").asText()), first.toString());
            final String firstModel = first.get("model").asText();
            assertEquals(firstModel, cardModelId(models.resolve("first")));

            MlFixture.trainModel(storeArgs(), work, models.resolve("second"), 7);
            final String secondModel = cardModelId(models.resolve("second"));
            assertNotEquals(firstModel, secondModel);
            final long deadlineNs = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            String served = firstModel;
            while (!served.equals(secondModel) && deadlineNs - System.nanoTime() > 0) {
                served = predict(server, MlFixture.SYMBOL).get("model").asText();
            }
            assertEquals(secondModel, served, "the newer model is served without a restart");
        }
    }

    @Test
    void shouldAnswer404WithoutAModelAnd409WithTooFewBars() throws Exception {
        try (EngineServer server = start()) {
            MlFixture.postBars(server, KEY, MlFixture.SYMBOL, 20_000);
            final HttpResponse<String> none = MlFixture.get(server, KEY, "/predict?symbol=" + MlFixture.SYMBOL);
            assertEquals(404, none.statusCode(), none.body());
            assertTrue(
                    none.body().contains("no model for the symbol and timeframe [symbol=BTCALT, tf=M1"), none.body());

            final Path model = dataDir.resolve("models").resolve("btc");
            MlFixture.trainModel(storeArgs(), work, model, 42);
            // The same model, declared for a symbol that has only 20 bars: too few for the 30-bar windows.
            Files.writeString(
                    model.resolve("card.json"),
                    Files.readString(model.resolve("card.json")).replace("\"BTCALT\"", "\"BTCALT\", \"SHORT\""));
            MlFixture.postBars(server, KEY, "SHORT", 20);
            final HttpResponse<String> shortHistory = MlFixture.get(server, KEY, "/predict?symbol=SHORT&tf=M1");
            assertEquals(409, shortHistory.statusCode(), shortHistory.body());
            assertTrue(shortHistory.body().contains("too few bars"), shortHistory.body());

            final HttpResponse<String> otherTf = MlFixture.get(server, KEY, "/predict?symbol=BTCALT&tf=H1");
            assertEquals(404, otherTf.statusCode(), otherTf.body());
            assertEquals(400, MlFixture.get(server, KEY, "/predict").statusCode());
        }
    }

    private static JsonNode predict(final EngineServer server, final String symbol) throws Exception {
        final HttpResponse<String> answer = MlFixture.get(server, KEY, "/predict?symbol=" + symbol + "&tf=M1");
        assertEquals(200, answer.statusCode(), answer.body());
        return JSON.readTree(answer.body());
    }

    private static String cardModelId(final Path dir) throws Exception {
        return JSON.readTree(dir.resolve("card.json").toFile()).get("model_id").asText();
    }
}
