package io.tickengine.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tickengine.core.EngineContext;
import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.store.CandleRow;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.Stores;
import io.tickengine.core.testsupport.Candles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exact requests TickCollector.mq5 sends ({@code mql5/tests/}), posted byte for byte to the edge agent, one with
 * MQL5's trailing NUL: the agent accepts them and the engine ends with their ticks once.
 */
class GoldenRequestsThroughAgentTest {
    @TempDir
    Path engineDir;

    @TempDir
    Path agentDir;

    @Test
    void shouldAcceptTheCollectorsGoldenRequestsByteForByte() throws Exception {
        final HttpClient client = HttpClient.newHttpClient();
        final EngineFixture engine = new EngineFixture(engineDir);
        try (engine;
                EdgeAgent agent = AgentFixture.start(agentDir, engine.url())) {
            final String url = "http://127.0.0.1:" + agent.port() + "/ingest/tick";
            assertEquals("{\"accepted\":20,\"duplicates\":0}", post(client, url, "tick_batch_eurusd.json"));
            assertEquals(
                    "{\"accepted\":0,\"duplicates\":20}",
                    post(client, url, "tick_batch_eurusd_trailing_nul.json"),
                    "the same batch again, with the trailing NUL: accepted, all duplicates");
            assertEquals("{\"accepted\":1,\"duplicates\":0}", post(client, url, "tick_single_btcusd.json"));
            Await.until(
                    () -> agent.store().forwardedSeq() == 21,
                    Duration.ofSeconds(30),
                    () -> "forwarded: " + agent.status().toJson());
        }
        try (CandleStore store = Stores.openStore(new EngineContext().set("data.dir", engineDir.toString()))) {
            final List<CandleRow> eurusd = Candles.all(store, "EURUSD", Timeframe.M1);
            assertEquals(1, eurusd.size());
            assertEquals(20, eurusd.get(0).tickVolume(), "each of the 20 ticks once");
            assertEquals(1, Candles.all(store, "BTCUSD", Timeframe.M1).get(0).tickVolume());
        }
    }

    private static String post(final HttpClient client, final String url, final String golden) throws Exception {
        final HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("X-API-Key", TickSender.EA_KEY)
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(
                                Files.readAllBytes(goldenDir().resolve(golden))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, response.statusCode(), golden + ": " + response.body());
        return response.body();
    }

    private static Path goldenDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("mql5/tests"))) {
                return dir.resolve("mql5/tests");
            }
        }
        throw new IllegalStateException(
                "mql5/tests not found above " + Path.of("").toAbsolutePath());
    }
}
