package io.tickengine.bench.load;

import io.tickengine.bench.Args;
import io.tickengine.bench.report.PercentilePlot;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The end-to-end load generator: replays ticks over keep-alive HTTP and reports throughput and latency
 * percentiles (text, {@code .hgrm}, PNG percentile plot, and {@code .json} for the comparison table).
 *
 * <pre>
 * load --url http://127.0.0.1:18001/ingest/tick [--api-key KEY]
 *      [--ticks FILE|DIR[,...] | --ticks generated:SYMBOLS[:PASS]] real engine-CSV files (default: ../shared/data/ticks)
 *                                                              or a random walk; either repeats, time moving on
 *      [--by-symbol]                                           with generated ticks: each request carries one
 *                                                              symbol's ticks, the symbols in turn (one EA per
 *                                                              symbol), not every tick another symbol
 *      [--format json|ndjson|csv|ilp] [--batch N]              ticks per request (default json, 1)
 *      [--connections C] [--warmup S] [--duration S]           (default 8, 5, 15)
 *      [--rate R]                                              requests/s, fixed rate with coordinated-omission
 *                                                              correction; 0 = full speed (default)
 *      [--base YYYY-MM-DD]                                     time of the first tick (default 2002-01-01)
 *      [--name NAME] [--target LABEL] [--out PREFIX]           PREFIX.json, .hgrm, .txt, .png, .timeline.csv
 *                                                              (answers and worst latency per 100 ms)
 * </pre>
 */
public final class LoadGenerator {
    private LoadGenerator() {}

    /** @return the process exit code: 0, or 1 when any answer was not 2xx. */
    public static int run(final Args args) throws IOException {
        final URI url = URI.create(args.get("url", "http://127.0.0.1:18001/ingest/tick"));
        final BodyFormat format = BodyFormat.valueOf(args.get("format", "json").toUpperCase(Locale.ROOT));
        final int batch = args.getInt("batch", 1);
        final int connections = args.getInt("connections", 8);
        final double warmupS = args.getDouble("warmup", 5);
        final double durationS = args.getDouble("duration", 15);
        final double rate = args.getDouble("rate", 0);
        final long baseMsc = LocalDate.parse(args.get("base", "2002-01-01"))
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant()
                .toEpochMilli();
        final String name = args.get("name", url.getHost() + ":" + url.getPort());
        final Path out = args.has("out") ? Path.of(args.get("out", "")) : null;

        final TickStream stream = stream(args.get("ticks", defaultTickDir()), args.has("by-symbol"), batch, baseMsc);
        final int minTicks = Math.max(100_000, batch * 256);
        final int passes = Math.max(1, (minTicks + stream.size() - 1) / stream.size());
        String headers = "";
        if (args.has("api-key")) {
            headers += "X-API-Key: " + args.get("api-key", "") + "\r\n";
        }
        final String path = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        final int port = url.getPort() < 0 ? 80 : url.getPort();
        final RequestSet requests =
                RequestSet.encode(stream, passes, batch, format, url.getHost() + ":" + port, path, headers);
        final PrintStream log = System.out;
        log.printf(
                Locale.ROOT,
                "load: %s %s, %s x%d per request, %d connections, %s, ticks: %d per pass x %d passes "
                        + "(%d requests, %.1f MB)%n",
                name,
                url,
                format.name().toLowerCase(Locale.ROOT),
                batch,
                connections,
                rate > 0 ? String.format(Locale.ROOT, "fixed rate %.0f req/s", rate) : "full speed",
                stream.size(),
                passes,
                requests.count,
                requests.offset[requests.count] / 1e6);

        final HttpLoadClient client =
                new HttpLoadClient(requests, new InetSocketAddress(url.getHost(), port), connections);
        try {
            if (warmupS > 0) {
                client.run(seconds(warmupS), rate, false);
                client.reset();
            }
            final long startNs = System.nanoTime();
            client.run(seconds(durationS), rate, true);
            final double elapsedS = (System.nanoTime() - startNs) / 1e9;
            final Histogram h = client.histogram();
            final LoadResult result = new LoadResult(
                    name,
                    args.get("target", name),
                    format.name().toLowerCase(Locale.ROOT),
                    batch,
                    connections,
                    rate,
                    elapsedS,
                    client.completedRequests(),
                    client.completedTicks(),
                    client.errorResponses(),
                    client.completedRequests() / elapsedS,
                    client.completedTicks() / elapsedS,
                    us(h.getValueAtPercentile(50)),
                    us(h.getValueAtPercentile(90)),
                    us(h.getValueAtPercentile(99)),
                    us(h.getValueAtPercentile(99.9)),
                    us(h.getMaxValue()),
                    client.errorsByAnswer());
            final String summary = summary(result);
            log.print(summary);
            if (client.lastError() != null) {
                log.println("error answers: " + client.errorsByAnswer());
                log.println("last error answer: " + client.lastError());
            }
            if (out != null) {
                write(out, result, h, summary);
                Files.writeString(Path.of(out + ".timeline.csv"), client.timeline(), StandardCharsets.UTF_8);
            }
            return client.errorResponses() == 0 ? 0 : 1;
        } finally {
            client.close();
        }
    }

    private static void write(final Path out, final LoadResult result, final Histogram h, final String summary)
            throws IOException {
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        result.write(Path.of(out + ".json"));
        Files.writeString(Path.of(out + ".txt"), summary, StandardCharsets.UTF_8);
        final Path hgrm = Path.of(out + ".hgrm");
        try (PrintStream p = new PrintStream(Files.newOutputStream(hgrm), false, StandardCharsets.UTF_8)) {
            // Milliseconds, the unit HdrHistogram's plotters expect.
            h.outputPercentileDistribution(p, 1_000_000.0);
        }
        PercentilePlot.write(
                Path.of(out + ".png"),
                result.name() + ": latency by percentile",
                List.of(new PercentilePlot.Series(result.name(), h)));
    }

    static String summary(final LoadResult r) {
        return String.format(
                Locale.ROOT,
                "%s: %d requests, %d ticks in %.1f s = %.0f requests/s, %.0f ticks/s, errors %d%n"
                        + "  latency us: p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f  max %.0f%n",
                r.name(),
                r.requests(),
                r.ticks(),
                r.seconds(),
                r.requestsPerSecond(),
                r.ticksPerSecond(),
                r.errors(),
                r.p50Us(),
                r.p90Us(),
                r.p99Us(),
                r.p999Us(),
                r.maxUs());
    }

    private static TickStream stream(final String spec, final boolean bySymbol, final int batch, final long baseMsc)
            throws IOException {
        if (spec.startsWith("generated")) {
            final String[] parts = spec.split(":");
            final int symbols = parts.length > 1 ? Integer.parseInt(parts[1]) : 8;
            if (bySymbol) {
                return TickStream.generatedBySymbol(symbols, batch, baseMsc, 42);
            }
            final int perPass = parts.length > 2 ? Integer.parseInt(parts[2].replace("_", "")) : 200_000;
            return TickStream.generated(perPass, symbols, baseMsc, 42);
        }
        if (bySymbol) {
            throw new IllegalArgumentException("--by-symbol needs --ticks generated:SYMBOLS [ticks=" + spec + "]");
        }
        final List<Path> files = new ArrayList<>();
        for (final String s : spec.split(",")) {
            final Path p = Path.of(s);
            if (Files.isDirectory(p)) {
                try (var list = Files.list(p)) {
                    list.filter(f -> f.getFileName().toString().endsWith("_dukascopy.csv"))
                            .sorted()
                            .forEach(files::add);
                }
            } else {
                files.add(p);
            }
        }
        return TickStream.fromFiles(files, baseMsc);
    }

    private static String defaultTickDir() {
        for (final String candidate : new String[] {"../shared/data/ticks", "../../shared/data/ticks"}) {
            if (Files.isDirectory(Path.of(candidate))) {
                return candidate;
            }
        }
        return "../shared/data/ticks";
    }

    private static long seconds(final double s) {
        return (long) (s * TimeUnit.SECONDS.toNanos(1));
    }

    private static double us(final long ns) {
        return ns / 1000.0;
    }
}
