package io.tickengine.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One "pass" of ticks, in time order, column by column: the real tick files (engine CSV,
 * {@code symbol,time_msc,bid,ask,last,volume,flags}) each moved to start at the same base time and merged, or a
 * generated multi-symbol random walk. A load run replays the pass over and over, each time {@link #passShiftMsc()}
 * later, so time only moves forward: the engine aggregates every tick (none is late), and QuestDB never sees
 * out-of-order rows.
 */
public final class TickStream {
    final String[] symbols;
    final int[] symbol;
    final long[] timeMsc;
    final double[] bid;
    final double[] ask;
    final double[] last;
    final long[] volume;
    final int[] flags;
    final long passShiftMsc;

    private TickStream(
            final String[] symbols,
            final int[] symbol,
            final long[] timeMsc,
            final double[] bid,
            final double[] ask,
            final double[] last,
            final long[] volume,
            final int[] flags,
            final long passShiftMsc) {
        this.symbols = symbols;
        this.symbol = symbol;
        this.timeMsc = timeMsc;
        this.bid = bid;
        this.ask = ask;
        this.last = last;
        this.volume = volume;
        this.flags = flags;
        this.passShiftMsc = passShiftMsc;
    }

    /** @return the symbol names, by the ids in {@link #symbol}. */
    public String[] symbols() {
        return symbols.clone();
    }

    public int symbol(final int i) {
        return symbol[i];
    }

    public long timeMsc(final int i) {
        return timeMsc[i];
    }

    public double bid(final int i) {
        return bid[i];
    }

    public double ask(final int i) {
        return ask[i];
    }

    /** @return the number of ticks in one pass. */
    public int size() {
        return timeMsc.length;
    }

    /**
     * @return how much later each pass is than the one before: the tick files' span rounded up to whole hours, a
     *     generated pass's span.
     */
    public long passShiftMsc() {
        return passShiftMsc;
    }

    /**
     * Reads engine-CSV tick files; each file's first tick is moved to {@code baseMsc} (its time of day kept modulo
     * the hour, so bar boundaries fall where they fell), then all are merged by time.
     */
    public static TickStream fromFiles(final List<Path> files, final long baseMsc) {
        final Map<String, Integer> names = new LinkedHashMap<>();
        final List<long[]> rows = new ArrayList<>(); // {time, symbol, bidBits, askBits, lastBits, volume, flags}
        long span = 0;
        for (final Path file : files) {
            final List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
            long first = Long.MIN_VALUE;
            for (final String line : lines) {
                if (line.isBlank() || line.startsWith("symbol,")) {
                    continue;
                }
                final String[] f = line.split(",");
                final long t = Long.parseLong(f[1]);
                if (first == Long.MIN_VALUE) {
                    first = t - Math.floorMod(t, 3_600_000L);
                }
                final long time = baseMsc + (t - first);
                span = Math.max(span, time - baseMsc);
                final int id = names.computeIfAbsent(f[0], k -> names.size());
                rows.add(new long[] {
                    time,
                    id,
                    Double.doubleToRawLongBits(Double.parseDouble(f[2])),
                    Double.doubleToRawLongBits(Double.parseDouble(f[3])),
                    Double.doubleToRawLongBits(Double.parseDouble(f[4])),
                    Long.parseLong(f[5]),
                    Integer.parseInt(f[6].trim())
                });
            }
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no ticks in " + files);
        }
        rows.sort((a, b) -> Long.compare(a[0], b[0]));
        final int n = rows.size();
        final int[] symbol = new int[n];
        final long[] time = new long[n];
        final double[] bid = new double[n];
        final double[] ask = new double[n];
        final double[] last = new double[n];
        final long[] volume = new long[n];
        final int[] flags = new int[n];
        for (int i = 0; i < n; i++) {
            final long[] r = rows.get(i);
            time[i] = r[0];
            symbol[i] = (int) r[1];
            bid[i] = Double.longBitsToDouble(r[2]);
            ask[i] = Double.longBitsToDouble(r[3]);
            last[i] = Double.longBitsToDouble(r[4]);
            volume[i] = r[5];
            flags[i] = (int) r[6];
        }
        return new TickStream(
                names.keySet().toArray(new String[0]),
                symbol,
                time,
                bid,
                ask,
                last,
                volume,
                flags,
                roundUpToHour(span + 1));
    }

    /**
     * A random walk over {@code symbolCount} symbols, prices with 5 decimals (3 for the JPY-like ones), bid and ask
     * flags. Each symbol ticks every 0-19 ms of market time, whatever their number: the stream steps that divided by
     * the number of symbols. (With the whole stream stepping 0-19 ms, 5,000 symbols had 5,000 times fewer ticks per
     * bar than one, and a run over them measured the store's bar upserts, about one per tick, not the engine.) The
     * next pass starts 1 ms after this one ends, so market time runs on without a gap: a pass shift rounded up to
     * the hour, as for the real files, jumped every symbol's M1 to H1 bars at each pass, which over 5,000 symbols
     * (a pass of 0.4 s of market time) meant a new bar every 8 ticks against one per 100,000 for one symbol.
     */
    public static TickStream generated(final int count, final int symbolCount, final long baseMsc, final long seed) {
        final String[] names = generatedNames(symbolCount);
        final SplittableRandom random = new SplittableRandom(seed);
        final double[] price = new double[symbolCount];
        for (int i = 0; i < symbolCount; i++) {
            price[i] = startPrice(names[i], random);
        }
        final int[] symbol = new int[count];
        final long[] time = new long[count];
        final double[] bid = new double[count];
        final double[] ask = new double[count];
        final double[] last = new double[count];
        final long[] volume = new long[count];
        final int[] flags = new int[count];
        long t = baseMsc;
        long stepUs = 0;
        for (int i = 0; i < count; i++) {
            final int s = random.nextInt(symbolCount);
            final double scale = scale(names[s]);
            price[s] = step(price[s], scale, random);
            symbol[i] = s;
            time[i] = t;
            bid[i] = round(price[s], scale);
            ask[i] = ask(price[s], scale, random);
            flags[i] = 6;
            stepUs += random.nextInt(20) * 1_000L / symbolCount;
            t += stepUs / 1_000;
            stepUs %= 1_000;
        }
        Arrays.fill(last, 0);
        return new TickStream(names, symbol, time, bid, ask, last, volume, flags, t - baseMsc + 1);
    }

    /**
     * The same random walk laid out as one EA per symbol sends it: {@code ticksPerRequest} consecutive ticks of
     * symbol 0, then as many of symbol 1, and so on, so that requests of {@code ticksPerRequest} ticks each carry one
     * symbol. Every symbol's ticks step 0-19 ms of market time from the pass's start, as one symbol's do in
     * {@link #generated}; the pass is one request per symbol, and the next one starts after the longest symbol's span,
     * so each symbol's time only moves forward and no symbol trails the market clock by more than one pass (well
     * inside the engine's late window).
     */
    public static TickStream generatedBySymbol(
            final int symbolCount, final int ticksPerRequest, final long baseMsc, final long seed) {
        if (symbolCount < 1 || ticksPerRequest < 1) {
            throw new IllegalArgumentException("symbols and ticks per request must be positive [symbols=" + symbolCount
                    + ", ticksPerRequest=" + ticksPerRequest + "]");
        }
        final long count = (long) symbolCount * ticksPerRequest;
        if (count > 50_000_000L) {
            throw new IllegalArgumentException("a pass of one request per symbol would hold " + count
                    + " ticks; at most 50,000,000 [symbols=" + symbolCount + ", ticksPerRequest=" + ticksPerRequest
                    + "]");
        }
        final String[] names = generatedNames(symbolCount);
        final SplittableRandom random = new SplittableRandom(seed);
        final int n = (int) count;
        final int[] symbol = new int[n];
        final long[] time = new long[n];
        final double[] bid = new double[n];
        final double[] ask = new double[n];
        final int[] flags = new int[n];
        long span = 0;
        for (int s = 0, i = 0; s < symbolCount; s++) {
            final double scale = scale(names[s]);
            double price = startPrice(names[s], random);
            long t = baseMsc;
            for (int k = 0; k < ticksPerRequest; k++, i++) {
                price = step(price, scale, random);
                symbol[i] = s;
                time[i] = t;
                bid[i] = round(price, scale);
                ask[i] = ask(price, scale, random);
                flags[i] = 6;
                t += random.nextInt(20);
            }
            span = Math.max(span, t - baseMsc);
        }
        return new TickStream(names, symbol, time, bid, ask, new double[n], new long[n], flags, span + 1);
    }

    // The walk's prices, one symbol's at a time: 5 decimals (3 for the JPY-like ones), a step of up to 10 points,
    // the ask 1-20 points above the bid. Both walks draw from the random source in this order.

    private static double startPrice(final String name, final SplittableRandom random) {
        return name.contains("JPY") ? 150.0 : 1.0 + random.nextDouble();
    }

    private static double scale(final String name) {
        return name.contains("JPY") ? 1e3 : 1e5;
    }

    private static double step(final double price, final double scale, final SplittableRandom random) {
        return Math.max(1 / scale, price + (random.nextInt(21) - 10) / scale);
    }

    private static double round(final double price, final double scale) {
        return Math.round(price * scale) / scale;
    }

    private static double ask(final double price, final double scale, final SplittableRandom random) {
        return round(price + (1 + random.nextInt(20)) / scale, scale);
    }

    /** @return the eight majors, then {@code SYM008}, {@code SYM009} and so on. */
    private static String[] generatedNames(final int symbolCount) {
        final String[] names = new String[symbolCount];
        final String[] majors = {"EURUSD", "GBPUSD", "USDJPY", "USDCHF", "AUDUSD", "USDCAD", "NZDUSD", "EURGBP"};
        for (int i = 0; i < symbolCount; i++) {
            names[i] = i < majors.length ? majors[i] : String.format("SYM%03d", i);
        }
        return names;
    }

    private static long roundUpToHour(final long msc) {
        return (msc + 3_599_999L) / 3_600_000L * 3_600_000L;
    }
}
