package io.tickengine.bench;

import io.tickengine.bench.backfill.BackfillBenchmark;
import io.tickengine.bench.jmh.JmhRunner;
import io.tickengine.bench.load.LoadGenerator;
import io.tickengine.bench.noop.NoopHttpServer;
import io.tickengine.bench.report.ComparisonTable;
import io.tickengine.bench.report.PercentilePlot;
import io.tickengine.core.journal.ChronicleSettings;
import java.util.Arrays;

/**
 * The benchmarks executable: {@code java -jar benchmarks/target/tick-bench.jar COMMAND ...}.
 *
 * <ul>
 *   <li>{@code jmh [JMH options]}: the JMH suites (JMH's own command line, e.g. {@code jmh -prof gc Parse});
 *   <li>{@code load [options]}: the HTTP load generator ({@link LoadGenerator});
 *   <li>{@code noop [--port P] [--io-threads N]}: the no-op HTTP server ({@link NoopHttpServer});
 *   <li>{@code table RESULT.json...}: the comparison table ({@link ComparisonTable});
 *   <li>{@code plot OUT.png FILE.hgrm...}: a percentile plot of HdrHistogram files ({@link PercentilePlot});
 *   <li>{@code backfill [--ticks N] [--pairs P] [--db-url URL]}: bar rebuilds of a backfill after live ticks against
 *       a clean import ({@link BackfillBenchmark}).
 * </ul>
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(final String[] args) throws Exception {
        ChronicleSettings.disableAnalytics();
        if (args.length == 0) {
            System.err.println(
                    "usage: tick-bench (jmh|load|noop|table|plot|backfill) [options]; see docs/benchmarks.md");
            System.exit(2);
        }
        final String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "jmh" -> JmhRunner.run(rest);
            case "load" -> System.exit(LoadGenerator.run(new Args(rest)));
            case "noop" -> NoopHttpServer.run(new Args(rest));
            case "table" -> ComparisonTable.run(new Args(rest));
            case "plot" -> PercentilePlot.run(new Args(rest));
            case "backfill" -> BackfillBenchmark.run(new Args(rest));
            default -> {
                System.err.println("unknown command [command=" + args[0] + "]");
                System.exit(2);
            }
        }
    }
}
