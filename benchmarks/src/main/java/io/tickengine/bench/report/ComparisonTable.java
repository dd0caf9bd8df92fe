package io.tickengine.bench.report;

import io.tickengine.bench.Args;
import io.tickengine.bench.load.LoadResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the comparison table (Markdown) from the files one run of {@code benchmarks/compare.sh} leaves in its
 * results directory: {@code {noop,engine,questdb}-{single,batch}.json} and {@code engine-fixed.json} (load
 * generator), {@code noop-fixed-engine-rate.json} (the no-op at the engine's fixed rate),
 * {@code {noop1,noopd,engine}-single-cN.json} (single ticks at N connections against a 1-loop and a
 * default-loop no-op server), {@code engine-sustained.json}, {@code engine-symbols-{1,N,N-bysymbol}-r{1,2,..}.json}
 * (alternating rounds), {@code idle-cpu.txt} ({@code percent=P}), {@code jmh.csv} (JMH, {@code -rf csv}),
 * {@code replay.txt} ({@code ticks=N ms=M}) and {@code env.txt}. {@code table --dir DIR}; missing files leave their
 * rows out.
 */
public final class ComparisonTable {
    private static final String JMH = "io.tickengine.bench.jmh.";

    private final Path dir;
    private final StringBuilder out = new StringBuilder();

    private ComparisonTable(final Path dir) {
        this.dir = dir;
    }

    public static void run(final Args args) throws IOException {
        final ComparisonTable table = new ComparisonTable(Path.of(args.get("dir", "benchmarks/target/compare")));
        final String markdown = table.render();
        System.out.print(markdown);
        if (args.has("out")) {
            Files.writeString(Path.of(args.get("out", "")), markdown, StandardCharsets.UTF_8);
        }
    }

    private String render() throws IOException {
        final Path env = dir.resolve("env.txt");
        if (Files.exists(env)) {
            out.append("```\n")
                    .append(Files.readString(env, StandardCharsets.UTF_8).strip())
                    .append("\n```\n\n");
        }
        final LoadResult noopSingle = load("noop-single");
        final LoadResult engineSingle = load("engine-single");
        final LoadResult questSingle = load("questdb-single");
        final LoadResult noopBatch = load("noop-batch");
        final LoadResult engineBatch = load("engine-batch");
        final LoadResult questBatch = load("questdb-batch");
        final LoadResult engineFixed = load("engine-fixed");
        final LoadResult noopFixed = load("noop-fixed");
        final LoadResult noopAtEngineRate = load("noop-fixed-engine-rate");

        out.append("| run | no-op Netty (ceiling) | tick-engine (ack after journal) | QuestDB ILP/HTTP |\n");
        out.append("| --- | ---: | ---: | ---: |\n");
        row("single tick per request: requests/s", noopSingle, engineSingle, questSingle, "%,.0f", true);
        row("single tick: latency p50 / p99 (us)", noopSingle, engineSingle, questSingle, null, false);
        row("1,000 ticks per request: ticks/s", noopBatch, engineBatch, questBatch, "%,.0f", true);
        row("1,000 ticks: latency p50 / p99 (us)", noopBatch, engineBatch, questBatch, null, false);
        row("fixed rate (half max single): achieved req/s", noopFixed, engineFixed, null, "%,.0f", true);
        row("fixed rate: latency p50 / p99 / p99.9 (us)", noopFixed, engineFixed, null, null, false);
        row("the no-op at the engine's fixed rate: achieved req/s", noopAtEngineRate, null, null, "%,.0f", true);
        row(
                "the no-op at the engine's fixed rate: latency p50 / p99 / p99.9 (us)",
                noopAtEngineRate,
                null,
                null,
                null,
                false);
        out.append('\n');

        final int[] sweep = sweep();
        if (sweep.length > 0) {
            out.append("| single tick per request, requests/s | no-op, 1 event loop | no-op, default loops |"
                    + " tick-engine |\n| --- | ---: | ---: | ---: |\n");
            for (final int c : sweep) {
                final LoadResult one = load("noop1-single-c" + c);
                final LoadResult def = load("noopd-single-c" + c);
                final LoadResult engine = load("engine-single-c" + c);
                out.append("| ").append(c).append(c == 1 ? " connection" : " connections");
                for (final LoadResult r : new LoadResult[] {one, def, engine}) {
                    out.append(" | ")
                            .append(r == null ? "-" : String.format(Locale.ROOT, "%,.0f", r.requestsPerSecond()));
                    if (r != null && r.errors() > 0) {
                        out.append(" (").append(r.errors()).append(" errors)");
                    }
                }
                out.append(" |\n");
            }
            out.append('\n');
        }

        final Map<String, double[]> jmh = jmh();
        out.append("| target | measured | goal | met |\n| --- | ---: | ---: | :---: |\n");
        for (final int c : sweep) {
            final LoadResult one = load("noop1-single-c" + c);
            final LoadResult def = load("noopd-single-c" + c);
            final LoadResult engine = load("engine-single-c" + c);
            if (engine != null && one != null && def != null) {
                final double r1 = engine.requestsPerSecond() / one.requestsPerSecond();
                final double rd = engine.requestsPerSecond() / def.requestsPerSecond();
                target(
                        "single-tick requests/s at " + c + " connections: tick-engine / no-op (1 loop / default loops)",
                        ratio(r1) + " / " + ratio(rd),
                        ">= 0.8x",
                        r1 >= 0.8 && rd >= 0.8);
            }
        }
        if (engineSingle != null && noopSingle != null) {
            final double r = engineSingle.requestsPerSecond() / noopSingle.requestsPerSecond();
            target("single-tick requests/s: tick-engine / no-op Netty", ratio(r), ">= 0.8x", r >= 0.8);
        }
        if (engineBatch != null && questBatch != null) {
            final double r = engineBatch.ticksPerSecond() / questBatch.ticksPerSecond();
            target("1,000-tick requests, ticks/s: tick-engine / QuestDB", ratio(r), ">= 2x", r >= 2);
        }
        if (engineFixed != null) {
            target(
                    String.format(
                            Locale.ROOT,
                            "ack latency p99 at %,.0f req/s (half the max single-tick rate)",
                            engineFixed.rateTarget()),
                    String.format(Locale.ROOT, "%.0f us", engineFixed.p99Us())
                            + (noopAtEngineRate == null
                                    ? ""
                                    : String.format(
                                            Locale.ROOT,
                                            " (the no-op at that rate: %.0f us)",
                                            noopAtEngineRate.p99Us())),
                    "<= 1,000 us",
                    engineFixed.p99Us() <= 1000 && engineFixed.errors() == 0);
        }
        final LoadResult sustained = load("engine-sustained");
        if (sustained != null && sustained.requests() > 0) {
            final double share = 100.0 * sustained.errors() / sustained.requests();
            final Path spaceFile = dir.resolve("sustained-space.txt");
            String space = sustained.errorsByAnswer().isEmpty() ? "" : ": " + sustained.errorsByAnswer();
            if (Files.exists(spaceFile)) {
                final Map<String, String> kv = keyValues(Files.readString(spaceFile, StandardCharsets.UTF_8));
                final int free = Integer.parseInt(kv.getOrDefault("free_gb", "0"));
                final int need = Integer.parseInt(kv.getOrDefault("need_gb", "0"));
                if (free < need) {
                    space += String.format(Locale.ROOT, "; only %d GB free for about %d GB of journal", free, need);
                }
            }
            target(
                    String.format(
                            Locale.ROOT,
                            "%.0f s of full-speed 1,000-tick requests: refused (non-2xx) share (%,d of %,d%s)",
                            sustained.seconds(),
                            sustained.errors(),
                            sustained.requests(),
                            space),
                    String.format(Locale.ROOT, "%.3f%%", share),
                    "<= 0.1%",
                    share <= 0.1);
        }
        final Path symbolsFile = dir.resolve("symbols.txt");
        if (Files.exists(symbolsFile)) {
            final String n = keyValues(Files.readString(symbolsFile, StandardCharsets.UTF_8))
                    .get("symbols");
            symbolsTarget(n, "", n + " symbols, each tick another symbol (a random walk)");
            symbolsTarget(n, "-bysymbol", n + " symbols, each request one symbol's ticks (one EA per symbol)");
        }
        final Path idle = dir.resolve("idle-cpu.txt");
        if (Files.exists(idle)) {
            final Map<String, String> kv = keyValues(Files.readString(idle, StandardCharsets.UTF_8));
            final double percent = Double.parseDouble(kv.getOrDefault("percent", "0"));
            target(
                    "idle CPU of the engine, share of one core (" + kv.getOrDefault("seconds", "?") + " s)",
                    String.format(Locale.ROOT, "%.2f%%", percent),
                    "<= 2%",
                    percent <= 2);
        }
        final double[] alloc = jmh.get(JMH + "HotPathBenchmark.parsePublishJournalAggregate:gc.alloc.rate.norm");
        if (alloc != null) {
            target(
                    "allocation per tick, parse -> publish -> journal -> aggregate, 1,000-tick bodies (JMH gc)",
                    String.format(Locale.ROOT, "%.3f B", alloc[0]),
                    "<= 1 B",
                    alloc[0] <= 1);
        }
        final double[] allocSingle =
                jmh.get(JMH + "HotPathBenchmark.parsePublishJournalAggregateSingle:gc.alloc.rate.norm");
        if (allocSingle != null) {
            target(
                    "allocation per tick, the same with one tick per publish",
                    String.format(Locale.ROOT, "%.3f B", allocSingle[0]),
                    "<= 1 B",
                    allocSingle[0] <= 1);
        }
        final double[] parseTicks = jmh.get(JMH + "TickParseBenchmark.batch1000");
        final double[] parseBytes = jmh.get(JMH + "TickParseBenchmark.batch1000:bytes");
        if (parseTicks != null && parseBytes != null) {
            out.append(String.format(
                    Locale.ROOT,
                    "| JSON parse and validation, 1,000-tick bodies (JMH, the first format run) | %,.0f ticks/s, %,.0f"
                            + " MB/s | shown | - |%n",
                    parseTicks[0],
                    parseBytes[0] / 1e6));
        }
        final double[] journal = jmh.get(JMH + "JournalAppendBenchmark.tickJournal");
        final double[] chronicle = jmh.get(JMH + "JournalAppendBenchmark.rawChronicle");
        if (journal != null && chronicle != null) {
            final double r = journal[0] / chronicle[0];
            target(
                    String.format(
                            Locale.ROOT,
                            "journal append / raw Chronicle append (%,.0f ± %,.0f vs %,.0f ± %,.0f ops/s)",
                            journal[0],
                            journal[1],
                            chronicle[0],
                            chronicle[1]),
                    ratio(r),
                    ">= 0.8x",
                    r >= 0.8);
        }
        final double[] copy = jmh.get(JMH + "CopyBenchmark.engineCopy");
        final double[] rawCopy = jmh.get(JMH + "CopyBenchmark.rawPgjdbcCopy");
        if (copy != null && rawCopy != null) {
            final double r = copy[0] / rawCopy[0];
            target(
                    String.format(
                            Locale.ROOT,
                            "candle COPY / raw pgjdbc binary COPY, 5,000 rows (%,.1f ± %,.1f vs %,.1f ± %,.1f batches/s)",
                            copy[0],
                            copy[1],
                            rawCopy[0],
                            rawCopy[1]),
                    ratio(r),
                    ">= 0.9x",
                    r >= 0.9);
        }
        final double[] tickStore = jmh.get(JMH + "TickStoreBenchmark.tickStoreWrite");
        final double[] rawTickCopy = jmh.get(JMH + "TickStoreBenchmark.rawPgjdbcCopy");
        if (tickStore != null && rawTickCopy != null) {
            final double r = tickStore[0] / rawTickCopy[0];
            target(
                    String.format(
                            Locale.ROOT,
                            "tick store write / raw pgjdbc binary COPY, 10,000 ticks (%,.1f ± %,.1f vs %,.1f ± %,.1f"
                                    + " batches/s)",
                            tickStore[0],
                            tickStore[1],
                            rawTickCopy[0],
                            rawTickCopy[1]),
                    ratio(r),
                    ">= 0.8x",
                    r >= 0.8);
        }
        final Path backfill = dir.resolve("backfill.txt");
        if (Files.exists(backfill)) {
            final java.util.regex.Matcher m = java.util.regex.Pattern.compile("median ratio backfill/clean: ([0-9.]+)")
                    .matcher(Files.readString(backfill, StandardCharsets.UTF_8));
            if (m.find()) {
                final double r = Double.parseDouble(m.group(1));
                target(
                        "bar rebuild of a backfill sent after live ticks / the same ticks imported clean (median)",
                        ratio(r),
                        "<= 2x",
                        r <= 2);
            }
        }
        final double[] replay = jmh.get(JMH + "ReplayBenchmark.replay");
        if (replay != null) {
            target(
                    "journal replay, read + rebuild bars (JMH)",
                    String.format(Locale.ROOT, "%,.0f ± %,.0f ticks/s", replay[0], replay[1]),
                    ">= 2,000,000 ticks/s",
                    replay[0] >= 2_000_000);
        }
        final Path restart = dir.resolve("replay.txt");
        if (Files.exists(restart)) {
            final Map<String, String> kv = keyValues(Files.readString(restart, StandardCharsets.UTF_8));
            final double ticks = Double.parseDouble(kv.getOrDefault("ticks", "0"));
            final double ms = Math.max(1, Double.parseDouble(kv.getOrDefault("ms", "1")));
            final double rate = ticks / ms * 1000;
            target(
                    String.format(Locale.ROOT, "journal replay on engine restart (%,.0f ticks in %,.0f ms)", ticks, ms),
                    String.format(Locale.ROOT, "%,.0f ticks/s", rate),
                    ">= 2,000,000 ticks/s",
                    rate >= 2_000_000);
        }
        return out.toString();
    }

    private void row(
            final String label,
            final LoadResult a,
            final LoadResult b,
            final LoadResult c,
            final String format,
            final boolean throughput) {
        if (a == null && b == null && c == null) {
            return;
        }
        out.append("| ").append(label);
        for (final LoadResult r : new LoadResult[] {a, b, c}) {
            out.append(" | ");
            if (r == null) {
                out.append('-');
            } else if (throughput) {
                out.append(String.format(
                        Locale.ROOT, format, label.contains("ticks/s") ? r.ticksPerSecond() : r.requestsPerSecond()));
                if (r.errors() > 0) {
                    out.append(" (").append(r.errors()).append(" errors)");
                }
            } else if (label.contains("p99.9")) {
                out.append(String.format(Locale.ROOT, "%.0f / %.0f / %.0f", r.p50Us(), r.p99Us(), r.p999Us()));
            } else {
                out.append(String.format(Locale.ROOT, "%.0f / %.0f", r.p50Us(), r.p99Us()));
            }
        }
        out.append(" |\n");
    }

    /**
     * The row of {@code engine-symbols-{N}{suffix}-rR} against {@code engine-symbols-1-rR}, alternating rounds (or one
     * pair from an older run, without {@code -rR}); nothing when the runs are not there.
     */
    private void symbolsTarget(final String n, final String suffix, final String what) throws IOException {
        final List<Double> ones = new ArrayList<>();
        final List<Double> manys = new ArrayList<>();
        final StringBuilder rounds = new StringBuilder();
        for (int r = 1; ; r++) {
            final LoadResult one = load("engine-symbols-1-r" + r);
            final LoadResult many = load("engine-symbols-" + n + suffix + "-r" + r);
            if (one == null || many == null) {
                break;
            }
            ones.add(one.ticksPerSecond());
            manys.add(many.ticksPerSecond());
            rounds.append(rounds.length() == 0 ? "" : " ")
                    .append(ratio(one.ticksPerSecond() > 0 ? many.ticksPerSecond() / one.ticksPerSecond() : 0));
        }
        if (ones.isEmpty()) {
            final LoadResult one = load("engine-symbols-1");
            final LoadResult many = load("engine-symbols-" + n + suffix);
            if (one != null && many != null) {
                ones.add(one.ticksPerSecond());
                manys.add(many.ticksPerSecond());
            }
        }
        final double one = median(ones);
        final double many = median(manys);
        if (!ones.isEmpty() && one > 0) {
            final double r = many / one;
            target(
                    String.format(
                            Locale.ROOT,
                            "1,000-tick requests over %s / one symbol (%,.0f vs %,.0f ticks/s%s)",
                            what,
                            many,
                            one,
                            ones.size() > 1
                                    ? ", medians of " + ones.size() + " alternating rounds; each round: " + rounds
                                    : ""),
                    ratio(r),
                    ">= 0.8x",
                    r >= 0.8);
        }
    }

    private void target(final String what, final String measured, final String goal, final boolean met) {
        out.append("| ")
                .append(what)
                .append(" | ")
                .append(measured)
                .append(" | ")
                .append(goal)
                .append(" | ")
                .append(met ? "yes" : "**no**")
                .append(" |\n");
    }

    private static String ratio(final double r) {
        return String.format(Locale.ROOT, "%.2fx", r);
    }

    /** @return the connection counts of the single-tick sweep found in the directory, ascending. */
    private int[] sweep() throws IOException {
        if (!Files.isDirectory(dir)) {
            return new int[0];
        }
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(f -> f.startsWith("engine-single-c") && f.endsWith(".json"))
                    .mapToInt(f -> Integer.parseInt(f.substring("engine-single-c".length(), f.length() - 5)))
                    .sorted()
                    .toArray();
        }
    }

    /** @return the median of the values (the mean of the middle two for an even count), or 0 for none. */
    private static double median(final List<Double> values) {
        if (values.isEmpty()) {
            return 0;
        }
        final double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        final int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    private LoadResult load(final String name) throws IOException {
        final Path file = dir.resolve(name + ".json");
        return Files.exists(file) ? LoadResult.read(file) : null;
    }

    /** @return JMH scores by benchmark name (with {@code :secondary} suffixes): {score, error}. */
    private Map<String, double[]> jmh() throws IOException {
        final Map<String, double[]> scores = new LinkedHashMap<>();
        final Path file = dir.resolve("jmh.csv");
        if (!Files.exists(file)) {
            return scores;
        }
        final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (final String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            final List<String> f = csv(line);
            if (f.size() < 7) {
                continue;
            }
            final String name = f.get(0).replace("·", "");
            try {
                final double score = Double.parseDouble(f.get(4));
                final double error = f.get(5).isEmpty() || f.get(5).equals("NaN") ? 0 : Double.parseDouble(f.get(5));
                scores.putIfAbsent(name, new double[] {score, error});
            } catch (final NumberFormatException ignored) {
                // A row without a score.
            }
        }
        return scores;
    }

    private static List<String> csv(final String line) {
        final List<String> fields = new ArrayList<>();
        final StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            final char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }

    private static Map<String, String> keyValues(final String text) {
        final Map<String, String> kv = new LinkedHashMap<>();
        for (final String part : text.trim().split("\\s+")) {
            final int eq = part.indexOf('=');
            if (eq > 0) {
                kv.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return kv;
    }
}
