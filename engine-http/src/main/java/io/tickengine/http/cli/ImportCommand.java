package io.tickengine.http.cli;

import io.tickengine.core.EngineContext;
import io.tickengine.core.TickEngine;
import io.tickengine.core.candle.BarBuffer;
import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.cli.ProgressBar;
import io.tickengine.core.datadir.DataDirInUseException;
import io.tickengine.core.datadir.DataDirLock;
import io.tickengine.core.ring.TickRing;
import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
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
import java.util.Locale;
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
            "Ticks without a source get source=i.<file>.<digest> and seq=line order, so importing a file",
            "twice adds nothing the second time. A running engine owns its data dir: stop it first (import",
            "exits 2 naming its pid), or send the ticks to it over HTTP."
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
            names = "--server-offset-minutes",
            defaultValue = "0",
            description = "MT5 files are in broker server time: minutes east of UTC (UTC+2 = 120). Default 0.")
    int serverOffsetMinutes;

    @Option(
            names = "--point",
            description = "Price of one point, to turn MT5 bar spreads (points) into prices; "
                    + "without it imported bars have no spread.")
    Double point;

    @Option(
            names = "--source",
            description = "Source name for ticks without one (default i.<file name>.<digest of the name>).")
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
        ImportOptions options = ImportOptions.defaults()
                .withServerOffsetMinutes(serverOffsetMinutes)
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
        final DataDirLock lock = lock(context);
        try (lock;
                TickEngine engine = TickEngine.start(context)) {
            for (final Path file : files) {
                final FileFormat format = FileFormat.detect(file);
                if (format == null) {
                    throw new IllegalArgumentException("unknown file format: expected engine CSV, MT5 tick export or "
                            + "MT5 bar export [file=" + file + "]");
                }
                try {
                    if (format.isTicks()) {
                        importTicks(engine, file, options);
                    } else {
                        importBars(engine, file, options);
                    }
                } catch (final ImportException e) {
                    err.println("tick-engine: " + e.getMessage());
                    err.println("tick-engine: nothing after that line was imported; lines before it were.");
                    return 2;
                }
            }
            out.println("import: waiting for candles to be written");
        }
        out.println("import: done");
        return 0;
    }

    private static DataDirLock lock(final EngineContext context) {
        try {
            return DataDirLock.acquire(context.dataDir(), "import");
        } catch (final DataDirInUseException e) {
            throw e.withHint("stop that process first, or send the file to the running engine "
                    + "(POST /ingest/tick, /ingest/bars)");
        }
    }

    private void importTicks(final TickEngine engine, final Path file, final ImportOptions options)
            throws IOException, ImportException {
        final int sourceId = engine.sources().intern(source != null ? source : sourceFor(file));
        if (sourceId < 0) {
            throw new IllegalArgumentException("invalid source name: 1-32 of [A-Za-z0-9._#+-] [source=" + source + "]");
        }
        final TickBuffer read = new TickBuffer(options.batchSize());
        final TickBuffer numbered = new TickBuffer(options.batchSize());
        long seq = 0;
        long ticks = 0;
        try (TickFileReader reader =
                TickFileReader.open(file, options, engine.symbols(), engine.sources(), System.currentTimeMillis())) {
            final ProgressBar progress =
                    ProgressBar.create(out, file.getFileName().toString(), "ticks", reader.sizeBytes());
            int n;
            while ((n = reader.next(
                            read, Math.min(options.batchSize(), engine.ring().maxBatchSize())))
                    > 0) {
                numbered.clear();
                for (int i = 0; i < n; i++) {
                    seq++;
                    final boolean own = read.sourceId(i) == TickBuffer.NO_SOURCE;
                    numbered.add(
                            read.symbolId(i),
                            read.timeMsc(i),
                            read.bid(i),
                            read.ask(i),
                            read.last(i),
                            read.volume(i),
                            read.volumeReal(i),
                            read.flags(i),
                            own ? sourceId : read.sourceId(i),
                            own ? seq : read.seq(i));
                }
                publish(engine, () -> engine.ring().tryPublish(numbered, null));
                ticks += n;
                progress.update(reader.bytesRead(), ticks);
            }
            progress.finish(ticks);
        }
    }

    private void importBars(final TickEngine engine, final Path file, final ImportOptions options)
            throws IOException, ImportException {
        final BarBuffer buffer = new BarBuffer(options.batchSize());
        final int batch = Math.min(options.batchSize(), engine.ring().maxBatchSize());
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
                    publish(engine, () -> engine.ring().tryPublishBars(buffer, null));
                    bars += buffer.size();
                    buffer.clear();
                    progress.update(reader.bytesRead(), bars);
                }
            }
            if (buffer.size() > 0) {
                publish(engine, () -> engine.ring().tryPublishBars(buffer, null));
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

    /**
     * @return a source name for a file: {@code i.<start of its name>.<digest of its whole name>}, at most 32
     *     characters. The same file name always gives the same source (importing again adds nothing); different
     *     names give different sources even when they share a long prefix.
     */
    static String sourceFor(final Path file) {
        final String fileName = file.getFileName().toString();
        final String digest;
        try {
            digest = java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(fileName.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .substring(0, 10);
        } catch (final java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
        final String start = fileName.replaceAll("[^A-Za-z0-9._#+-]", "_").toLowerCase(Locale.ROOT);
        final int room = NameTable.MAX_LENGTH - "i.".length() - 1 - digest.length();
        return "i." + (start.length() > room ? start.substring(0, room) : start) + "." + digest;
    }
}
