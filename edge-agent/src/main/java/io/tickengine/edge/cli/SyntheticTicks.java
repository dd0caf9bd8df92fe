package io.tickengine.edge.cli;

import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import java.util.SplittableRandom;

/**
 * Plausible ticks for the catch-up benchmark: four symbols with FX- and gold-like prices on a random walk, rounded
 * to their digits, 1 to 100 ms apart (50 ms on average), in time order, bid/ask only as MT5 sends FX.
 */
final class SyntheticTicks {
    private static final String[] SYMBOLS = {"EURUSD", "GBPUSD", "USDJPY", "XAUUSD"};
    private static final double[] START = {1.14273, 1.27105, 151.203, 2650.51};
    private static final double[] SCALE = {1e5, 1e5, 1e3, 1e2};
    private static final double[] SPREAD_POINTS = {2, 3, 3, 25};

    private final SplittableRandom random;
    private final NameTable symbols;
    private final int[] symbolIds = new int[SYMBOLS.length];
    private final long[] points = new long[SYMBOLS.length];
    private long timeMsc;

    /**
     * @param suffix appended to each symbol name, so repeated runs against one engine are new symbols (equal work,
     *     no late ticks).
     */
    SyntheticTicks(final long seed, final long startMsc, final String suffix, final NameTable symbols) {
        this.random = new SplittableRandom(seed);
        this.symbols = symbols;
        this.timeMsc = startMsc;
        for (int s = 0; s < SYMBOLS.length; s++) {
            symbolIds[s] = symbols.intern(SYMBOLS[s] + suffix);
            if (symbolIds[s] < 0) {
                throw new IllegalArgumentException("invalid symbol suffix [suffix=" + suffix + "]");
            }
            points[s] = Math.round(START[s] * SCALE[s]);
        }
    }

    /** @return the table the symbols are interned in. */
    NameTable symbols() {
        return symbols;
    }

    /** Clears {@code out} and adds the next {@code n} ticks. */
    void fill(final TickBuffer out, final int n) {
        out.clear();
        for (int i = 0; i < n; i++) {
            final int s = random.nextInt(SYMBOLS.length);
            timeMsc += 1 + random.nextInt(100);
            points[s] = Math.max(1, points[s] + random.nextInt(-3, 4));
            final double bid = points[s] / SCALE[s];
            final double ask = (points[s] + SPREAD_POINTS[s]) / SCALE[s];
            out.add(symbolIds[s], timeMsc, bid, ask, 0, 0, 0, 6, TickBuffer.NO_SOURCE, TickBuffer.NO_SEQ);
        }
    }

    /** @return the time span {@code n} ticks cover on average, to choose a start time that keeps them in the past. */
    static long averageSpanMsc(final long n) {
        return n * 51;
    }
}
