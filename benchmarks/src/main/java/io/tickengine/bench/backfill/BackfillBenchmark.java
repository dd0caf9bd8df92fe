package io.tickengine.bench.backfill;

import io.tickengine.bench.Args;
import io.tickengine.core.EngineContext;
import io.tickengine.core.TickEngine;
import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.ring.TickRing;
import io.tickengine.core.store.CandleRow;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.Stores;
import io.tickengine.core.tick.TickBuffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * {@code tick-bench backfill}: how long the bars of a history backfill sent after live ticks take to rebuild, against
 * the same ticks through a clean import, in one run, alternating the two:
 *
 * <ul>
 *   <li>clean: N ticks in time order into an empty data dir, until the engine has closed (every tick stored, every
 *       bar written);
 *   <li>backfill: a few live ticks after the range first, then the same N ticks: every one is too late for its bar,
 *       so their bars are rebuilt from the tick store; until the engine has closed.
 * </ul>
 *
 * Both runs must give the same M1 and H1 candles (checked). Prints each run's time and the ratio backfill/clean per
 * pair, and their median. Target: at most 2x.
 *
 * <p>Options: {@code --ticks N} (default 1,000,000), {@code --pairs P} (3), {@code --dir D} (a temporary dir),
 * {@code --db-url URL} (default the embedded SQLite).
 */
public final class BackfillBenchmark {
    private static final long START_MSC = 1_783_900_800_000L; // 2026-07-13T00:00Z
    private static final long SPACING_MSC = 97;
    private static final int LIVE_TICKS = 1_000;

    private BackfillBenchmark() {}

    public static void run(final Args args) throws Exception {
        final int ticks = args.getInt("ticks", 1_000_000);
        final int pairs = args.getInt("pairs", 3);
        final String dbUrl = args.get("db-url", null);
        final Path root = args.has("dir") ? Path.of(args.require("dir")) : Files.createTempDirectory("tick-backfill");
        System.out.printf(
                "backfill benchmark [ticks=%d, pairs=%d, store=%s, dir=%s]%n",
                ticks, pairs, dbUrl == null ? "sqlite" : dbUrl, root);
        final List<Double> ratios = new ArrayList<>();
        for (int pair = 1; pair <= pairs; pair++) {
            final Path cleanDir = root.resolve("clean-" + pair);
            final Path backfillDir = root.resolve("backfill-" + pair);
            final long cleanNs = clean(context(cleanDir, dbUrl, "clean" + pair), ticks);
            final long backfillNs = backfill(context(backfillDir, dbUrl, "backfill" + pair), ticks);
            assertSameCandles(context(cleanDir, dbUrl, "clean" + pair), context(backfillDir, dbUrl, "backfill" + pair));
            final double ratio = (double) backfillNs / cleanNs;
            ratios.add(ratio);
            System.out.printf(
                    "pair %d: clean %.2f s, backfill after live %.2f s, ratio %.2f (candles equal)%n",
                    pair, cleanNs / 1e9, backfillNs / 1e9, ratio);
            delete(cleanDir);
            delete(backfillDir);
        }
        ratios.sort(Comparator.naturalOrder());
        System.out.printf("median ratio backfill/clean: %.2f (target <= 2.0)%n", ratios.get(ratios.size() / 2));
    }

    private static EngineContext context(final Path dir, final String dbUrl, final String schema) {
        final EngineContext context = new EngineContext().set("data.dir", dir.toString());
        if (dbUrl != null) {
            // One database per run: a fresh schema each time keeps the runs apart.
            context.set("db.url", dbUrl + (dbUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        }
        return context;
    }

    private static long clean(final EngineContext context, final int ticks) throws Exception {
        final TickEngine engine = TickEngine.start(context);
        final long startNs = System.nanoTime();
        try {
            publish(engine, START_MSC, ticks);
        } finally {
            engine.close(); // stores every tick and writes every bar before it returns
        }
        return System.nanoTime() - startNs;
    }

    private static long backfill(final EngineContext context, final int ticks) throws Exception {
        final long liveFrom = START_MSC + ticks * SPACING_MSC + 3_600_000L;
        final TickEngine engine = TickEngine.start(context);
        final long startNs;
        try {
            publish(engine, liveFrom, LIVE_TICKS);
            startNs = System.nanoTime();
            publish(engine, START_MSC, ticks);
        } finally {
            engine.close(); // stores every tick and rebuilds every bar before it returns
        }
        return System.nanoTime() - startNs;
    }

    /** Publishes {@code n} ticks of EURUSD from {@code fromMsc}, a deterministic walk, in batches of 1,000. */
    private static void publish(final TickEngine engine, final long fromMsc, final int n) {
        final int symbol = engine.symbols().intern("EURUSD");
        final TickBuffer buffer = new TickBuffer(1_000);
        for (int i = 0; i < n; ) {
            buffer.clear();
            for (int j = 0; j < 1_000 && i < n; j++, i++) {
                final double bid = 1.1 + ((i * 7919L) % 2000) * 1e-5;
                buffer.add(
                        symbol,
                        fromMsc + i * SPACING_MSC,
                        bid,
                        bid + 0.00002,
                        0,
                        0,
                        0,
                        6,
                        TickBuffer.NO_SOURCE,
                        TickBuffer.NO_SEQ);
            }
            long result;
            while ((result = engine.gate().tryPublish(buffer, null)) == TickRing.BACK_PRESSURED) {
                LockSupport.parkNanos(100_000L);
            }
            if (result < 0) {
                throw new IllegalStateException("publish refused [result=" + result + "]");
            }
        }
    }

    private static void assertSameCandles(final EngineContext clean, final EngineContext backfill) throws Exception {
        try (CandleStore a = Stores.openStore(clean);
                CandleStore b = Stores.openStore(backfill)) {
            for (final Timeframe tf : new Timeframe[] {Timeframe.M1, Timeframe.H1}) {
                final List<CandleRow> expected = a.candles("EURUSD", tf, 0, Long.MAX_VALUE, Integer.MAX_VALUE);
                final List<CandleRow> actual = b.candles("EURUSD", tf, 0, Long.MAX_VALUE, Integer.MAX_VALUE);
                // The backfill run also holds the live ticks' bars, after the range.
                if (actual.size() < expected.size()
                        || !actual.subList(0, expected.size()).equals(expected)) {
                    throw new IllegalStateException("the backfill's candles differ from the clean import's [tf=" + tf
                            + ", clean=" + expected.size() + ", backfill=" + actual.size() + "]");
                }
            }
        }
    }

    private static void delete(final Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (final IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
