package io.tickengine.http.importer;

import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.core.tick.TickField;
import io.tickengine.core.tick.TickValidator;

/**
 * Rows of the engine's tick CSV, columns found by name. Empty {@code last}, {@code volume}, {@code flags} and
 * {@code volume_real} read as 0 and an empty price as 0; an empty {@code source} or {@code seq} means none.
 */
final class EngineCsvLineParser implements TickLineParser {
    private static final int SYMBOL = 0;
    private static final int TIME_MSC = 1;
    private static final int BID = 2;
    private static final int ASK = 3;
    private static final int LAST = 4;
    private static final int VOLUME = 5;
    private static final int FLAGS = 6;
    private static final int VOLUME_REAL = 7;
    private static final int SOURCE = 8;
    private static final int SEQ = 9;
    /** Wire names, in the order of the indexes above; the first {@link #REQUIRED} must be present. */
    private static final String[] NAMES = {
        TickField.SYMBOL.wireName(),
        TickField.TIME_MSC.wireName(),
        TickField.BID.wireName(),
        TickField.ASK.wireName(),
        TickField.LAST.wireName(),
        TickField.VOLUME.wireName(),
        TickField.FLAGS.wireName(),
        TickField.VOLUME_REAL.wireName(),
        TickField.SOURCE.wireName(),
        TickField.SEQ.wireName()
    };

    private static final int REQUIRED = FLAGS + 1;

    private final LineSource source;
    private final NameTable symbols;
    private final NameTable sources;
    private final long nowMsc;
    private final int columns;
    private final int[] positions;

    // Files hold long runs of one symbol and one source: intern each only when it changes.
    private String lastSymbol;
    private int lastSymbolId;
    private String lastSource;
    private int lastSourceId;

    EngineCsvLineParser(
            final LineSource source,
            final Fields header,
            final NameTable symbols,
            final NameTable sources,
            final long nowMsc)
            throws ImportException {
        this.source = source;
        this.symbols = symbols;
        this.sources = sources;
        this.nowMsc = nowMsc;
        this.columns = header.count();
        this.positions = Header.positions(source, header, NAMES);
        for (int i = 0; i < REQUIRED; i++) {
            Header.require(source, positions, NAMES, i);
        }
    }

    @Override
    public void parse(final Fields row, final TickBuffer out) throws ImportException {
        Header.checkFieldCount(source, BAD_TICK, row, columns, positions, NAMES);
        final int symbolId = symbolId(row);
        final long timeMsc = integer(row, TIME_MSC, false);
        final double bid = price(row, BID);
        final double ask = price(row, ASK);
        final double last = price(row, LAST);
        final long volume = integer(row, VOLUME, true);
        final int flags = (int) integer(row, FLAGS, true);
        final double volumeReal = price(row, VOLUME_REAL);
        final int sourceId = sourceId(row);
        final long seq =
                positions[SEQ] < 0 || row.isEmpty(positions[SEQ]) ? TickBuffer.NO_SEQ : integer(row, SEQ, false);
        final TickField bad =
                TickValidator.check(timeMsc, bid, ask, last, volume, volumeReal, flags, sourceId, seq, nowMsc);
        if (bad != null) {
            final int column = columnOf(bad);
            throw TickLineParser.invalid(source, bad, bad.wireName(), column >= 0 ? row.text(positions[column]) : null);
        }
        out.add(symbolId, timeMsc, bid, ask, last, volume, volumeReal, flags, sourceId, seq);
    }

    private int symbolId(final Fields row) throws ImportException {
        final int column = positions[SYMBOL];
        if (lastSymbol == null || !row.textEquals(column, lastSymbol)) {
            final String symbol = row.text(column);
            lastSymbolId = intern(symbols, symbol, TickField.SYMBOL, "symbols");
            lastSymbol = symbol;
        }
        return lastSymbolId;
    }

    private int sourceId(final Fields row) throws ImportException {
        final int column = positions[SOURCE];
        if (column < 0 || row.isEmpty(column)) {
            return TickBuffer.NO_SOURCE;
        }
        if (lastSource == null || !row.textEquals(column, lastSource)) {
            final String name = row.text(column);
            lastSourceId = intern(sources, name, TickField.SOURCE, "sources");
            lastSource = name;
        }
        return lastSourceId;
    }

    private int intern(final NameTable table, final String name, final TickField field, final String what)
            throws ImportException {
        final int id = table.intern(name);
        if (id == NameTable.INVALID) {
            throw source.error(BAD_TICK, field.wireName(), name, "not 1-32 of [A-Za-z0-9._#+-]");
        }
        if (id == NameTable.FULL) {
            throw source.error(
                    BAD_TICK,
                    field.wireName(),
                    name,
                    "too many distinct " + what + " [capacity=" + table.capacity() + "]");
        }
        return id;
    }

    private long integer(final Fields row, final int index, final boolean emptyIsZero) throws ImportException {
        final int column = positions[index];
        if (emptyIsZero && row.isEmpty(column)) {
            return 0;
        }
        try {
            return index == FLAGS ? row.parseInt(column) : row.parseLong(column);
        } catch (final NumberFormatException e) {
            throw source.error(BAD_TICK, NAMES[index], row.text(column), "not an integer");
        }
    }

    private double price(final Fields row, final int index) throws ImportException {
        final int column = positions[index];
        if (column < 0 || row.isEmpty(column)) {
            return 0;
        }
        try {
            return row.parseDouble(column);
        } catch (final NumberFormatException e) {
            throw source.error(BAD_TICK, NAMES[index], row.text(column), "not a number");
        }
    }

    private int columnOf(final TickField field) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(field.wireName())) {
                return positions[i] >= 0 ? i : -1;
            }
        }
        return -1;
    }
}
