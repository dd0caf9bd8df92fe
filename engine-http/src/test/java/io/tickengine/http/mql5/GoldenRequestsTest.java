package io.tickengine.http.mql5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.security.ApiKeys;
import io.tickengine.core.store.CandleRow;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.Stores;
import io.tickengine.core.testsupport.Candles;
import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.http.EngineServer;
import io.tickengine.http.server.HttpContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exact requests the EAs send, kept in {@code mql5/tests/}: the Java mirror of the EAs' JSON building
 * reproduces them byte for byte, and the engine accepts them byte for byte (one ends with MQL5's trailing NUL).
 * Run with {@code -Dgolden.update=true} to write them again after a deliberate change of the EAs' format.
 */
class GoldenRequestsTest {
    private static final String KEY = "golden-key-0123456789";
    private static final int UTC_PLUS_3 = 3 * 3600;

    @TempDir
    Path dataDir;

    /** @return every golden file and the bytes the EAs (mirrored in Java) would send. */
    static Map<String, byte[]> goldens() {
        final Map<String, byte[]> files = new LinkedHashMap<>();
        final List<TickFiles.Tick> eurusd = TickFiles.ticks("EURUSD_20260713");
        final StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 20; i++) {
            final TickFiles.Tick t = eurusd.get(i);
            // The terminal stamps server time (UTC+3); TeJsonTick sends time_msc converted back to UTC.
            batch.append(i == 0 ? "" : ",")
                    .append(Mql5Json.tick(
                            "EURUSD",
                            t.timeMsc(),
                            t.bid(),
                            t.ask(),
                            t.last(),
                            t.volume(),
                            0,
                            t.flags(),
                            5,
                            "mt5-1234567",
                            i + 1,
                            UTC_PLUS_3));
        }
        final byte[] batchBytes = batch.append(']').toString().getBytes(StandardCharsets.UTF_8);
        files.put("tick_batch_eurusd.json", batchBytes);
        final byte[] withNul = java.util.Arrays.copyOf(batchBytes, batchBytes.length + 1);
        files.put("tick_batch_eurusd_trailing_nul.json", withNul);
        final TickFiles.Tick b = TickFiles.ticks("BTCUSD_20230220").get(0);
        files.put(
                "tick_single_btcusd.json",
                Mql5Json.tick(
                                "BTCUSD",
                                b.timeMsc(),
                                b.bid(),
                                b.ask(),
                                b.last(),
                                b.volume(),
                                0,
                                b.flags(),
                                1,
                                "mt5-1234567",
                                21,
                                UTC_PLUS_3)
                        .getBytes(StandardCharsets.UTF_8));
        final StringBuilder bars = new StringBuilder("[");
        final List<TickFiles.Candle> m1 = TickFiles.expectedM1("EURUSD_20260713");
        for (int i = 0; i < 5; i++) {
            final TickFiles.Candle c = m1.get(i);
            bars.append(i == 0 ? "" : ",")
                    .append(Mql5Json.bar(
                            "EURUSD",
                            "M1",
                            c.openTimeMsc() - 86_400_000L,
                            c.open(),
                            c.high(),
                            c.low(),
                            c.close(),
                            c.tickVolume(),
                            0,
                            3,
                            5,
                            0.00001));
        }
        files.put("bars_m1_eurusd.json", bars.append(']').toString().getBytes(StandardCharsets.UTF_8));
        files.put(
                "signal_ack_executed.json",
                Mql5Json.ack(
                                "sig-golden-1",
                                "4f6c7a2e-0000-4000-8000-000000000001",
                                "exec-1234567",
                                "executed",
                                51234567L,
                                1.14277,
                                10009,
                                "done")
                        .getBytes(StandardCharsets.UTF_8));
        return files;
    }

    static Path goldenDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("mql5/tests"))) {
                return dir.resolve("mql5/tests");
            }
        }
        throw new IllegalStateException(
                "mql5/tests not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void shouldBuildExactlyTheGoldenRequests() throws Exception {
        for (final Map.Entry<String, byte[]> golden : goldens().entrySet()) {
            final Path file = goldenDir().resolve(golden.getKey());
            if (Boolean.getBoolean("golden.update")) {
                Files.write(file, golden.getValue());
            }
            assertArrayEquals(Files.readAllBytes(file), golden.getValue(), golden.getKey());
        }
    }

    @Test
    void shouldAcceptTheGoldenRequestsByteForByte() throws Exception {
        final HttpClient client = HttpClient.newHttpClient();
        try (EngineServer engine = EngineServer.start(
                new EngineContext().set("data.dir", dataDir.toString()).set("writer.flush.interval.ms", "20"),
                new HttpContext().set("http.port", "0").set("http.bind", "127.0.0.1"),
                ApiKeys.parse(KEY))) {
            final String base = "http://127.0.0.1:" + engine.port();
            assertEquals(
                    "{\"accepted\":20,\"duplicates\":0}",
                    post(client, base + "/ingest/tick", "tick_batch_eurusd.json", 202));
            assertEquals(
                    "{\"accepted\":0,\"duplicates\":20}",
                    post(client, base + "/ingest/tick", "tick_batch_eurusd_trailing_nul.json", 202),
                    "the same batch again, with MQL5's trailing NUL: accepted, and all duplicates");
            assertEquals(
                    "{\"accepted\":1,\"duplicates\":0}",
                    post(client, base + "/ingest/tick", "tick_single_btcusd.json", 202));
            assertEquals("{\"accepted\":5}", post(client, base + "/ingest", "bars_m1_eurusd.json", 202));
            assertTrue(
                    post(client, base + "/signals/ack", "signal_ack_executed.json", 404)
                            .contains("no such signal"),
                    "the ack is well formed: only its signal is unknown");
        }
        try (CandleStore store = Stores.openStore(new EngineContext().set("data.dir", dataDir.toString()))) {
            final List<TickFiles.Tick> ticks =
                    TickFiles.ticks("EURUSD_20260713").subList(0, 20);
            final List<CandleRow> m1 = Candles.all(store, "EURUSD", Timeframe.M1);
            final CandleRow first = m1.stream()
                    .filter(r -> r.openTimeMsc() == 1_783_944_000_000L)
                    .findFirst()
                    .orElseThrow();
            assertEquals(20, first.tickVolume());
            assertEquals(ticks.get(0).bid(), first.open());
            assertEquals(ticks.get(19).bid(), first.close());
            assertEquals(ticks.stream().mapToDouble(TickFiles.Tick::bid).max().orElseThrow(), first.high());
            assertEquals(ticks.stream().mapToDouble(TickFiles.Tick::bid).min().orElseThrow(), first.low());
            assertEquals(
                    5,
                    m1.stream()
                            .filter(r -> r.openTimeMsc() < 1_783_944_000_000L)
                            .count(),
                    "the five backfilled bars of the day before");
        }
    }

    private static String post(final HttpClient client, final String url, final String golden, final int status)
            throws Exception {
        final HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("X-API-Key", KEY)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(
                                Files.readAllBytes(goldenDir().resolve(golden))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), golden + ": " + response.body());
        return response.body();
    }
}
