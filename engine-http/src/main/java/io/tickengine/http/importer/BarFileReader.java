package io.tickengine.http.importer;

import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.tick.TickValidator;
import io.tickengine.core.time.ServerTimeZone;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads MetaTrader 5's "Export bars" file ({@link FileFormat#MT5_BARS}), UTF-8 or UTF-16 with a byte order mark,
 * into validated {@link ImportedBar}s.
 *
 * <p>Bar times are the broker's server time, converted to UTC with {@link ImportOptions#serverTz()}; a file
 * without a {@code <TIME>} column (D1 and longer) has bars at server midnight. Each bar must open on its timeframe's
 * boundary, {@link Timeframe#openTime(long, long)} with {@link ImportOptions#sessionOffsetMinutes()}.
 *
 * <p>The symbol is {@link ImportOptions#symbol()} or else the file name before the first {@code _} or {@code ,}. The
 * timeframe is, first found:
 *
 * <ol>
 *   <li>{@link ImportOptions#timeframe()};
 *   <li>named in the file name right after the symbol: {@code EURUSD_M1_202607131200_202607131300.csv} (MT5's own
 *       export name), {@code EURUSD,H4.csv};
 *   <li>inferred from the bar times: the smallest gap between consecutive bars among the first {@value
 *       #INFER_FROM_BARS} must be exactly one timeframe's length (or 28 to 31 days for MN1). A file whose bars are
 *       all a gap apart (for example M1 bars of a thin market, never in consecutive minutes) would infer a longer
 *       timeframe, so give the timeframe when the file name does not.
 * </ol>
 *
 * <p>A bad line throws an {@link ImportException} naming file, line and field; {@link #next()} may be called again to
 * skip it. One thread.
 */
public final class BarFileReader implements AutoCloseable {
    /** How many bars the timeframe is inferred from. */
    public static final int INFER_FROM_BARS = 1000;

    private static final String BAD_BAR = "bad bar";
    private static final long DAY_MSC = 86_400_000L;

    private static final int DATE = 0;
    private static final int TIME = 1;
    private static final int OPEN = 2;
    private static final int HIGH = 3;
    private static final int LOW = 4;
    private static final int CLOSE = 5;
    private static final int TICKVOL = 6;
    private static final int VOL = 7;
    private static final int SPREAD = 8;
    private static final String[] NAMES = {
        "<DATE>", "<TIME>", "<OPEN>", "<HIGH>", "<LOW>", "<CLOSE>", "<TICKVOL>", "<VOL>", "<SPREAD>"
    };
    /** What errors call each column. */
    private static final String[] FIELDS = {"date", "time", "open", "high", "low", "close", "tickvol", "vol", "spread"};

    private final LineSource source;
    private final String symbol;
    private final Timeframe timeframe;
    private final ServerTimeZone serverTz;
    private final long sessionOffsetMsc;
    private final long nowMsc;
    private final int columns;
    private final int[] positions;
    private final Fields row = new Fields();
    private final Mt5Time time = new Mt5Time();
    private long barsRead;
    /** The UTC open time of the previous bar, to read the hour repeated at an autumn switch in order. */
    private long lastOpenTimeMsc = Long.MIN_VALUE;

    private BarFileReader(
            final LineSource source,
            final String symbol,
            final Timeframe timeframe,
            final ImportOptions options,
            final long nowMsc,
            final int columns,
            final int[] positions) {
        this.source = source;
        this.symbol = symbol;
        this.timeframe = timeframe;
        this.serverTz = options.serverTz();
        this.sessionOffsetMsc = options.sessionOffsetMsc();
        this.nowMsc = nowMsc;
        this.columns = columns;
        this.positions = positions;
    }

    /**
     * Opens a bar file, reads its header and settles symbol and timeframe.
     *
     * @param nowMsc the wall-clock time that bars may not open more than a day after, UTC epoch ms.
     * @throws ImportException if the file is empty, not an MT5 bar export, has a malformed header, or its symbol or
     *     timeframe cannot be found.
     */
    public static BarFileReader open(final Path file, final ImportOptions options, final long nowMsc)
            throws IOException, ImportException {
        final LineSource source = LineSource.open(file);
        try {
            final Fields header = new Fields();
            final int[] positions = readHeader(source, header);
            final String symbol = options.symbol() != null ? options.symbol() : FileNames.symbol(file);
            if (symbol == null) {
                throw new ImportException(
                        "no symbol",
                        file,
                        0,
                        "symbol",
                        null,
                        "an MT5 export names no symbol: give one, or name the file SYMBOL_TIMEFRAME_....csv");
            }
            Timeframe timeframe = options.timeframe() != null ? options.timeframe() : FileNames.timeframe(file);
            if (timeframe == null) {
                timeframe = inferTimeframe(file, header.count(), positions);
            }
            if (positions[TIME] < 0 && timeframe.durationMsc() > 0 && timeframe.durationMsc() < DAY_MSC) {
                throw source.error(
                        Header.BAD_HEADER, null, NAMES[TIME], "missing column [timeframe=" + timeframe + "]");
            }
            return new BarFileReader(source, symbol, timeframe, options, nowMsc, header.count(), positions);
        } catch (final IOException | ImportException | RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /**
     * @return the next bar, or {@code null} at the end of the file.
     * @throws ImportException for a line that does not parse or validate; the next call reads the line after it.
     */
    public ImportedBar next() throws IOException, ImportException {
        final String line = source.nextLine();
        if (line == null) {
            return null;
        }
        row.split(line, FileFormat.MT5_BARS.separator());
        Header.checkFieldCount(source, BAD_BAR, row, columns, positions, FIELDS);
        final long openTimeMsc = serverTz.toUtcMsc(localTimeMsc(source, row, positions, time), lastOpenTimeMsc);
        final double open = price(OPEN);
        final double high = price(HIGH);
        final double low = price(LOW);
        final double close = price(CLOSE);
        final long tickVolume = integer(TICKVOL);
        final double realVolume = volume();
        final long spread = integer(SPREAD);
        if (openTimeMsc < TickValidator.MIN_TIME_MSC || openTimeMsc - nowMsc > TickValidator.MAX_AHEAD_MSC) {
            throw source.error(BAD_BAR, timeField(), serverTime(), "before 2000 or more than a day ahead of now");
        }
        if (timeframe.openTime(openTimeMsc, sessionOffsetMsc) != openTimeMsc) {
            throw source.error(
                    BAD_BAR,
                    timeField(),
                    serverTime(),
                    "not the open time of a " + timeframe + " bar [sessionOffsetMinutes=" + sessionOffsetMsc / 60_000
                            + "]");
        }
        if (high < Math.max(open, close)) {
            throw source.error(BAD_BAR, FIELDS[HIGH], text(HIGH), "below open or close");
        }
        if (low > Math.min(open, close)) {
            throw source.error(BAD_BAR, FIELDS[LOW], text(LOW), "above open or close");
        }
        if (tickVolume < 0) {
            throw source.error(BAD_BAR, FIELDS[TICKVOL], text(TICKVOL), "negative");
        }
        if (spread < 0 || spread > Integer.MAX_VALUE) {
            throw source.error(BAD_BAR, FIELDS[SPREAD], text(SPREAD), "negative or too large");
        }
        barsRead++;
        lastOpenTimeMsc = openTimeMsc;
        return new ImportedBar(
                symbol, timeframe, openTimeMsc, open, high, low, close, tickVolume, realVolume, (int) spread);
    }

    /** @return the symbol of every bar of this file. */
    public String symbol() {
        return symbol;
    }

    /** @return the timeframe of every bar of this file: given, from the file name or inferred. */
    public Timeframe timeframe() {
        return timeframe;
    }

    /** @return the file being read. */
    public Path file() {
        return source.file();
    }

    /** @return the bars returned so far. */
    public long barsRead() {
        return barsRead;
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

    private static int[] readHeader(final LineSource source, final Fields header) throws IOException, ImportException {
        final String headerLine = source.nextLine();
        if (headerLine == null) {
            throw new ImportException(Header.BAD_HEADER, source.file(), 0, null, null, "empty file");
        }
        final FileFormat format = FileFormat.detect(headerLine);
        if (format == null) {
            throw source.error(
                    "unknown file format",
                    null,
                    headerLine,
                    "expected MT5's <DATE> <TIME> <OPEN> <HIGH> <LOW> <CLOSE> <TICKVOL> <VOL> <SPREAD>");
        }
        if (format != FileFormat.MT5_BARS) {
            throw source.error("not a bar file", null, null, "a tick file: import it as ticks");
        }
        header.split(headerLine, format.separator());
        final int[] positions = Header.positions(source, header, NAMES);
        for (int i = 0; i < NAMES.length; i++) {
            if (i != TIME) {
                Header.require(source, positions, NAMES, i);
            }
        }
        return positions;
    }

    /** Reads the start of the file a second time to find the smallest gap between bars. */
    private static Timeframe inferTimeframe(final Path file, final int columns, final int[] positions)
            throws IOException, ImportException {
        long smallestGapMsc = Long.MAX_VALUE;
        try (LineSource scan = LineSource.open(file)) {
            scan.nextLine();
            final Fields fields = new Fields();
            final Mt5Time scanTime = new Mt5Time();
            long previousMsc = Long.MIN_VALUE;
            String line;
            for (int bars = 0; bars < INFER_FROM_BARS && (line = scan.nextLine()) != null; bars++) {
                if (fields.split(line, FileFormat.MT5_BARS.separator()) != columns) {
                    break; // the reading pass reports the bad line
                }
                final long timeMsc;
                try {
                    timeMsc = localTimeMsc(scan, fields, positions, scanTime);
                } catch (final ImportException e) {
                    break;
                }
                if (previousMsc != Long.MIN_VALUE && timeMsc > previousMsc) {
                    smallestGapMsc = Math.min(smallestGapMsc, timeMsc - previousMsc);
                }
                previousMsc = timeMsc;
            }
        }
        final Timeframe timeframe = timeframeOfGap(smallestGapMsc);
        if (timeframe == null) {
            throw new ImportException(
                    "no timeframe",
                    file,
                    0,
                    "timeframe",
                    smallestGapMsc == Long.MAX_VALUE ? null : smallestGapMsc + "ms",
                    "not in the file name and not inferable from the smallest gap between bars: give one");
        }
        return timeframe;
    }

    private static Timeframe timeframeOfGap(final long gapMsc) {
        for (final Timeframe tf : Timeframe.values()) {
            if (tf.durationMsc() == gapMsc) {
                return tf;
            }
        }
        return gapMsc >= 28 * DAY_MSC && gapMsc <= 31 * DAY_MSC ? Timeframe.MN1 : null;
    }

    /** @return the server time of a row, epoch ms as if UTC. */
    private static long localTimeMsc(
            final LineSource source, final Fields row, final int[] positions, final Mt5Time time)
            throws ImportException {
        final long dateMsc = time.dateMsc(row, positions[DATE]);
        if (dateMsc == Mt5Time.INVALID) {
            throw source.error(BAD_BAR, FIELDS[DATE], row.text(positions[DATE]), "not a date yyyy.MM.dd");
        }
        if (positions[TIME] < 0) {
            return dateMsc;
        }
        final long timeOfDayMsc = Mt5Time.timeOfDayMsc(row, positions[TIME]);
        if (timeOfDayMsc == Mt5Time.INVALID) {
            throw source.error(BAD_BAR, FIELDS[TIME], row.text(positions[TIME]), "not a time HH:mm[:ss]");
        }
        return dateMsc + timeOfDayMsc;
    }

    private double price(final int index) throws ImportException {
        final int column = positions[index];
        final double value;
        try {
            value = row.parseDouble(column);
        } catch (final NumberFormatException e) {
            throw source.error(BAD_BAR, FIELDS[index], row.text(column), "not a number");
        }
        if (!(value > 0 && value < Double.POSITIVE_INFINITY)) {
            throw source.error(BAD_BAR, FIELDS[index], row.text(column), "not a price above 0");
        }
        return value;
    }

    private long integer(final int index) throws ImportException {
        final int column = positions[index];
        if (row.isEmpty(column)) {
            return 0;
        }
        try {
            return row.parseLong(column);
        } catch (final NumberFormatException e) {
            throw source.error(BAD_BAR, FIELDS[index], row.text(column), "not an integer");
        }
    }

    private double volume() throws ImportException {
        final int column = positions[VOL];
        if (row.isEmpty(column)) {
            return 0;
        }
        final double value;
        try {
            value = row.parseDouble(column);
        } catch (final NumberFormatException e) {
            throw source.error(BAD_BAR, FIELDS[VOL], row.text(column), "not a number");
        }
        if (!(value >= 0 && value < Double.POSITIVE_INFINITY)) {
            throw source.error(BAD_BAR, FIELDS[VOL], row.text(column), "negative or not finite");
        }
        return value;
    }

    private String text(final int index) {
        return row.text(positions[index]);
    }

    private String timeField() {
        return positions[TIME] >= 0 ? FIELDS[TIME] : FIELDS[DATE];
    }

    private String serverTime() {
        return positions[TIME] >= 0 ? text(DATE) + ' ' + text(TIME) : text(DATE);
    }
}
