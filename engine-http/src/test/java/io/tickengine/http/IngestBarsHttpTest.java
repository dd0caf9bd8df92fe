package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.TickFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Whole bars posted to {@code POST /ingest} (history backfill) are journaled, stored and served whole. */
class IngestBarsHttpTest {
    static final List<String> FIXTURES = TickFiles.FIXTURES;

    /** 2026-07-13 12:00 UTC, an M1 (and H1) boundary. */
    private static final long NOON_MSC = 1_783_944_000_000L;

    @TempDir
    Path dataDir;

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void shouldAcceptTheExpectedM1BarsAndServeThemExactly(final String fixture) throws Exception {
        final List<TickFiles.Candle> candles = TickFiles.expectedM1(fixture);
        try (HttpFixture http = new HttpFixture(dataDir, null)) {
            final HttpResponse<String> r = http.post("/ingest", "application/json", barsJson(candles));

            assertEquals(202, r.statusCode(), r.body());
            assertEquals("{\"accepted\":" + candles.size() + "}", r.body());
            http.awaitCommitted();
            assertEquals(
                    HttpFixture.expectedM1(fixture),
                    http.candlesM1(candles.get(0).symbol()));
            assertEquals(expectedCsv(candles), candlesCsv(http, candles.get(0).symbol()));
        }
    }

    @Test
    void shouldReplaceAStoredBarWholeWithItsNewVersion() throws Exception {
        try (HttpFixture http = new HttpFixture(dataDir, null)) {
            post(http, bar("EURUSD", "M1", NOON_MSC, 1.1000, 1.1050, 1.0950, 1.1020, 100, 5.5, "0.0001"));
            http.awaitCommitted();
            assertEquals(
                    "EURUSD,M1," + NOON_MSC + ",1.1,1.105,1.095,1.102,100,5.5,1.0E-4,\n", candlesCsv(http, "EURUSD"));

            // Narrower range and fewer ticks: a merge would keep the old high, low and volumes.
            post(http, bar("EURUSD", "M1", NOON_MSC, 1.1010, 1.1030, 1.1000, 1.1005, 40, 0, "0.0002"));
            http.awaitCommitted();

            assertEquals(
                    "EURUSD,M1," + NOON_MSC + ",1.101,1.103,1.1,1.1005,40,0.0,2.0E-4,\n", candlesCsv(http, "EURUSD"));
        }
    }

    @Test
    void shouldForgetTheStoredSpreadWhenTheNewVersionHasNone() throws Exception {
        try (HttpFixture http = new HttpFixture(dataDir, null)) {
            post(http, bar("EURUSD", "M1", NOON_MSC, 1.1000, 1.1050, 1.0950, 1.1020, 100, 5.5, "0.0001"));
            http.awaitCommitted();

            post(http, bar("EURUSD", "M1", NOON_MSC, 1.1010, 1.1030, 1.1000, 1.1005, 40, 0, "null"));
            http.awaitCommitted();

            assertEquals("EURUSD,M1," + NOON_MSC + ",1.101,1.103,1.1,1.1005,40,0.0,,\n", candlesCsv(http, "EURUSD"));
        }
    }

    static Stream<Arguments> invalidBars() {
        return Stream.of(
                Arguments.of(
                        "high below low",
                        bar("EURUSD", "M1", NOON_MSC + 60_000, 1.1, 1.09, 1.11, 1.1, 10, 0, "null"),
                        "high"),
                Arguments.of(
                        "time_msc not on a minute",
                        bar("EURUSD", "M1", NOON_MSC + 61_000, 1.1, 1.2, 1.0, 1.1, 10, 0, "null"),
                        "time_msc"),
                Arguments.of(
                        "time_msc on a minute but not on an hour",
                        bar("EURUSD", "H1", NOON_MSC + 60_000, 1.1, 1.2, 1.0, 1.1, 10, 0, "null"),
                        "time_msc"),
                Arguments.of(
                        "unknown timeframe",
                        bar("EURUSD", "M2", NOON_MSC + 60_000, 1.1, 1.2, 1.0, 1.1, 10, 0, "null"),
                        "timeframe"),
                Arguments.of(
                        "open overflowing to infinity",
                        bar("EURUSD", "M1", NOON_MSC + 60_000, 1.1, 1.2, 1.0, 1.1, 10, 0, "null")
                                .replace("\"open\":1.1", "\"open\":1e400"),
                        "open"),
                Arguments.of(
                        "close missing",
                        bar("EURUSD", "M1", NOON_MSC + 60_000, 1.1, 1.2, 1.0, 1.1, 10, 0, "null")
                                .replace(",\"close\":1.1", ""),
                        "close"),
                Arguments.of(
                        "symbol missing",
                        bar("EURUSD", "M1", NOON_MSC + 60_000, 1.1, 1.2, 1.0, 1.1, 10, 0, "null")
                                .replace("\"symbol\":\"EURUSD\",", ""),
                        "symbol"),
                Arguments.of(
                        "time_msc missing",
                        bar("EURUSD", "M1", NOON_MSC + 60_000, 1.1, 1.2, 1.0, 1.1, 10, 0, "null")
                                .replace(",\"time_msc\":" + (NOON_MSC + 60_000), ""),
                        "time_msc"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidBars")
    void shouldRejectTheWholeRequestNamingIndexAndFieldOfTheFirstInvalidBar(
            final String name, final String invalid, final String field) throws Exception {
        final String valid = bar("EURUSD", "M1", NOON_MSC, 1.1, 1.2, 1.0, 1.1, 10, 0, "null");
        final String alsoValid = bar("EURUSD", "M1", NOON_MSC + 120_000, 1.1, 1.2, 1.0, 1.1, 10, 0, "null");
        try (HttpFixture http = new HttpFixture(dataDir, null)) {
            final HttpResponse<String> r =
                    http.post("/ingest", "application/json", "[" + valid + "," + invalid + "," + alsoValid + "]");

            assertEquals(400, r.statusCode(), name + ": " + r.body());
            assertTrue(r.body().contains("\"index\":1"), name + ": " + r.body());
            assertTrue(r.body().contains("\"field\":\"" + field + "\""), name + ": " + r.body());
            assertEquals(-1, http.server.engine().journal().lastIndex(), "nothing of the request is journaled");
            assertEquals("", http.candlesM1("EURUSD"), "nothing of the request is stored");
        }
    }

    @Test
    void shouldStillServeImportedBarsAfterARestart() throws Exception {
        final List<TickFiles.Candle> candles = TickFiles.expectedM1("BTCUSD_20230220");
        try (HttpFixture http = new HttpFixture(dataDir, null)) {
            post(http, barsJson(candles));
        }
        try (HttpFixture restarted = new HttpFixture(dataDir, null)) {
            assertEquals(HttpFixture.expectedM1("BTCUSD_20230220"), restarted.candlesM1("BTCUSD"));
        }
    }

    @Test
    void shouldReplayAcknowledgedBarsFromTheJournalAfterACrash() throws Exception {
        final HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        // A writer that never flushes on its own: every acknowledged bar is only in the journal when killed.
        try (EngineProcess engine = EngineProcess.start(dataDir, "--set", "writer.flush.interval.ms=600000")) {
            for (final String fixture : FIXTURES) {
                final List<TickFiles.Candle> candles = TickFiles.expectedM1(fixture);
                final HttpResponse<String> r = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.port() + "/ingest"))
                                .header("Content-Type", "application/json")
                                .header("X-API-Key", HttpFixture.INGEST_KEY)
                                .timeout(Duration.ofSeconds(30))
                                .POST(HttpRequest.BodyPublishers.ofString(barsJson(candles)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(202, r.statusCode(), r.body());
                assertEquals("", servedM1(client, engine.port(), candles.get(0).symbol()), "not written yet");
            }
            engine.kill();
        }
        try (EngineProcess engine = EngineProcess.start(dataDir)) {
            for (final String fixture : FIXTURES) {
                final List<TickFiles.Candle> candles = TickFiles.expectedM1(fixture);
                final String symbol = candles.get(0).symbol();
                final String expected = expectedCsv(candles);
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                String served;
                // The restart replays the journal, then the writer commits: wait for it.
                while (!(served = servedM1(client, engine.port(), symbol)).equals(expected)
                        && System.nanoTime() - deadlineNs < 0) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
                assertEquals(expected, served, fixture + " after the crash\n" + engine.output());
            }
            assertEquals(0, engine.terminate(), engine.output());
        }
    }

    /** @return the bars as the {@code POST /ingest} JSON array: real_volume 0, spread null. */
    static String barsJson(final List<TickFiles.Candle> candles) {
        final List<String> bars = new ArrayList<>();
        for (final TickFiles.Candle c : candles) {
            bars.add(bar(
                    c.symbol(),
                    c.timeframe(),
                    c.openTimeMsc(),
                    c.open(),
                    c.high(),
                    c.low(),
                    c.close(),
                    c.tickVolume(),
                    0,
                    "null"));
        }
        return "[" + String.join(",", bars) + "]";
    }

    private static String bar(
            final String symbol,
            final String timeframe,
            final long timeMsc,
            final double open,
            final double high,
            final double low,
            final double close,
            final long tickVolume,
            final double realVolume,
            final String spread) {
        return "{\"symbol\":\"" + symbol + "\",\"timeframe\":\"" + timeframe + "\",\"time_msc\":" + timeMsc
                + ",\"open\":" + open + ",\"high\":" + high + ",\"low\":" + low + ",\"close\":" + close
                + ",\"tick_volume\":" + tickVolume + ",\"real_volume\":" + realVolume + ",\"spread\":" + spread + "}";
    }

    private static void post(final HttpFixture http, final String json) throws Exception {
        final HttpResponse<String> r = http.post("/ingest", "application/json", json);
        assertEquals(202, r.statusCode(), r.body());
    }

    /** @return every CSV column of the stored M1 bars, header dropped. */
    private static String candlesCsv(final HttpFixture http, final String symbol) throws Exception {
        final HttpResponse<String> r =
                http.get("/candles?symbol=" + symbol + "&tf=M1&limit=100000&format=csv", HttpFixture.READ_KEY);
        assertEquals(200, r.statusCode(), r.body());
        return r.body().substring(r.body().indexOf('\n') + 1);
    }

    /**
     * @return the expected bars as {@code GET /candles} renders them in CSV: real_volume 0.0, spread and spread_points
     *     empty.
     */
    private static String expectedCsv(final List<TickFiles.Candle> candles) {
        final StringBuilder csv = new StringBuilder();
        for (final TickFiles.Candle c : candles) {
            csv.append(String.join(
                            ",",
                            c.symbol(),
                            c.timeframe(),
                            Long.toString(c.openTimeMsc()),
                            Double.toString(c.open()),
                            Double.toString(c.high()),
                            Double.toString(c.low()),
                            Double.toString(c.close()),
                            Long.toString(c.tickVolume()),
                            "0.0",
                            "",
                            ""))
                    .append('\n');
        }
        return csv.toString();
    }

    /** @return the M1 bars a child engine serves, CSV without its header. */
    private static String servedM1(final HttpClient client, final int port, final String symbol) throws Exception {
        final HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/candles?symbol=" + symbol
                                + "&tf=M1&limit=100000&format=csv"))
                        .header("X-API-Key", HttpFixture.READ_KEY)
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body().substring(r.body().indexOf('\n') + 1);
    }
}
