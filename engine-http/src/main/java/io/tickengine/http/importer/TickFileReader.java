package io.tickengine.http.importer;

import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.core.tick.TickField;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Streams a tick file into {@link TickBuffer} batches: the engine's tick CSV or MetaTrader 5's "Export ticks" file
 * ({@link FileFormat}, told from the header line), UTF-8 or UTF-16 with a byte order mark.
 *
 * <p>Every tick is checked with {@link io.tickengine.core.tick.TickValidator} as an ingest request's would be. A
 * line that does not parse or validate ends a batch: {@link #next(TickBuffer)} returns the good ticks before it and
 * throws an {@link ImportException} naming file, line and field on the following call. A caller that wants to skip
 * bad lines may go on calling {@code next}, which continues after the bad line; prices carried forward in an MT5 file
 * are those of the last good line.
 *
 * <p>MT5 files are stamped in the broker's server time, converted to UTC with {@link ImportOptions#serverTz()},
 * and name no symbol: it comes from {@link ImportOptions#symbol()} or the file name ({@code EURUSD_…}).
 *
 * <p>One thread; builds no objects per tick beyond the line's {@code String} and one per price it parses.
 */
public final class TickFileReader implements AutoCloseable {
    private final LineSource source;
    private final FileFormat format;
    private final TickLineParser parser;
    private final int batchSize;
    private final Fields row = new Fields();
    private long ticksRead;
    private ImportException pending;

    private TickFileReader(
            final LineSource source, final FileFormat format, final TickLineParser parser, final int batchSize) {
        this.source = source;
        this.format = format;
        this.parser = parser;
        this.batchSize = batchSize;
    }

    /**
     * Opens a tick file and reads its header.
     *
     * @param symbols interns the symbols of the ticks.
     * @param sources interns the {@code source} column of an engine CSV.
     * @param nowMsc the wall-clock time that ticks may not be more than a day ahead of, UTC epoch ms.
     * @throws ImportException if the file is empty, its header is unknown or malformed, it is a bar file, or an MT5
     *     file has no valid symbol.
     */
    public static TickFileReader open(
            final Path file,
            final ImportOptions options,
            final NameTable symbols,
            final NameTable sources,
            final long nowMsc)
            throws IOException, ImportException {
        final LineSource source = LineSource.open(file);
        try {
            final String headerLine = source.nextLine();
            if (headerLine == null) {
                throw new ImportException(Header.BAD_HEADER, file, 0, null, null, "empty file");
            }
            final FileFormat format = FileFormat.detect(headerLine);
            if (format == null) {
                throw source.error(
                        "unknown file format",
                        null,
                        headerLine,
                        "expected a header symbol,time_msc,bid,ask,last,volume,flags "
                                + "or MT5's <DATE> <TIME> <BID> <ASK> <LAST> <VOLUME> <FLAGS>");
            }
            if (!format.isTicks()) {
                throw source.error("not a tick file", null, null, "an MT5 bar export: import it as bars");
            }
            final Fields header = new Fields();
            header.split(headerLine, format.separator());
            final TickLineParser parser = format == FileFormat.ENGINE_CSV
                    ? new EngineCsvLineParser(source, header, symbols, sources, nowMsc)
                    : new Mt5TickLineParser(
                            source, header, symbolId(file, options, symbols), options.serverTz(), nowMsc);
            return new TickFileReader(source, format, parser, options.batchSize());
        } catch (final IOException | ImportException | RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** Reads up to {@link ImportOptions#batchSize()} ticks; see {@link #next(TickBuffer, int)}. */
    public int next(final TickBuffer out) throws IOException, ImportException {
        return next(out, batchSize);
    }

    /**
     * Clears {@code out} and fills it with the next ticks of the file.
     *
     * @return the number of ticks in {@code out}; 0 at the end of the file.
     * @throws ImportException for the first bad line after the ticks the previous call returned.
     */
    public int next(final TickBuffer out, final int maxTicks) throws IOException, ImportException {
        out.clear();
        if (pending != null) {
            final ImportException e = pending;
            pending = null;
            throw e;
        }
        String line;
        while (out.size() < maxTicks && (line = source.nextLine()) != null) {
            row.split(line, format.separator());
            try {
                parser.parse(row, out);
            } catch (final ImportException e) {
                if (out.size() == 0) {
                    throw e;
                }
                pending = e;
                break;
            }
        }
        ticksRead += out.size();
        return out.size();
    }

    /** @return the layout of the file. */
    public FileFormat format() {
        return format;
    }

    /** @return the file being read. */
    public Path file() {
        return source.file();
    }

    /** @return the ticks returned so far. */
    public long ticksRead() {
        return ticksRead;
    }

    /** @return the number of the last line read, 1-based (1 is the header). */
    public long lineNumber() {
        return source.lineNumber();
    }

    /** @return bytes taken from the file so far, for progress; reaches {@link #sizeBytes()} at the end. */
    public long bytesRead() {
        return source.bytesRead();
    }

    /** @return the size of the file in bytes. */
    public long sizeBytes() {
        return source.sizeBytes();
    }

    @Override
    public void close() throws IOException {
        source.close();
    }

    private static int symbolId(final Path file, final ImportOptions options, final NameTable symbols)
            throws ImportException {
        final String symbol = options.symbol() != null ? options.symbol() : FileNames.symbol(file);
        if (symbol == null) {
            throw new ImportException(
                    "no symbol",
                    file,
                    0,
                    TickField.SYMBOL.wireName(),
                    null,
                    "an MT5 export names no symbol: give one, or name the file SYMBOL_....csv");
        }
        final int id = symbols.intern(symbol);
        if (id < 0) {
            throw new ImportException(
                    "no symbol",
                    file,
                    0,
                    TickField.SYMBOL.wireName(),
                    symbol,
                    "the symbol table is full [capacity=" + symbols.capacity() + "]");
        }
        return id;
    }
}
