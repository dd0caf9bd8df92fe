package io.tickengine.http.mql5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.core.security.ApiKeys;
import io.tickengine.http.EngineServer;
import io.tickengine.http.ml.MlFixture;
import io.tickengine.http.server.HttpContext;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole ML loop on a running engine: real bars posted to it, {@code ml-batch} prepare → train → evaluate →
 * predict against its store while it runs, then the SignalExecutor EA (simulated) leases each signal through
 * {@code /signals/next}, trades it once and acks it once; a second {@code predict} adds nothing.
 */
class MlSignalLoopTest {
    private static final String KEY = "ml-loop-key-0123456789";

    @TempDir
    Path dataDir;

    @TempDir
    Path work;

    @Test
    void shouldTradeEveryPredictedSignalOnceAndAddNothingOnASecondPredict() throws Exception {
        final EngineContext engine =
                new EngineContext().set("data.dir", dataDir.toString()).set("writer.flush.interval.ms", "20");
        final HttpContext http = new HttpContext().set("http.port", "0").set("http.bind", "127.0.0.1");
        try (EngineServer server = EngineServer.start(engine, http, ApiKeys.parse(KEY))) {
            MlFixture.postBars(server, KEY, MlFixture.SYMBOL, 20_000);
            final Path model = work.resolve("model");
            MlFixture.trainModel(List.of("--data-dir", dataDir.toString()), work, model, 42);
            final String[] predict = {
                "predict",
                "--data-dir",
                dataDir.toString(),
                "--model",
                model.toString(),
                "--from",
                MlFixture.TEST_FROM,
                "--to",
                "2017-11-15",
                "--valid-ms",
                "3600000000000"
            };
            final String first = MlFixture.mlBatch(predict);
            final int added = number(first, "added");
            assertTrue(added > 0, first);
            final String second = MlFixture.mlBatch(predict);
            assertEquals(0, number(second, "added"), second);

            final Map<String, Integer> trades = new HashMap<>();
            final SignalExecutorSimulator ea = new SignalExecutorSimulator(
                    "http://127.0.0.1:" + server.port(),
                    KEY,
                    "ml-ea",
                    new Mt5Files(work.resolve("files")),
                    new BrokerAccount(false),
                    trades,
                    id -> false);
            int leased = 0;
            while (ea.onTimer()) {
                leased++;
                assertTrue(leased <= added, "no signal is delivered twice");
            }
            assertEquals(added, leased);
            assertEquals(added, trades.size());
            assertTrue(trades.values().stream().allMatch(n -> n == 1), "each signal traded once: " + trades);
            assertEquals(added, ea.acks);
            assertFalse(ea.onTimer(), "nothing left to deliver");
            final List<Map<String, Object>> acked =
                    server.engine().views().query("signals_ack", null, 0, Long.MAX_VALUE, 10_000);
            assertEquals(added, acked.size());
            assertTrue(trades.keySet().stream().allMatch(id -> id.startsWith("ml-")), trades.toString());
        }
    }

    private static int number(final String json, final String field) {
        final java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
        assertTrue(m.find(), json);
        return Integer.parseInt(m.group(1));
    }
}
