package io.tickengine.http.cli;

import io.tickengine.core.EngineContext;
import io.tickengine.core.TickEngine;
import io.tickengine.core.candle.BarBuffer;
import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.cli.ProgressBar;
import io.tickengine.core.datadir.DataDirInUseException;
import io.tickengine.core.datadir.DataDirLock;
import io.tickengine.core.ring.TickRing;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.core.time.ServerTimeZone;
import io.tickengine.http.importer.BarFileReader;
import io.tickengine.http.importer.FileFormat;
import io.tickengine.http.importer.ImportException;
import io.tickengine.http.importer.ImportOptions;
import io.tickengine.http.importer.ImportedBar;
import io.tickengine.http.importer.TickFileReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tick-engine import FILE…}: history files through the same pipeline as live ticks (ring, journal, candles,
 * store). It runs its own engine on the data dir, so it takes the dir ({@link DataDirLock}) and refuses while an engine
 * owns it.
 */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = {
            "Import tick or bar history through the engine's pipeline (journal, candles, store).",
            "Formats, detected from the header: engine CSV (symbol,time_msc,bid,ask,last,volume,flags),",
            "MT5 'Export ticks' and MT5 'Export bars' (tab separated, UTF-8 or UTF-16).",
            "A tick file is authoritative for its range: per symbol, the stored ticks from the file's first to",
            "its last tick are replaced by the file's ticks and their bars rebuilt, so the same ticks imported",
            "again (under another name, or in another format) count once. Ticks that carry their own source",
            "and seq (engine CSV) are kept exactly once by seq instead. Prints 'N new, M replaced' at the end.",
            "A running engine owns its data dir: stop it first (import exits 2 naming its pid), or send the",
            "ticks to it over HTTP."
        })
public final class ImportCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to import, in order.")
    List<Path> files;

    @Option(names = "--symbol", description = "Symbol of MT5 export files (default: file name up to the first _).")
    String symbol;

    @Option(names = "--timeframe", description = "Timeframe of a bar file (default: from the file name or the data).")
    String timeframe;

    @Option(
            names = "--server-tz",
            paramLabel = "ZONE",
            description = "MT5 files are in broker server time: its time zone, an IANA id (Europe/Athens), a fixed "
                    + "offset (UTC+2) or NY+7 (UTC+2, UTC+3 while New York observes daylight saving). Each time is "
                    + "converted with the offset in force then. Default: the server.tz key, UTC unless set.")
    String serverTz;

    @Option(
            names = "--server-offset-minutes",
            hidden = true,
            description = "Deprecated: a fixed offset, wrong across a daylight-saving switch; use --server-tz.")
    Integer serverOffsetMinutes;

    @Option(
            names = "--point",
            description = "Price of one point, to turn MT5 bar spreads (points) into prices; "
                    + "without it imported bars have no spread.")
    Double point;

    @Option(
            names = "--source",
            description = "Source name stored with ticks that have none (a label: without a seq it dedups nothing).")
    String source;

    private final PrintStream out;
    private final PrintStream err;

    public ImportCommand() {
        this(System.out, System.err);
    }

    ImportCommand(final PrintStream out, final PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        final EngineContext context = config.engineContext();
        if (!"chronicle".equals(context.journalKind())) {
            // The import writes through the local journal; with the journal on Kafka its candles would race the group.
            throw new IllegalArgumentException("import needs the local journal [journal.kind=" + context.journalKind()
                    + "]: post the ticks to a running engine (POST /ingest/tick) instead");
        }
        ImportOptions options = ImportOptions.defaults()
                .withServerTz(serverTimeZone(context))
                .withSessionOffsetMinutes((int) (context.sessionOffsetMsc() / 60_000L));
        if (symbol != null) {
            options = options.withSymbol(symbol);
        }
        if (timeframe != null) {
            final Timeframe tf = Timeframe.parse(timeframe);
            if (tf == null) {
                throw new IllegalArgumentException("unknown timeframe [timeframe=" + timeframe + "]");
            }
            options = options.withTimeframe(tf);
        }
        for (final Path file : files) {
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("cannot read file [file=" + file + "]");
            }
        }
        long ticks = 0;
        final DataDirLock lock = lock(context);
        final TickEngine engine;
        try (lock) {
            engine = TickEngine.start(context);
            try (engine) {
                for (final Path file : files) {
                    final FileFormat format = FileFormat.detect(file);
                    if (format == null) {
                        throw new IllegalArgumentException(
                                "unknown file format: expected engine CSV, MT5 tick export or "
                                        + "MT5 bar export [file=" + file + "]");
                    }
                    try {
                        if (format.isTicks()) {
                            ticks += importTicks(engine, file, options);
                        } else {
                            importBars(engine, file, options);
                        }
                    } catch (final ImportException e) {
                        err.println("tick-engine: " + e.getMessage());
                        err.println("tick-engine: nothing after that line was imported; lines before it were.");
                        return 2;
                    }
                }
                out.println("import: waiting for ticks and candles to be written");
            }
        }
        if (ticks > 0) {
            // Read after close: the tick store has applied every replace record by then.
            final long replaced = engine.metrics().ticksReplaced.get();
            out.println("import: " + ticks + " ticks, " + Math.max(0, ticks - replaced) + " new, " + replaced
                    + " replaced");
        }
        out.println("import: done");
        return 0;
    }

    /** {@code --server-tz}, else the deprecated {@code --server-offset-minutes}, else {@code server.tz}. */
    private ServerTimeZone serverTimeZone(final EngineContext context) {
        if (serverTz != null && serverOffsetMinutes != null) {
            throw new IllegalArgumentException(
                    "give --server-tz or the deprecated --server-offset-minutes, not both [server-tz=" + serverTz
                            + ", server-offset-minutes=" + serverOffsetMinutes + "]");
        }
        if (serverTz != null) {
            try {
                return ServerTimeZone.parse(serverTz);
            } catch (final IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid --server-tz: " + e.getMessage(), e);
            }
        }
        if (serverOffsetMinutes != null) {
            final ServerTimeZone fixed = ImportOptions.defaults()
                    .withServerOffsetMinutes(serverOffsetMinutes)
                    .serverTz();
            err.println("tick-engine: --server-offset-minutes is deprecated and wrong across a daylight-saving "
                    + "switch: use --server-tz " + fixed.id() + ", or --server-tz NY+7 for a broker at UTC+2/UTC+3 "
                    + "on New York's dates");
            return fixed;
        }
        return context.serverTz();
    }

    private static DataDirLock lock(final EngineContext context) {
        try {
            return DataDirLock.acquire(context.dataDir(), "import");
        } catch (final DataDirInUseException e) {
            throw e.withHint("stop that process first, or send the file to the running engine "
                    + "(POST /ingest/tick for ticks, POST /ingest for bars)");
        }
    }

    /** @return the number of ticks read from the file. */
    private long importTicks(final TickEngine engine, final Path file, final ImportOptions options)
            throws IOException, ImportException {
        final int sourceId =
                source == null ? TickBuffer.NO_SOURCE : engine.sources().intern(source);
        if (source != null && sourceId < 0) {
            throw new IllegalArgumentException("invalid source name: 1-32 of [A-Za-z0-9._#+-] [source=" + source + "]");
        }
        // Everything journaled so far came before this file: what its ranges void. The previous file's replace
        // records were acknowledged, so the journal holds all of it.
        final long beforeIndex = engine.journal().lastIndex() + 1;
        final ReplacedRanges ranges = new ReplacedRanges();
        final TickBuffer read = new TickBuffer(options.batchSize());
        final TickBuffer labelled = new TickBuffer(options.batchSize());
        long ticks = 0;
        try (TickFileReader reader =
                TickFileReader.open(file, options, engine.symbols(), engine.sources(), System.currentTimeMillis())) {
            final ProgressBar progress =
                    ProgressBar.create(out, file.getFileName().toString(), "ticks", reader.sizeBytes());
            int n;
            while ((n = reader.next(
                            read, Math.min(options.batchSize(), engine.gate().maxBatchSize())))
                    > 0) {
                labelled.clear();
                for (int i = 0; i < n; i++) {
                    final boolean own = read.sourceId(i) != TickBuffer.NO_SOURCE && read.seq(i) > 0;
                    if (!own) {
                        ranges.add(read.symbolId(i), read.timeMsc(i));
                    }
                    labelled.add(
                            read.symbolId(i),
                            read.timeMsc(i),
                            read.bid(i),
                            read.ask(i),
                            read.last(i),
                            read.volume(i),
                            read.volumeReal(i),
                            read.flags(i),
                            own ? read.sourceId(i) : sourceId,
                            own ? read.seq(i) : TickBuffer.NO_SEQ);
                }
                publish(engine, () -> engine.gate().tryPublish(labelled, null));
                ticks += n;
                progress.update(reader.bytesRead(), ticks);
            }
            progress.finish(ticks);
        }
        ranges.publish(engine, beforeIndex);
        return ticks;
    }

    /** Per symbol, the first and last time of a file's ticks: the ranges it replaces. */
    private static final class ReplacedRanges {
        private final java.util.Map<Integer, long[]> bySymbol = new java.util.LinkedHashMap<>();

        void add(final int symbolId, final long timeMsc) {
            final long[] range = bySymbol.computeIfAbsent(symbolId, id -> new long[] {timeMsc, timeMsc});
            range[0] = Math.min(range[0], timeMsc);
            range[1] = Math.max(range[1], timeMsc);
        }

        /** Journals one replace record per symbol after the file's ticks, and waits until they are journaled. */
        void publish(final TickEngine engine, final long beforeIndex) {
            for (final java.util.Map.Entry<Integer, long[]> e : bySymbol.entrySet()) {
                final java.util.concurrent.CompletableFuture<String> journaled =
                        new java.util.concurrent.CompletableFuture<>();
                final io.tickengine.core.ring.IngestAck ack = new io.tickengine.core.ring.IngestAck() {
                    @Override
                    public void onJournaled(final int accepted, final int duplicates) {
                        journaled.complete(null);
                    }

                    @Override
                    public void onFailed(final String reason) {
                        journaled.complete(reason);
                    }
                };
                final long[] range = e.getValue();
                ImportCommand.publish(
                        engine,
                        () -> engine.gate().tryPublishReplace(e.getKey(), range[0], range[1], beforeIndex, ack));
                final String failure = journaled.join();
                if (failure != null) {
                    throw new IllegalStateException("the replace record was not journaled [symbol="
                            + engine.symbols().name(e.getKey()) + ", cause=" + failure + "]");
                }
            }
        }
    }

    private void importBars(final TickEngine engine, final Path file, final ImportOptions options)
            throws IOException, ImportException {
        final BarBuffer buffer = new BarBuffer(options.batchSize());
        final int batch = Math.min(options.batchSize(), engine.gate().maxBatchSize());
        long bars = 0;
        try (BarFileReader reader = BarFileReader.open(file, options, System.currentTimeMillis())) {
            final ProgressBar progress =
                    ProgressBar.create(out, file.getFileName().toString(), "bars", reader.sizeBytes());
            final int symbolId = engine.symbols().intern(reader.symbol());
            ImportedBar bar;
            while ((bar = reader.next()) != null) {
                buffer.add(
                        symbolId,
                        bar.timeframe(),
                        bar.openTimeMsc(),
                        bar.open(),
                        bar.high(),
                        bar.low(),
                        bar.close(),
                        bar.tickVolume(),
                        bar.realVolume(),
                        point == null ? Double.NaN : bar.spreadPoints() * point);
                if (buffer.size() == batch) {
                    publish(engine, () -> engine.gate().tryPublishBars(buffer, null));
                    bars += buffer.size();
                    buffer.clear();
                    progress.update(reader.bytesRead(), bars);
                }
            }
            if (buffer.size() > 0) {
                publish(engine, () -> engine.gate().tryPublishBars(buffer, null));
                bars += buffer.size();
            }
            progress.finish(bars);
        }
    }

    /** Publishes, waiting out back-pressure: an import has no event loop to protect. */
    private static void publish(final TickEngine engine, final java.util.function.LongSupplier attempt) {
        long result;
        while ((result = attempt.getAsLong()) == TickRing.BACK_PRESSURED) {
            LockSupport.parkNanos(200_000L);
        }
        if (result < 0) {
            throw new IllegalStateException("publish refused [result=" + result + "]");
        }
    }
}
