package io.tickengine.http.mql5;

import static io.tickengine.http.mql5.Mql5Fixture.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.http.EngineServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The EAs' {@code POST /symbols}: the collector sends every symbol's specification under its canonical name at its
 * first timer, BackfillHistory before its data; the engine then answers for both names. A map that puts two broker
 * names of different digits on one canonical name is refused whole, said on the chart, and the ticks still flow.
 */
class Mql5SymbolsTest {
    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void shouldSendTheSymbolsSpecificationsAtStartAndFromTheBackfill() throws Exception {
        final Mql5Fixture engine = new Mql5Fixture(dir.resolve("engine"));
        final Terminal eurusd = Mql5Fixture.terminal("EURUSD_20260713", "EURUSD.m", 5);
        eurusd.tickSize = 0.00001;
        eurusd.currencyBase = "EUR";
        eurusd.currencyProfit = "USD";
        eurusd.currencyMargin = "EUR";
        eurusd.description = "Euro vs \"US\" Dollar";
        final Terminal btcusd = Mql5Fixture.terminal("BTCUSD_20230220", "BTCUSD", 1);
        final Terminal xauusd = Mql5Fixture.terminal("EURUSD_20260713", "XAUUSD-", 2);
        final EngineServer server = engine.start();
        try {
            final TickCollectorSimulator ea = Mql5Fixture.collector(engine, dir.resolve("files"), 500, eurusd, btcusd);
            ea.symbolMap = "EURUSD.m=EURUSD";
            ea.onInit();
            Mql5Fixture.runToTheEnd(new Random(3), ea, eurusd, btcusd);
            assertEquals(List.of(200), ea.symbolAnswers, "sent once, at the first timer");

            final String all = get(engine, "/symbols");
            assertTrue(
                    all.contains("{\"name\":\"EURUSD.m\",\"canonical\":\"EURUSD\",\"digits\":5,\"point\":1.0E-5"), all);
            assertTrue(all.contains("\"currency_base\":\"EUR\""), all);
            assertTrue(all.contains("Euro vs \\\"US\\\" Dollar"), all);
            assertTrue(all.contains("{\"name\":\"BTCUSD\",\"canonical\":\"BTCUSD\",\"digits\":1"), all);
            assertTrue(get(engine, "/symbols?symbol=EURUSD").contains("\"name\":\"EURUSD.m\""), "both names");

            // The backfill sends its symbol too, before any bar.
            xauusd.setClock(1_784_030_400_000L); // 2026-07-14 12:00 UTC, the day after the ticks
            final BackfillHistorySimulator script = new BackfillHistorySimulator(xauusd);
            script.baseUrl = engine.baseUrl();
            script.apiKey = KEY;
            script.symbolMap = "XAUUSD-=XAUUSD";
            script.mode = BackfillHistorySimulator.Mode.BARS;
            assertTrue(script.onStart(), script.comments + " " + script.log);
            assertTrue(get(engine, "/symbols?symbol=XAUUSD-").contains("\"canonical\":\"XAUUSD\",\"digits\":2"));
            // Candles of the canonical name, read by the broker name, at the symbol's digits.
            // The bars are journaled when acknowledged and reach the store a moment later.
            String candles = get(engine, "/candles?symbol=XAUUSD-&tf=M1&limit=3");
            final long deadlineNs = System.nanoTime() + 10_000_000_000L;
            while (candles.equals("[]") && System.nanoTime() - deadlineNs < 0) {
                Thread.onSpinWait();
                candles = get(engine, "/candles?symbol=XAUUSD-&tf=M1&limit=3");
            }
            assertTrue(candles.contains("\"symbol\":\"XAUUSD\""), candles);
            assertTrue(candles.contains("\"open\":1.14"), candles);
        } finally {
            server.close();
        }
    }

    @Test
    void shouldShowARefusedSymbolMapAndKeepCollecting() throws Exception {
        final Mql5Fixture engine = new Mql5Fixture(dir.resolve("engine"));
        final Terminal five = Mql5Fixture.terminal("EURUSD_20260713", "EURUSD.m", 5);
        final Terminal four = Mql5Fixture.terminal("BTCUSD_20230220", "EURUSDm", 4);
        final EngineServer server = engine.start();
        try {
            final TickCollectorSimulator ea = Mql5Fixture.collector(engine, dir.resolve("files"), 500, five);
            ea.symbolMap = "EURUSD.m=EURUSD";
            ea.onInit();
            Mql5Fixture.runToTheEnd(new Random(5), ea, five);
            final TickCollectorSimulator other = Mql5Fixture.collector(engine, dir.resolve("other"), 500, four);
            other.symbolMap = "EURUSDm=EURUSD";
            other.onInit();
            other.onTimer();
            assertEquals(List.of(400), other.symbolAnswers, "two digits for one canonical name");
            assertTrue(other.notice.startsWith("symbols not stored by the engine: HTTP 400"), other.notice);
            assertFalse(get(engine, "/symbols").contains("EURUSDm"), "nothing of it stored");
            other.onTimer();
            assertEquals(List.of(400), other.symbolAnswers, "not sent again");
        } finally {
            server.close();
        }
    }

    @Test
    void shouldCollectAndDescribeASymbolAddedToMarketWatchFromThenOn() throws Exception {
        final Mql5Fixture engine = new Mql5Fixture(dir.resolve("engine"));
        final Terminal eurusd = Mql5Fixture.terminal("EURUSD_20260713", "EURUSD", 5);
        final Terminal btcusd = Mql5Fixture.terminal("BTCUSD_20230220", "BTCUSD", 1);
        final Random random = new Random(11);
        final EngineServer server = engine.start();
        final TickCollectorSimulator ea = Mql5Fixture.collector(engine, dir.resolve("files"), 500);
        try {
            ea.marketWatch = new ArrayList<>(List.of(eurusd)); // InpSymbols empty: Market Watch
            ea.onInit();
            Mql5Fixture.runToTheEnd(random, ea, eurusd);
            btcusd.arrive(100); // ticks from before it was in Market Watch: BackfillHistory's
            ea.marketWatch.add(btcusd);
            ea.onTimer(); // the next timer sees it
            Mql5Fixture.runToTheEnd(random, ea, btcusd);
            assertEquals(List.of(200, 200), ea.symbolAnswers, "at start, and when the symbol came");
            assertTrue(ea.notice.startsWith("1 symbol(s) added from Market Watch"), ea.notice);
            assertTrue(get(engine, "/symbols?symbol=BTCUSD").contains("\"digits\":1"));
        } finally {
            server.close();
        }
        assertEquals(eurusd.ticks().size(), engine.m1TickVolume("EURUSD"));
        assertEquals(btcusd.ticks().size() - 100, engine.m1TickVolume("BTCUSD"), "from the moment it was added");
    }

    @Test
    void shouldStartASymbolAddedBetweenTwoRunsFromNowNotFromItsFirstTick() throws Exception {
        final Mql5Fixture engine = new Mql5Fixture(dir.resolve("engine"));
        final Terminal eurusd = Mql5Fixture.terminal("EURUSD_20260713", "EURUSD", 5);
        final Terminal btcusd = Mql5Fixture.terminal("BTCUSD_20230220", "BTCUSD", 1);
        final Random random = new Random(13);
        final EngineServer server = engine.start();
        try {
            final TickCollectorSimulator first = Mql5Fixture.collector(engine, dir.resolve("files"), 500, eurusd);
            first.onInit();
            Mql5Fixture.runToTheEnd(random, first, eurusd);
            btcusd.arrive(100);
            // Restarted with one more symbol in InpSymbols, on the same Files folder (state and source kept).
            final TickCollectorSimulator second =
                    Mql5Fixture.collector(engine, dir.resolve("files"), 500, eurusd, btcusd);
            second.onInit();
            assertEquals(first.source(), second.source());
            Mql5Fixture.runToTheEnd(random, second, eurusd, btcusd);
            assertEquals(List.of(200), second.symbolAnswers);
        } finally {
            server.close();
        }
        assertEquals(eurusd.ticks().size(), engine.m1TickVolume("EURUSD"));
        assertEquals(btcusd.ticks().size() - 100, engine.m1TickVolume("BTCUSD"));
    }

    private String get(final Mql5Fixture engine, final String path) throws Exception {
        final HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create(engine.baseUrl() + path))
                        .header("X-API-Key", KEY)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return response.body();
    }
}
