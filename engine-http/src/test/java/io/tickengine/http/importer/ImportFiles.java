package io.tickengine.http.importer;

import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads whole files with the importer's readers and writes small test files. */
final class ImportFiles {
    /** The clock of every test: after all fixtures, so none is "more than a day ahead". */
    static final long NOW_MSC = Instant.parse("2027-01-01T00:00:00Z").toEpochMilli();

    /** One tick as a reader returned it. */
    record Tick(String symbol, long timeMsc, double bid, double ask, double last, long volume, int flags) {}

    private ImportFiles() {}

    static Path fixture(final String name) {
        return TickFiles.dataDir().resolve(name);
    }

    /** @return every tick of the file, read in batches of {@code options.batchSize()}. */
    static List<Tick> readTicks(final Path file, final ImportOptions options) throws IOException, ImportException {
        final NameTable symbols = new NameTable(16);
        final List<Tick> ticks = new ArrayList<>();
        try (TickFileReader reader = TickFileReader.open(file, options, symbols, new NameTable(16), NOW_MSC)) {
            final TickBuffer batch = new TickBuffer(options.batchSize());
            while (reader.next(batch) > 0) {
                for (int i = 0; i < batch.size(); i++) {
                    ticks.add(new Tick(
                            symbols.name(batch.symbolId(i)),
                            batch.timeMsc(i),
                            batch.bid(i),
                            batch.ask(i),
                            batch.last(i),
                            batch.volume(i),
                            batch.flags(i)));
                }
            }
        }
        return ticks;
    }

    /** @return every bar of the file. */
    static List<ImportedBar> readBars(final Path file, final ImportOptions options)
            throws IOException, ImportException {
        final List<ImportedBar> bars = new ArrayList<>();
        try (BarFileReader reader = BarFileReader.open(file, options, NOW_MSC)) {
            for (ImportedBar bar = reader.next(); bar != null; bar = reader.next()) {
                bars.add(bar);
            }
        }
        return bars;
    }

    /** Writes {@code lines}, each ended by CRLF as MetaTrader 5 does, in UTF-8. */
    static Path write(final Path dir, final String name, final String... lines) throws IOException {
        return Files.writeString(dir.resolve(name), String.join("\r\n", lines) + "\r\n", StandardCharsets.UTF_8);
    }
}
