package io.tickengine.http.importer;

import io.tickengine.core.tick.TickBuffer;
import io.tickengine.core.tick.TickField;
import io.tickengine.core.tick.TickValidator;
import io.tickengine.core.time.ServerTimeZone;

/**
 * Rows of MetaTrader 5's "Export ticks" file. MT5 writes a price only when its flag bit says it changed and leaves
 * the column empty otherwise; like {@code MqlTick}, every tick here carries the last known bid, ask and last (0
 * before the first one). {@code <VOLUME>} is the deal volume of that tick, not carried: it becomes
 * {@code volume_real}, and {@code volume} is its whole part.
 */
final class Mt5TickLineParser implements TickLineParser {
    private static final int DATE = 0;
    private static final int TIME = 1;
    private static final int BID = 2;
    private static final int ASK = 3;
    private static final int LAST = 4;
    private static final int VOLUME = 5;
    private static final int FLAGS = 6;
    private static final String[] NAMES = {"<DATE>", "<TIME>", "<BID>", "<ASK>", "<LAST>", "<VOLUME>", "<FLAGS>"};
    /** What errors call each column. */
    private static final String[] FIELDS = {"date", "time", "bid", "ask", "last", "volume", "flags"};

    private final LineSource source;
    private final int symbolId;
    private final ServerTimeZone serverTz;
    private final long nowMsc;
    private final int columns;
    private final int[] positions;
    private final Mt5Time time = new Mt5Time();

    /** The UTC time of the previous tick, to read the hour repeated at an autumn switch in order. */
    private long lastTimeMsc = Long.MIN_VALUE;

    private double lastBid;
    private double lastAsk;
    private double lastLast;

    Mt5TickLineParser(
            final LineSource source,
            final Fields header,
            final int symbolId,
            final ServerTimeZone serverTz,
            final long nowMsc)
            throws ImportException {
        this.source = source;
        this.symbolId = symbolId;
        this.serverTz = serverTz;
        this.nowMsc = nowMsc;
        this.columns = header.count();
        this.positions = Header.positions(source, header, NAMES);
        for (int i = 0; i < NAMES.length; i++) {
            Header.require(source, positions, NAMES, i);
        }
    }

    @Override
    public void parse(final Fields row, final TickBuffer out) throws ImportException {
        Header.checkFieldCount(source, BAD_TICK, row, columns, positions, FIELDS);
        final long dateMsc = time.dateMsc(row, positions[DATE]);
        if (dateMsc == Mt5Time.INVALID) {
            throw source.error(BAD_TICK, FIELDS[DATE], row.text(positions[DATE]), "not a date yyyy.MM.dd");
        }
        final long timeOfDayMsc = Mt5Time.timeOfDayMsc(row, positions[TIME]);
        if (timeOfDayMsc == Mt5Time.INVALID) {
            throw source.error(BAD_TICK, FIELDS[TIME], row.text(positions[TIME]), "not a time HH:mm:ss.SSS");
        }
        final long timeMsc = serverTz.toUtcMsc(dateMsc + timeOfDayMsc, lastTimeMsc);
        final double bid = number(row, BID, lastBid);
        final double ask = number(row, ASK, lastAsk);
        final double last = number(row, LAST, lastLast);
        final double volumeReal = number(row, VOLUME, 0);
        final long volume = (long) volumeReal;
        final int flags = flags(row);
        final TickField bad = TickValidator.check(
                timeMsc, bid, ask, last, volume, volumeReal, flags, TickBuffer.NO_SOURCE, TickBuffer.NO_SEQ, nowMsc);
        if (bad != null) {
            throw invalid(bad, row, bid, ask, last, volumeReal, flags);
        }
        out.add(symbolId, timeMsc, bid, ask, last, volume, volumeReal, flags, TickBuffer.NO_SOURCE, TickBuffer.NO_SEQ);
        lastTimeMsc = timeMsc;
        lastBid = bid;
        lastAsk = ask;
        lastLast = last;
    }

    private double number(final Fields row, final int index, final double ifEmpty) throws ImportException {
        final int column = positions[index];
        if (row.isEmpty(column)) {
            return ifEmpty;
        }
        try {
            return row.parseDouble(column);
        } catch (final NumberFormatException e) {
            throw source.error(BAD_TICK, FIELDS[index], row.text(column), "not a number");
        }
    }

    private int flags(final Fields row) throws ImportException {
        final int column = positions[FLAGS];
        if (row.isEmpty(column)) {
            return 0;
        }
        try {
            return row.parseInt(column);
        } catch (final NumberFormatException e) {
            throw source.error(BAD_TICK, FIELDS[FLAGS], row.text(column), "not an integer");
        }
    }

    private ImportException invalid(
            final TickField bad,
            final Fields row,
            final double bid,
            final double ask,
            final double last,
            final double volumeReal,
            final int flags) {
        switch (bad) {
            case TIME_MSC:
                final String serverTime = row.text(positions[DATE]) + ' ' + row.text(positions[TIME]);
                return TickLineParser.invalid(source, bad, FIELDS[TIME], serverTime);
            case BID:
                return TickLineParser.invalid(source, bad, FIELDS[BID], Double.toString(bid));
            case ASK:
                return TickLineParser.invalid(source, bad, FIELDS[ASK], Double.toString(ask));
            case LAST:
                return TickLineParser.invalid(source, bad, FIELDS[LAST], Double.toString(last));
            case VOLUME:
            case VOLUME_REAL:
                return TickLineParser.invalid(source, bad, FIELDS[VOLUME], Double.toString(volumeReal));
            case FLAGS:
                return TickLineParser.invalid(source, bad, FIELDS[FLAGS], Integer.toString(flags));
            default:
                return TickLineParser.invalid(source, bad, bad.wireName(), null);
        }
    }
}
