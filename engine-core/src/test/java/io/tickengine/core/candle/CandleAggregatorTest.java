package io.tickengine.core.candle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.core.TickEngine;
import io.tickengine.core.store.CandleRow;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.Stores;
import io.tickengine.core.testsupport.Candles;
import io.tickengine.core.testsupport.SyntheticTicks;
import io.tickengine.core.tick.TickBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Candle rules, tick by tick: a few hand-made ticks go through the whole engine (ring, journal, aggregator, writer)
 * into the embedded SQLite store, and the bars read back after {@code close()} are compared with values worked out
 * by hand. Prices are binary fractions so every expected value is exact.
 */
class CandleAggregatorTest {
    /** A Monday, on the hour. */
    private static final long T0 = msc("2026-07-13T10:00:00Z");

    private static final long SECOND = 1_000;
    private static final long MINUTE = 60_000;

    @TempDir
    Path dataDir;

    @Test
    void shouldBuildOhlcFromBidAndCountTicksByDefault() throws Exception {
        final EngineContext context = context();
        try (TickEngine engine = TickEngine.start(context)) {
            final SyntheticTicks ticks = new SyntheticTicks(engine);
            // last is set and differs from bid: it must be ignored for an FX symbol.
            ticks.add("EURUSD", T0 + 1 * SECOND, 1.5, 1.75, 9.0, 0, null, TickBuffer.NO_SEQ)
                    .add("EURUSD", T0 + 2 * SECOND, 2.0, 2.5, 0.5, 0, null, TickBuffer.NO_SEQ)
                    .publish();
            ticks.add("EURUSD", T0 + 3 * SECOND, 1.25, 1.5, 9.5, 0, null, TickBuffer.NO_SEQ)
                    .add("EURUSD", T0 + 4 * SECOND, 1.75, 2.0, 0.25, 0, null, TickBuffer.NO_SEQ)
                    .publish();
        }
        final List<CandleRow> m1 = candles(context, "EURUSD", Timeframe.M1);
        assertEquals(1, m1.size());
        assertBar(m1.get(0), T0, 1.5, 2.0, 1.25, 1.75, 4);
        final List<CandleRow> h1 = candles(context, "EURUSD", Timeframe.H1);
        assertEquals(1, h1.size());
        assertBar(h1.get(0), T0, 1.5, 2.0, 1.25, 1.75, 4);
    }

    @Test
    void shouldSumVolumeRealOfItsTicksIntoRealVolume() throws Exception {
        final EngineContext context = context();
        try (TickEngine engine = TickEngine.start(context)) {
            new SyntheticTicks(engine)
                    .add("EURUSD", T0 + 1 * SECOND, 1.5, 1.75, 0, 0.5, null, TickBuffer.NO_SEQ)
                    .add("EURUSD", T0 + 2 * SECOND, 1.5, 1.75, 0, 1.25, null, TickBuffer.NO_SEQ)
                    .add("EURUSD", T0 + 3 * SECOND, 1.5, 1.75, 0, 2.0, null, TickBuffer.NO_SEQ)
                    .add("EURUSD", T0 + MINUTE + SECOND, 1.5, 1.75, 0, 4.0, null, TickBuffer.NO_SEQ)
                    .publish();
        }
        final List<CandleRow> m1 = candles(context, "EURUSD", Timeframe.M1);
        assertEquals(2, m1.size());
        assertEquals(3.75, m1.get(0).realVolume());
        assertEquals(3, m1.get(0).tickVolume());
        assertEquals(4.0, m1.get(1).realVolume());
        assertEquals(1, m1.get(1).tickVolume());
        assertEquals(7.75, candles(context, "EURUSD", Timeframe.H1).get(0).realVolume());
    }

    @Test
    void shouldBuildOhlcFromLastForSymbolsConfiguredForLastPrice() throws Exception {
        final EngineContext context = context().set("candles.last.price.symbols", "SBER");
        try (TickEngine engine = TickEngine.start(context)) {
            new SyntheticTicks(engine)
                    .add("SBER", T0 + 1 * SECOND, 299.0, 301.0, 300.5, 10, null, TickBuffer.NO_SEQ)
                    .add("SBER", T0 + 2 * SECOND, 250.0, 251.0, 301.25, 10, null, TickBuffer.NO_SEQ)
                    .add("SBER", T0 + 3 * SECOND, 350.0, 351.0, 299.75, 10, null, TickBuffer.NO_SEQ)
                    .add("SBER", T0 + 4 * SECOND, 299.0, 301.0, 300.0, 10, null, TickBuffer.NO_SEQ)
                    // A symbol not listed keeps using bid in the same engine.
                    .add("EURUSD", T0 + 1 * SECOND, 1.5, 1.75, 7.0, 0, null, TickBuffer.NO_SEQ)
                    .add("EURUSD", T0 + 2 * SECOND, 1.25, 1.5, 8.0, 0, null, TickBuffer.NO_SEQ)
                    .publish();
        }
        final List<CandleRow> sber = candles(context, "SBER", Timeframe.M1);
        assertEquals(1, sber.size());
        assertBar(sber.get(0), T0, 300.5, 301.25, 299.75, 300.0, 4);
        assertEquals(40.0, sber.get(0).realVolume());
        final List<CandleRow> eurusd = candles(context, "EURUSD", Timeframe.M1);
        assertEquals(1, eurusd.size());
        assertBar(eurusd.get(0), T0, 1.5, 1.5, 1.25, 1.25, 2);
    }

    @Test
    void shouldKeepTheMinimumSpreadOfTicksThatHadBothBidAndAsk() throws Exception {
        final EngineContext context = context();
        try (TickEngine engine = TickEngine.start(context)) {
            new SyntheticTicks(engine)
                    .tick("EURUSD", T0 + 1 * SECOND, 1.5, 0) // no ask: no spread yet
                    .tick("EURUSD", T0 + 2 * SECOND, 1.5, 2.0) // 0.5
                    .tick("EURUSD", T0 + 3 * SECOND, 1.25, 1.375) // 0.125
                    .tick("EURUSD", T0 + 4 * SECOND, 1.75, 2.0) // 0.25
                    .tick("EURUSD", T0 + 5 * SECOND, 1.5, 0) // no ask again: must not reset the minimum
                    .publish();
        }
        final List<CandleRow> m1 = candles(context, "EURUSD", Timeframe.M1);
        assertEquals(1, m1.size());
        assertEquals(0.125, m1.get(0).spread());
        assertEquals(5, m1.get(0).tickVolume());
        assertEquals(0.125, candles(context, "EURUSD", Timeframe.D1).get(0).spread());
    }

    @Test
    void shouldStoreSpreadAsNullWhenNoTickHadBothBidAndAsk() throws Exception {
        final EngineContext context = context().set("candles.last.price.symbols", "SBER");
        try (TickEngine engine = TickEngine.start(context)) {
            new SyntheticTicks(engine)
                    .tick("EURUSD", T0 + 1 * SECOND, 1.5, 0)
                    .tick("EURUSD", T0 + 2 * SECOND, 1.25, 0)
                    .add("SBER", T0 + 1 * SECOND, 0, 0, 300.5, 1, null, TickBuffer.NO_SEQ)
                    .add("SBER", T0 + 2 * SECOND, 0, 301.0, 300.75, 1, null, TickBuffer.NO_SEQ)
                    .publish();
        }
        final CandleRow eurusd = candles(context, "EURUSD", Timeframe.M1).get(0);
        assertTrue(Double.isNaN(eurusd.spread()), "spread of bid-only ticks [spread=" + eurusd.spread() + "]");
        assertEquals(2, eurusd.tickVolume());
        final CandleRow sber = candles(context, "SBER", Timeframe.M1).get(0);
        assertTrue(Double.isNaN(sber.spread()), "spread of last-only ticks [spread=" + sber.spread() + "]");
        assertBar(sber, T0, 300.5, 300.75, 300.5, 300.75, 2);
    }

    @Test
    void shouldCountTickWithoutItsPriceSourceAsNoPriceAndLeaveBarsUnchanged() throws Exception {
        final EngineContext context = context().set("candles.last.price.symbols", "SBER");
        final TickEngine engine = TickEngine.start(context);
        try (engine) {
            new SyntheticTicks(engine)
                    .tick("EURUSD", T0 + 1 * SECOND, 1.5, 1.75)
                    // bid 0: an FX bar has no price from it, even though its ask is set.
                    .tick("EURUSD", T0 + 2 * SECOND, 0, 3.0)
                    // The same in a minute with no other tick: no bar at all.
                    .tick("EURUSD", T0 + MINUTE + SECOND, 0, 2.0)
                    .add("SBER", T0 + 1 * SECOND, 99.0, 101.0, 100.0, 1, null, TickBuffer.NO_SEQ)
                    // last 0 for a last-price symbol; its tighter bid/ask must not reach the bar's spread either.
                    .add("SBER", T0 + 2 * SECOND, 99.5, 100.0, 0, 1, null, TickBuffer.NO_SEQ)
                    .publish();
        }
        // Counters read after close: nothing is still being applied.
        assertEquals(3, engine.metrics().ticksNoPrice.get());
        assertEquals(5, engine.metrics().ticksJournaled.get(), "a tick without price is still journaled");
        final List<CandleRow> eurusd = candles(context, "EURUSD", Timeframe.M1);
        assertEquals(1, eurusd.size(), "no bar for a minute whose only tick had no price");
        assertBar(eurusd.get(0), T0, 1.5, 1.5, 1.5, 1.5, 1);
        assertEquals(0.25, eurusd.get(0).spread());
        final List<CandleRow> sber = candles(context, "SBER", Timeframe.M1);
        assertEquals(1, sber.size());
        assertBar(sber.get(0), T0, 100.0, 100.0, 100.0, 100.0, 1);
        assertEquals(2.0, sber.get(0).spread());
        assertEquals(1.0, sber.get(0).realVolume());
    }

    @Test
    void shouldRebuildTheFinalBarOfATickOlderThanTheLateWindowFromTheStoredTicks() throws Exception {
        final EngineContext context = context().set("candles.late.window.ms", "10000");
        final TickEngine engine = TickEngine.start(context);
        try (engine) {
            final SyntheticTicks ticks = new SyntheticTicks(engine);
            ticks.tick("EURUSD", T0 + 30 * SECOND, 1.5, 1.75).publish();
            // Newest tick 15 s after the T0 bar closed: that bar is final with a 10 s window.
            ticks.tick("EURUSD", T0 + 75 * SECOND, 2.0, 2.25).publish();
            ticks.tick("EURUSD", T0 + 40 * SECOND, 3.0, 3.25).publish();
        }
        // Counters read after close: the tick store has caught up and the rebuilds are done.
        assertEquals(1, engine.metrics().ticksLate.get());
        assertEquals(3, engine.metrics().ticksStored.get(), "every tick is stored");
        assertTrue(engine.metrics().barsRebuilt.get() >= 1, "the final bar is rebuilt");
        final List<CandleRow> m1 = candles(context, "EURUSD", Timeframe.M1);
        assertEquals(2, m1.size());
        assertBar(m1.get(0), T0, 1.5, 3.0, 1.5, 3.0, 2);
        assertBar(m1.get(1), T0 + MINUTE, 2.0, 2.0, 2.0, 2.0, 1);
        // The open H1 bar takes the late tick as it is: it holds every tick of its hour.
        final List<CandleRow> h1 = candles(context, "EURUSD", Timeframe.H1);
        assertEquals(1, h1.size());
        assertBar(h1.get(0), T0, 1.5, 3.0, 1.5, 2.0, 3);
    }

    @Test
    void shouldUpdateBarWithTickInsideLateWindowChoosingOpenAndCloseByTime() throws Exception {
        final EngineContext context = context().set("candles.late.window.ms", "10000");
        final TickEngine engine = TickEngine.start(context);
        try (engine) {
            final SyntheticTicks ticks = new SyntheticTicks(engine);
            ticks.tick("EURUSD", T0 + 30 * SECOND, 1.5, 1.75).publish();
            // Newest tick 5 s after the T0 bar closed: still inside the 10 s window.
            ticks.tick("EURUSD", T0 + 65 * SECOND, 2.0, 2.25).publish();
            ticks.tick("EURUSD", T0 + 20 * SECOND, 1.25, 1.5).publish(); // earliest: the new open
            ticks.tick("EURUSD", T0 + 50 * SECOND, 1.375, 1.5).publish(); // latest of its bar: the new close
        }
        // Counters read after close: nothing is still being applied.
        assertEquals(0, engine.metrics().ticksLate.get());
        final List<CandleRow> m1 = candles(context, "EURUSD", Timeframe.M1);
        assertEquals(2, m1.size());
        assertBar(m1.get(0), T0, 1.25, 1.5, 1.25, 1.375, 3);
        assertBar(m1.get(1), T0 + MINUTE, 2.0, 2.0, 2.0, 2.0, 1);
        final List<CandleRow> h1 = candles(context, "EURUSD", Timeframe.H1);
        assertBar(h1.get(0), T0, 1.25, 2.0, 1.25, 2.0, 4);
    }

    @Test
    void shouldBuildExactBarsOfASymbolBehindTheMarketClock() throws Exception {
        final EngineContext context = context().set("candles.late.window.ms", "10000");
        final TickEngine engine = TickEngine.start(context);
        try (engine) {
            final SyntheticTicks ticks = new SyntheticTicks(engine);
            ticks.tick("EURUSD", T0 + 5 * MINUTE, 1.5, 1.75).publish();
            ticks.tick("GBPUSD", T0 + 30 * SECOND, 1.25, 1.5).publish();
            ticks.tick("GBPUSD", T0 + 40 * SECOND, 1.5, 1.75).publish();
        }
        // The market is at T0 + 5 min, so GBPUSD's T0 bar is final: its ticks are stored and the bar rebuilt.
        assertEquals(2, engine.metrics().ticksLate.get());
        final List<CandleRow> gbpusd = candles(context, "GBPUSD", Timeframe.M1);
        assertEquals(1, gbpusd.size());
        assertBar(gbpusd.get(0), T0, 1.25, 1.5, 1.25, 1.5, 2);
        final List<CandleRow> h1 = candles(context, "GBPUSD", Timeframe.H1);
        assertBar(h1.get(0), T0, 1.25, 1.5, 1.25, 1.5, 2);
    }

    @Test
    void shouldSplitD1BarsAtTheSessionOffset() throws Exception {
        final EngineContext context = context().set("candles.session.offset.minutes", "120");
        try (TickEngine engine = TickEngine.start(context)) {
            new SyntheticTicks(engine)
                    .tick("EURUSD", msc("2026-07-13T21:59:59Z"), 1.5, 1.75)
                    .tick("EURUSD", msc("2026-07-13T22:00:00Z"), 2.0, 2.25)
                    .publish();
        }
        final List<CandleRow> d1 = candles(context, "EURUSD", Timeframe.D1);
        assertEquals(2, d1.size());
        assertBar(d1.get(0), msc("2026-07-12T22:00:00Z"), 1.5, 1.5, 1.5, 1.5, 1);
        assertBar(d1.get(1), msc("2026-07-13T22:00:00Z"), 2.0, 2.0, 2.0, 2.0, 1);
        // Intraday bars do not move with the session offset.
        final List<CandleRow> h1 = candles(context, "EURUSD", Timeframe.H1);
        assertEquals(msc("2026-07-13T21:00:00Z"), h1.get(0).openTimeMsc());
        assertEquals(msc("2026-07-13T22:00:00Z"), h1.get(1).openTimeMsc());
    }

    @Test
    void shouldPutBothTicksInOneD1BarAtUtcMidnightWithoutSessionOffset() throws Exception {
        final EngineContext context = context();
        try (TickEngine engine = TickEngine.start(context)) {
            new SyntheticTicks(engine)
                    .tick("EURUSD", msc("2026-07-13T21:59:59Z"), 1.5, 1.75)
                    .tick("EURUSD", msc("2026-07-13T22:00:00Z"), 2.0, 2.25)
                    .publish();
        }
        final List<CandleRow> d1 = candles(context, "EURUSD", Timeframe.D1);
        assertEquals(1, d1.size());
        assertBar(d1.get(0), msc("2026-07-13T00:00:00Z"), 1.5, 2.0, 1.5, 2.0, 2);
    }

    @Test
    void shouldStartW1BarsOnSundayMidnightServerTime() throws Exception {
        final EngineContext context =
                context().set("candles.timeframes", "M1,W1").set("candles.session.offset.minutes", "120");
        try (TickEngine engine = TickEngine.start(context)) {
            new SyntheticTicks(engine)
                    // Saturday 23:59:59 and Sunday 00:00:00 in UTC+2.
                    .tick("EURUSD", msc("2026-07-18T21:59:59Z"), 1.5, 1.75)
                    .tick("EURUSD", msc("2026-07-18T22:00:00Z"), 2.0, 2.25)
                    .publish();
        }
        final List<CandleRow> w1 = candles(context, "EURUSD", Timeframe.W1);
        assertEquals(2, w1.size());
        assertBar(w1.get(0), msc("2026-07-11T22:00:00Z"), 1.5, 1.5, 1.5, 1.5, 1);
        assertBar(w1.get(1), msc("2026-07-18T22:00:00Z"), 2.0, 2.0, 2.0, 2.0, 1);
    }

    @Test
    void shouldBuildOnlyTheConfiguredTimeframes() throws Exception {
        final EngineContext context = context().set("candles.timeframes", "M1,H1");
        try (TickEngine engine = TickEngine.start(context)) {
            new SyntheticTicks(engine)
                    .tick("EURUSD", T0 + 1 * SECOND, 1.5, 1.75)
                    .tick("EURUSD", T0 + 2 * MINUTE, 2.0, 2.25)
                    .publish();
        }
        for (final Timeframe tf : Timeframe.values()) {
            final List<CandleRow> rows = candles(context, "EURUSD", tf);
            switch (tf) {
                case M1 -> assertEquals(2, rows.size(), "M1 bars");
                case H1 -> assertEquals(1, rows.size(), "H1 bars");
                default -> assertEquals(List.of(), rows, tf + " is not configured");
            }
        }
    }

    @Test
    void shouldCountEachTickOnceWhenATimeframeIsListedTwiceInDifferentCase() throws Exception {
        final EngineContext context = context().set("candles.timeframes", "M1,m1");
        try (TickEngine engine = TickEngine.start(context)) {
            new SyntheticTicks(engine)
                    .add("EURUSD", T0 + 1 * SECOND, 1.5, 1.75, 0, 0.5, null, TickBuffer.NO_SEQ)
                    .publish();
        }
        final List<CandleRow> m1 = candles(context, "EURUSD", Timeframe.M1);
        assertEquals(1, m1.size());
        assertBar(m1.get(0), T0, 1.5, 1.5, 1.5, 1.5, 1);
        assertEquals(0.5, m1.get(0).realVolume());
    }

    @Test
    void shouldBreakTiesWithinAMillisecondBySeqNotByArrival() throws Exception {
        final EngineContext context = context();
        final long t = T0 + 5 * SECOND;
        final TickEngine engine = TickEngine.start(context);
        try (engine) {
            final SyntheticTicks ticks = new SyntheticTicks(engine);
            ticks.add("EURUSD", t, 1.5, 1.75, 0, 0, "src-a", 10).publish();
            ticks.add("EURUSD", t, 1.25, 1.5, 0, 0, "src-b", 5).publish();
            ticks.add("EURUSD", t, 1.375, 1.5, 0, 0, "src-b", 7).publish();
        }
        // Counters read after close: nothing is still being applied.
        assertEquals(0, engine.metrics().ticksDuplicate.get());
        // By seq: 5 (1.25), 7 (1.375), 10 (1.5). By arrival it would open at 1.5 and close at 1.375.
        final List<CandleRow> m1 = candles(context, "EURUSD", Timeframe.M1);
        assertEquals(1, m1.size());
        assertBar(m1.get(0), T0, 1.25, 1.5, 1.25, 1.5, 3);
    }

    @Test
    void shouldBreakTiesWithinAMillisecondByArrivalWhenTicksHaveNoSeq() throws Exception {
        final EngineContext context = context();
        final long t = T0 + 5 * SECOND;
        try (TickEngine engine = TickEngine.start(context)) {
            final SyntheticTicks ticks = new SyntheticTicks(engine);
            ticks.tick("EURUSD", t, 1.5, 1.75).publish();
            ticks.tick("EURUSD", t, 1.25, 1.5).publish();
            ticks.tick("EURUSD", t, 1.375, 1.5).publish();
        }
        final List<CandleRow> m1 = candles(context, "EURUSD", Timeframe.M1);
        assertBar(m1.get(0), T0, 1.5, 1.5, 1.25, 1.375, 3);
    }

    @Test
    void shouldKeepTickAndRealVolumeWhenARestartReplaysOpenBars() throws Exception {
        final EngineContext context = context();
        try (TickEngine engine = TickEngine.start(context)) {
            new SyntheticTicks(engine)
                    .add("EURUSD", T0 + 1 * SECOND, 1.5, 1.75, 0, 0.5, null, TickBuffer.NO_SEQ)
                    .add("EURUSD", T0 + 2 * SECOND, 1.25, 1.5, 0, 0.25, null, TickBuffer.NO_SEQ)
                    .publish();
        }
        try (TickEngine restarted = TickEngine.start(context())) {
            assertEquals(2, restarted.metrics().ticksReplayed.get(), "the open bar is rebuilt from the journal");
        }
        final CandleRow m1 = candles(context, "EURUSD", Timeframe.M1).get(0);
        assertBar(m1, T0, 1.5, 1.5, 1.25, 1.25, 2);
        assertEquals(0.75, m1.realVolume());
        assertEquals(0.25, m1.spread());
    }

    @Test
    void shouldKeepEveryBarWhenMoreBarsAreOpenThanTheBookFirstHolds() throws Exception {
        // 40 symbols x 7 timeframes = 280 open bars, past the book's first 256 slots; with no late window each new
        // minute also closes the previous M1 bars, so freed slots are reused after the book has grown.
        final int symbols = 40;
        final EngineContext context = context().set("candles.late.window.ms", "0");
        final TickEngine engine = TickEngine.start(context);
        try (engine) {
            final SyntheticTicks ticks = new SyntheticTicks(engine);
            for (int minute = 0; minute < 3; minute++) {
                for (int s = 0; s < symbols; s++) {
                    final double bid = s + 1 + minute * 0.25;
                    ticks.tick(symbolName(s), T0 + minute * MINUTE + SECOND, bid, bid + 0.5);
                }
                ticks.publish();
            }
        }
        assertEquals(0, engine.metrics().handlerErrors.get(), "aggregator errors");
        assertEquals(3 * symbols, engine.metrics().ticksAggregated.get());
        try (CandleStore store = Stores.openStore(context)) {
            for (int s = 0; s < symbols; s++) {
                final List<CandleRow> m1 = Candles.all(store, symbolName(s), Timeframe.M1);
                assertEquals(3, m1.size(), symbolName(s) + " M1 bars");
                for (int minute = 0; minute < 3; minute++) {
                    final double bid = s + 1 + minute * 0.25;
                    assertBar(m1.get(minute), T0 + minute * MINUTE, bid, bid, bid, bid, 1);
                }
                for (final Timeframe tf : List.of(Timeframe.M5, Timeframe.M15, Timeframe.M30, Timeframe.H1)) {
                    final List<CandleRow> bars = Candles.all(store, symbolName(s), tf);
                    assertEquals(1, bars.size(), symbolName(s) + " " + tf + " bars");
                    assertBar(bars.get(0), T0, s + 1, s + 1.5, s + 1, s + 1.5, 3);
                }
            }
        }
    }

    @Test
    void shouldHandOverTheSeqWindowsOfMoreSourcesThanTheWritersRingHoldsAtOnce() throws Exception {
        // 60 sources in one checkpoint: 60 windows of 4 KiB, where the 64 KiB writer ring takes 15 at once.
        final EngineContext context = context();
        try (TickEngine engine = TickEngine.start(context)) {
            final SyntheticTicks ticks = new SyntheticTicks(engine);
            for (int i = 0; i < 60; i++) {
                ticks.add("EURUSD", T0 + i * SECOND, 1.5, 1.75, 0, 0, "src-" + i, i + 1);
            }
            ticks.publish();
            awaitCommitted(engine);
        }
        try (CandleStore store = Stores.openStore(context)) {
            final var sources = store.loadRecoveryState().sources();
            assertEquals(60, sources.size());
            assertEquals(60, sources.get("src-59").lastSeq());
        }
    }

    private static void awaitCommitted(final TickEngine engine) {
        final long deadlineNs = System.nanoTime() + 30_000_000_000L;
        while (engine.committedJournalIndex() < engine.journal().lastIndex()) {
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError("writer did not commit in 30 s [committed=" + engine.committedJournalIndex()
                        + ", journal=" + engine.journal().lastIndex() + "]");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000L);
        }
    }

    private static String symbolName(final int i) {
        return String.format(java.util.Locale.ROOT, "SYM%03d", i);
    }

    private EngineContext context() {
        return new EngineContext()
                .set("data.dir", dataDir.toString())
                .set("ring.size", "1024")
                .set("ring.max.batch", "64")
                .set("writer.flush.interval.ms", "20")
                .set("writer.ring.bytes", "65536")
                .set("writer.backoff.min.ms", "20")
                .set("writer.backoff.max.ms", "200")
                .set("names.capacity", "1024");
    }

    private static List<CandleRow> candles(final EngineContext context, final String symbol, final Timeframe tf)
            throws Exception {
        try (CandleStore store = Stores.openStore(context)) {
            return Candles.all(store, symbol, tf);
        }
    }

    private static void assertBar(
            final CandleRow bar,
            final long openTimeMsc,
            final double open,
            final double high,
            final double low,
            final double close,
            final long tickVolume) {
        final String expected = Instant.ofEpochMilli(openTimeMsc) + " " + open + "/" + high + "/" + low + "/" + close
                + " x" + tickVolume;
        final String actual = Instant.ofEpochMilli(bar.openTimeMsc()) + " " + bar.open() + "/" + bar.high() + "/"
                + bar.low() + "/" + bar.close() + " x" + bar.tickVolume();
        assertEquals(expected, actual, bar.timeframe() + " bar (open time, O/H/L/C, tick volume)");
    }

    private static long msc(final String instant) {
        return Instant.parse(instant).toEpochMilli();
    }
}
