package io.tickengine.bench;

import io.tickengine.bench.backfill.BackfillBenchmark;
import io.tickengine.bench.host.TimerJitter;
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
 *       a clean import ({@link BackfillBenchmark});
 *   <li>{@code jitter [--seconds S] [--park-us U]}: how late the host wakes a thread from a short park
 *       ({@link TimerJitter}).
 * </ul>
 */
public final class BenchMain {
    private static final String USAGE = String.join(
            "\n",
            "usage: tick-bench COMMAND [options]   (docs/benchmarks.md has the method and examples)",
            "",
            "  jmh [JMH options]        the JMH suites, JMH's own command line (jmh -h), e.g. jmh -prof gc TickParse",
            "  load [options]           HTTP load against a server on loopback:",
            "      --url URL              ingest URL (http://127.0.0.1:18001/ingest/tick)",
            "      --format F             json | ndjson | csv | ilp (json)",
            "      --batch N              ticks per request (1)",
            "      --connections N        keep-alive connections (8)",
            "      --warmup S --duration S   seconds of warm-up and of measurement (5, 15)",
            "      --rate R               requests/s at a fixed rate, latency corrected for coordinated omission",
            "                             (0: full speed)",
            "      --ticks FILE|DIR|generated:SYMBOLS   the ticks to send (../shared/data/ticks)",
            "      --by-symbol            generated ticks, one symbol a request, the symbols in turn (one EA per",
            "                             symbol) instead of each tick another symbol",
            "      --base YYYY-MM-DD      the day the ticks are moved to (2002-01-01)",
            "      --api-key KEY --name NAME --target NAME --out PREFIX   (PREFIX.json, .hgrm, .png, .txt)",
            "  noop [--bind A] [--port P] [--io-threads N] [--max-body B]   a no-op HTTP server (the ceiling)",
            "  table [--dir DIR] [--out FILE]   the comparison table of a compare.sh results directory",
            "  plot OUT.png FILE.hgrm... [--title T]   a latency-by-percentile plot",
            "  backfill [--ticks N] [--pairs P] [--db-url URL] [--dir DIR]   bar rebuilds of a backfill against a clean"
                    + " import",
            "  jitter [--seconds S] [--park-us U]   how late the host wakes a thread from a park of U us (20), over S s (5):",
            "                           the floor under latency percentiles on this machine (run it idle)");

    private BenchMain() {}

    public static void main(final String[] args) throws Exception {
        ChronicleSettings.disableAnalytics();
        if (args.length == 0) {
            System.err.println(USAGE);
            System.exit(2);
        }
        if (args[0].equals("help") || (Arrays.asList(args).contains("--help") && !args[0].equals("jmh"))) {
            System.out.println(USAGE);
            return;
        }
        final String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "jmh" -> {
                final int status = JmhRunner.run(rest);
                if (status != 0) {
                    System.exit(status);
                }
            }
            case "load" -> System.exit(LoadGenerator.run(new Args(rest)));
            case "noop" -> NoopHttpServer.run(new Args(rest));
            case "table" -> ComparisonTable.run(new Args(rest));
            case "plot" -> PercentilePlot.run(new Args(rest));
            case "backfill" -> BackfillBenchmark.run(new Args(rest));
            case "jitter" -> TimerJitter.run(new Args(rest));
            default -> {
                System.err.println("unknown command [command=" + args[0] + "]");
                System.exit(2);
            }
        }
    }
}
