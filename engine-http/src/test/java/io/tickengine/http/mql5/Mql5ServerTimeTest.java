package io.tickengine.http.mql5;

import static io.tickengine.http.mql5.Mql5Fixture.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.store.CandleRow;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.Stores;
import io.tickengine.core.testsupport.Candles;
import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.core.time.ServerTimeZone;
import io.tickengine.http.EngineServer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongUnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Broker time across the 2026 daylight-saving switches, for the EAs: a broker on {@code NY+7} (switching on the US
 * dates) and one on {@code Europe/Athens} (the EU dates), each at all four dates, so the weeks where the two differ
 * are covered. Ticks an hour or more either side of each switch; the candles the engine stores must equal the ones
 * the UTC ticks give, whether the TickCollector sends them live (offset measured per batch), catches up after being
 * off across the switch (with {@code InpServerTz}), or BackfillHistory sends them as ticks or as bars.
 */
class Mql5ServerTimeTest {
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final ZoneId ATHENS = ZoneId.of("Europe/Athens");
    private static final long MINUTE_MSC = 60_000L;

    static Stream<Arguments> switches() {
        final List<Arguments> cases = new ArrayList<>();
        for (final String tz : List.of("NY+7", "Europe/Athens")) {
            cases.add(Arguments.of(tz, "US spring", Instant.parse("2026-03-08T07:00:00Z")));
            cases.add(Arguments.of(tz, "EU spring", Instant.parse("2026-03-29T01:00:00Z")));
            cases.add(Arguments.of(tz, "EU autumn", Instant.parse("2026-10-25T01:00:00Z")));
            cases.add(Arguments.of(tz, "US autumn", Instant.parse("2026-11-01T06:00:00Z")));
        }
        return cases.stream();
    }

    /** The broker's clock, from java.time (independent of the code under test). */
    static LongUnaryOperator brokerClock(final String tz) {
        final ZoneId zone = tz.equals("NY+7") ? NEW_YORK : ATHENS;
        final long shiftMsc = tz.equals("NY+7") ? 7 * 3_600_000L : 0;
        return utc -> zone.getRules().getOffset(Instant.ofEpochMilli(utc)).getTotalSeconds() * 1000L + shiftMsc;
    }

    @Test
    void shouldPutTheBrokersApartInTheWeeksTheUsAndEuDiffer() {
        final long march20 = Instant.parse("2026-03-20T12:00:00Z").toEpochMilli();
        assertEquals(3 * 3_600_000L, brokerClock("NY+7").applyAsLong(march20), "NY+7 already on summer time");
        assertEquals(2 * 3_600_000L, brokerClock("Europe/Athens").applyAsLong(march20), "Athens not yet");
        final long october28 = Instant.parse("2026-10-28T12:00:00Z").toEpochMilli();
        assertEquals(3 * 3_600_000L, brokerClock("NY+7").applyAsLong(october28));
        assertEquals(2 * 3_600_000L, brokerClock("Europe/Athens").applyAsLong(october28));
        final ServerTime.Tz ny = ServerTime.parse("NY+7");
        final ServerTime.Tz athens = ServerTime.parse("Europe/Athens");
        assertEquals(3 * 3600, ServerTime.offsetAtUtc(ny, march20 / 1000));
        assertEquals(2 * 3600, ServerTime.offsetAtUtc(athens, march20 / 1000));
    }

    /** Every rule the include knows converts as the engine's {@code server.tz} does, around every switch to 2030. */
    @Test
    void shouldConvertExactlyAsTheEnginesServerTzAroundEverySwitch() {
        final List<String> ids = new ArrayList<>(
                List.of("NY+7", "NY+7:30", "NY-2", "America/New_York", "UTC", "UTC+2", "GMT-3", "+03:00", "-05:30"));
        ids.addAll(ServerTime.EU0);
        ids.addAll(ServerTime.EU1);
        ids.addAll(ServerTime.EU2);
        ids.addAll(ServerTime.FIXED_IDS);
        for (final String id : ids) {
            final ServerTime.Tz tz = ServerTime.parse(id);
            final ServerTimeZone engine = ServerTimeZone.parse(id);
            assertTrue(tz != null, id);
            for (int year = 2020; year <= 2030; year++) {
                for (final long switchS : List.of(
                        ServerTime.nthSunday(year, 3, 2),
                        ServerTime.nthSunday(year, 4, 1) - 7 * 86400,
                        ServerTime.nthSunday(year, 11, 1) - 7 * 86400,
                        ServerTime.nthSunday(year, 11, 1))) {
                    long previousUtcMsc = 0;
                    // Every 5 minutes over two days around the switch, in order, as a file or the history is read.
                    for (long utcS = switchS - 86400; utcS < switchS + 86400; utcS += 300) {
                        final long utcMsc = utcS * 1000;
                        assertEquals(
                                engine.offsetMscAt(utcMsc) / 1000,
                                ServerTime.offsetAtUtc(tz, utcS),
                                id + " offset at " + Instant.ofEpochSecond(utcS));
                        final long serverMsc = engine.toServerMsc(utcMsc);
                        final long back = ServerTime.serverToUtcMsc(tz, serverMsc, previousUtcMsc);
                        assertEquals(
                                engine.toUtcMsc(serverMsc, previousUtcMsc == 0 ? Long.MIN_VALUE : previousUtcMsc),
                                back,
                                id + " server time of " + Instant.ofEpochSecond(utcS));
                        assertEquals(utcMsc, back, id + " round trip of " + Instant.ofEpochSecond(utcS));
                        previousUtcMsc = back;
                    }
                }
            }
        }
    }

    @Test
    void shouldRefuseToStartOnAnUnknownTimeZone(@TempDir final Path files) {
        for (final String id : List.of("Mars/Olympus", "NY+15", "UTC+2:5", "America/Chicago", "EST5EDT", "+")) {
            assertNull(ServerTime.parse(id), id);
        }
        final TickCollectorSimulator ea = new TickCollectorSimulator(
                List.of(Mql5Fixture.terminal("EURUSD_20260713", "EURUSD", 5)), new Mt5Files(files), "", KEY);
        ea.serverTz = "Mars/Olympus";
        assertThrows(IllegalArgumentException.class, ea::onInit);
        final BackfillHistorySimulator script =
                new BackfillHistorySimulator(Mql5Fixture.terminal("EURUSD_20260713", "EURUSD", 5));
        script.serverTz = "Mars/Olympus";
        assertFalse(script.onStart(), "nothing sent");
        assertTrue(
                script.comments.get(0).contains("unknown time zone [value=Mars/Olympus]"), script.comments.toString());
    }

    @ParameterizedTest(name = "{0} at the {1} switch")
    @MethodSource("switches")
    void shouldStoreTheUtcCandlesAcrossTheSwitch(
            final String tz, final String name, final Instant switchAt, @TempDir final Path dir) throws Exception {
        final long switchMsc = switchAt.toEpochMilli();
        final LongUnaryOperator clock = brokerClock(tz);
        final boolean switches = clock.applyAsLong(switchMsc - 3_600_000L) != clock.applyAsLong(switchMsc + 3_600_000L);
        final Mql5Fixture engine = new Mql5Fixture(dir.resolve("engine"));
        final List<TickFiles.Tick> live = ticksAround("LIVE", switchMsc, 1);
        final List<TickFiles.Tick> catchUp = ticksAround("CATCHUP", switchMsc, 2);
        final List<TickFiles.Tick> bfTicks = ticksAround("BFTICKS", switchMsc, 3);
        final List<TickFiles.Tick> bfBars = ticksAround("BFBARS", switchMsc, 4);
        final List<TickFiles.Tick> bfNoRule = ticksAround("BFNORULE", switchMsc, 5);
        final EngineServer server = engine.start();
        try {
            // The collector live, no InpServerTz: the offset measured per batch follows the switch.
            final Terminal liveTerminal = new Terminal("LIVE", 5, live, clock);
            final TickCollectorSimulator liveEa = Mql5Fixture.collector(engine, dir.resolve("live"), 100, liveTerminal);
            liveEa.onInit();
            final int beforeSwitch =
                    (int) live.stream().filter(t -> t.timeMsc() < switchMsc).count();
            final Random random = new Random(name.hashCode());
            int timers = 0;
            final List<Integer> offsets = new ArrayList<>();
            while (!liveTerminal.allArrived() || liveEa.pendingBatches() > 0) {
                liveTerminal.arriveUpTo(Math.min(
                        liveTerminal.arrived() < beforeSwitch ? beforeSwitch : live.size(),
                        liveTerminal.arrived() + random.nextInt(40)));
                liveEa.onTimer();
                offsets.add(liveEa.offsetS);
                assertTrue(++timers < 10_000, "the EA never caught up: " + liveEa.log);
            }
            assertEquals(switches, offsets.stream().distinct().count() == 2, "offsets measured: " + offsets);
            assertEquals(200, (int) liveEa.symbolAnswers.get(0), "POST /symbols at the first timer");

            // The collector off across the switch, then catching up with InpServerTz.
            final Terminal catchUpTerminal = new Terminal("CATCHUP", 5, catchUp, clock);
            final TickCollectorSimulator catchUpEa =
                    Mql5Fixture.collector(engine, dir.resolve("catchup"), 100, catchUpTerminal);
            catchUpEa.serverTz = tz;
            catchUpEa.onInit();
            catchUpTerminal.arrive(catchUp.size());
            timers = 0;
            do {
                catchUpEa.onTimer(); // window by window, 60 minutes of history each
                assertTrue(++timers < 1_000, "the EA never caught up: " + catchUpEa.log);
            } while (catchUpEa.pendingBatches() > 0 || catchUpEa.accepted < catchUp.size());
            assertEquals("", catchUpEa.tzWarning, "the rule agrees with the server clock");

            // BackfillHistory, from its default range (the last day before now), ticks and bars.
            for (final List<TickFiles.Tick> ticks : List.of(bfTicks, bfBars, bfNoRule)) {
                final Terminal terminal = new Terminal(ticks.get(0).symbol(), 5, ticks, clock);
                terminal.setClock(switchMsc + 3 * 3_600_000L);
                final BackfillHistorySimulator script = new BackfillHistorySimulator(terminal);
                script.baseUrl = engine.baseUrl();
                script.apiKey = KEY;
                script.mode =
                        ticks == bfBars ? BackfillHistorySimulator.Mode.BARS : BackfillHistorySimulator.Mode.TICKS;
                script.serverTz = ticks == bfNoRule ? "" : tz;
                script.batch = 200;
                assertTrue(script.onStart(), script.comments + " " + script.log);
                assertTrue(script.comments.get(script.comments.size() - 1).startsWith("BackfillHistory done"));
            }
        } finally {
            server.close();
        }
        try (CandleStore store = Stores.openStore(new EngineContext().set("data.dir", engine.dataDir.toString()))) {
            for (final List<TickFiles.Tick> ticks : List.of(live, catchUp, bfTicks, bfBars)) {
                assertEquals(
                        render(Candles.m1Of(ticks)),
                        renderRows(Candles.all(store, ticks.get(0).symbol(), Timeframe.M1)),
                        ticks.get(0).symbol() + " M1 candles vs the UTC ticks'");
            }
            // Without a rule the script converts the whole range with today's offset: an hour off on one side.
            final String noRule = renderRows(Candles.all(store, "BFNORULE", Timeframe.M1));
            if (switches) {
                assertNotEquals(render(Candles.m1Of(bfNoRule)), noRule, "one offset cannot be right on both sides");
            } else {
                assertEquals(render(Candles.m1Of(bfNoRule)), noRule);
            }
        }
    }

    /**
     * Ticks from 150 to 60 minutes before a switch and from 60 to 150 minutes after it, every 7 to 13 seconds: the
     * hour the server clock shows twice in autumn (a Sunday morning, when FX markets are closed) stays empty.
     */
    static List<TickFiles.Tick> ticksAround(final String symbol, final long switchMsc, final long seed) {
        final Random random = new Random(seed * 31 + switchMsc);
        final List<TickFiles.Tick> ticks = new ArrayList<>();
        double bid = 1.1;
        for (final long start : List.of(switchMsc - 150 * MINUTE_MSC, switchMsc + 60 * MINUTE_MSC)) {
            for (long t = start; t < start + 90 * MINUTE_MSC; t += 7_000 + random.nextInt(6_000)) {
                bid += (random.nextInt(21) - 10) * 0.00001;
                final double b = round5(bid);
                ticks.add(new TickFiles.Tick(symbol, t, b, round5(b + 0.00012), 0, 0, 6));
            }
        }
        return ticks;
    }

    private static double round5(final double v) {
        return BigDecimal.valueOf(v).setScale(5, RoundingMode.HALF_UP).doubleValue();
    }

    private static String render(final List<TickFiles.Candle> candles) {
        return candles.stream()
                .map(c -> c.openTimeMsc() + " " + c.open() + " " + c.high() + " " + c.low() + " " + c.close() + " "
                        + c.tickVolume())
                .collect(Collectors.joining("\n"));
    }

    private static String renderRows(final List<CandleRow> rows) {
        return rows.stream()
                .map(c -> c.openTimeMsc() + " " + c.open() + " " + c.high() + " " + c.low() + " " + c.close() + " "
                        + c.tickVolume())
                .collect(Collectors.joining("\n"));
    }
}
