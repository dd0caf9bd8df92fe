package io.tickengine.core.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tickengine.core.candle.BarMath;
import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.store.CandleRow;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.StoreException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Assertions on candles read back from a store. */
public final class Candles {
    private Candles() {}

    public static List<CandleRow> all(final CandleStore store, final String symbol, final Timeframe tf)
            throws StoreException {
        return store.candles(symbol, tf, 0, Long.MAX_VALUE / 2, 1_000_000);
    }

    /** Asserts the store's M1 bars of the fixture equal its expected file, bar for bar. */
    public static void assertExpectedM1(final CandleStore store, final String fixture) throws StoreException {
        assertExpectedM1(store, fixture, 0);
    }

    /**
     * Asserts the store's M1 bars equal the fixture's expected file with every open time moved by {@code shiftMsc}
     * (whole minutes), for the fixture's ticks moved by as much.
     */
    public static void assertExpectedM1(final CandleStore store, final String fixture, final long shiftMsc)
            throws StoreException {
        final List<TickFiles.Candle> expected = TickFiles.expectedM1(fixture).stream()
                .map(c -> new TickFiles.Candle(
                        c.symbol(),
                        c.timeframe(),
                        c.openTimeMsc() + shiftMsc,
                        c.open(),
                        c.high(),
                        c.low(),
                        c.close(),
                        c.tickVolume()))
                .toList();
        final List<CandleRow> actual = all(store, expected.get(0).symbol(), Timeframe.M1);
        assertEquals(render(expected), renderRows(actual), "M1 candles of " + fixture + " moved by " + shiftMsc);
    }

    /**
     * Asserts the store's M1 bars of the ticks' symbol equal the bars {@code ticks} give, bar for bar: the candles of
     * exactly these ticks (e.g. the acknowledged ones), computed here with {@link BarMath}'s rules (bid price, ties in
     * a millisecond broken by the list order, as by seq).
     */
    public static void assertM1OfTicks(final CandleStore store, final List<TickFiles.Tick> ticks)
            throws StoreException {
        final String symbol = ticks.get(0).symbol();
        assertEquals(render(m1Of(ticks)), renderRows(all(store, symbol, Timeframe.M1)), "M1 candles of the ticks");
    }

    /** @return the M1 candles {@code ticks} give (each counted once), in time order. */
    public static List<TickFiles.Candle> m1Of(final List<TickFiles.Tick> ticks) {
        final List<TickFiles.Tick> inOrder = new ArrayList<>(ticks);
        // Stable: ticks of one millisecond keep their list order, as their seqs order them.
        inOrder.sort(java.util.Comparator.comparingLong(TickFiles.Tick::timeMsc));
        final Map<Long, TickFiles.Candle> bars = new LinkedHashMap<>();
        for (final TickFiles.Tick t : inOrder) {
            final double price = BarMath.price(false, t.bid(), t.last());
            if (!(price > 0)) {
                continue;
            }
            final long open = Timeframe.M1.openTime(t.timeMsc(), 0);
            final TickFiles.Candle bar = bars.get(open);
            bars.put(
                    open,
                    bar == null
                            ? new TickFiles.Candle(t.symbol(), "M1", open, price, price, price, price, 1)
                            : new TickFiles.Candle(
                                    t.symbol(),
                                    "M1",
                                    open,
                                    bar.open(),
                                    Math.max(bar.high(), price),
                                    Math.min(bar.low(), price),
                                    price,
                                    bar.tickVolume() + 1));
        }
        return new ArrayList<>(bars.values());
    }

    /** Asserts every higher timeframe equals its M1 bars recombined. */
    public static void assertHigherTimeframesMatchM1(
            final CandleStore store, final String symbol, final List<Timeframe> timeframes, final long sessionOffsetMsc)
            throws StoreException {
        final List<CandleRow> m1 = all(store, symbol, Timeframe.M1);
        for (final Timeframe tf : timeframes) {
            if (tf == Timeframe.M1) {
                continue;
            }
            final Map<Long, CandleRow> recombined = new LinkedHashMap<>();
            for (final CandleRow bar : m1) {
                final long open = tf.openTime(bar.openTimeMsc(), sessionOffsetMsc);
                final CandleRow acc = recombined.get(open);
                recombined.put(
                        open,
                        acc == null
                                ? new CandleRow(
                                        symbol,
                                        tf,
                                        open,
                                        bar.open(),
                                        bar.high(),
                                        bar.low(),
                                        bar.close(),
                                        bar.tickVolume(),
                                        bar.realVolume(),
                                        bar.spread())
                                : new CandleRow(
                                        symbol,
                                        tf,
                                        open,
                                        acc.open(),
                                        Math.max(acc.high(), bar.high()),
                                        Math.min(acc.low(), bar.low()),
                                        bar.close(),
                                        acc.tickVolume() + bar.tickVolume(),
                                        acc.realVolume() + bar.realVolume(),
                                        minSpread(acc.spread(), bar.spread())));
            }
            assertEquals(
                    renderRows(new ArrayList<>(recombined.values())),
                    renderRows(all(store, symbol, tf)),
                    tf + " recomputed from M1");
        }
    }

    private static double minSpread(final double a, final double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.min(a, b);
    }

    private static String render(final List<TickFiles.Candle> candles) {
        final List<CandleRow> rows = new ArrayList<>();
        for (final TickFiles.Candle c : candles) {
            rows.add(new CandleRow(
                    c.symbol(),
                    Timeframe.parse(c.timeframe()),
                    c.openTimeMsc(),
                    c.open(),
                    c.high(),
                    c.low(),
                    c.close(),
                    c.tickVolume(),
                    0,
                    Double.NaN));
        }
        return renderRows(rows);
    }

    private static String renderRows(final List<CandleRow> rows) {
        final StringBuilder sb = new StringBuilder();
        for (final CandleRow c : rows) {
            sb.append(c.symbol())
                    .append(',')
                    .append(c.timeframe())
                    .append(',')
                    .append(c.openTimeMsc())
                    .append(',')
                    .append(c.open())
                    .append(',')
                    .append(c.high())
                    .append(',')
                    .append(c.low())
                    .append(',')
                    .append(c.close())
                    .append(',')
                    .append(c.tickVolume())
                    .append('\n');
        }
        return sb.toString();
    }
}
