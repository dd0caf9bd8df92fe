package io.tickengine.core.tick.codec;

import static io.tickengine.core.tick.codec.TickBodies.NOW_MSC;
import static io.tickengine.core.tick.codec.TickBodies.quotes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.core.tick.TickField;
import io.tickengine.core.tick.codec.TickParser.Format;
import org.junit.jupiter.api.Test;

/** Symbols and sources become ids through the shared name tables, and a full table is a result, not a crash. */
class TickParserInterningTest {
    private final TickBuffer out = new TickBuffer(4);

    @Test
    void shouldGiveTheSameIdToASymbolParsedTwice() {
        final NameTable symbols = new NameTable(8);
        final TickParser parser = new TickParser(symbols, new NameTable(8), 16);
        final String body = "symbol,time_msc,bid\nEURUSD,1783944000093,1.1\nGBPUSD,1783944000094,1.2\n"
                + "EURUSD,1783944000095,1.3\n";

        assertEquals(3, parse(parser, body, Format.CSV));
        final int first = out.symbolId(0);
        assertEquals(first, out.symbolId(2));
        assertEquals(2, symbols.size());

        assertEquals(1, parse(parser, quotes("{'symbol':'EURUSD','time_msc':1783944000096,'bid':1.4}"), Format.JSON));
        assertEquals(first, out.symbolId(0));
        assertEquals(first, symbols.intern("EURUSD"));
    }

    @Test
    void shouldShareIdsBetweenParsersOfDifferentThreads() {
        final NameTable symbols = new NameTable(8);
        final NameTable sources = new NameTable(8);
        final TickParser one = new TickParser(symbols, sources, 16);
        final TickParser other = new TickParser(symbols, sources, 16);
        final String body = quotes("{'symbol':'XAUUSD','time_msc':1783944000093,'bid':2400.5,'source':'t1','seq':1}");

        assertEquals(1, parse(one, body, Format.JSON));
        final int symbolId = out.symbolId(0);
        final int sourceId = out.sourceId(0);
        assertEquals(1, parse(other, body, Format.JSON));

        assertEquals(symbolId, out.symbolId(0));
        assertEquals(sourceId, out.sourceId(0));
    }

    @Test
    void shouldReportNamesFullWhenTheSymbolTableIsFull() {
        final NameTable symbols = new NameTable(1);
        final TickParser parser = new TickParser(symbols, new NameTable(8), 16);
        final String body = "symbol,time_msc,bid\nEURUSD,1783944000093,1.1\nGBPUSD,1783944000094,1.2\n";

        assertEquals(TickParser.ERROR_NAMES_FULL, parse(parser, body, Format.CSV));

        assertEquals(1, parser.errorIndex());
        assertEquals(TickField.SYMBOL, parser.errorField());
        assertEquals(body.indexOf("GBPUSD"), parser.errorPosition());
        assertEquals(1, symbols.size());
    }

    @Test
    void shouldReportNamesFullWhenTheSourceTableIsFull() {
        final TickParser parser = new TickParser(new NameTable(8), new NameTable(1), 16);
        final String body = quotes("{'symbol':'EURUSD','time_msc':1783944000093,'bid':1.1,'source':'a','seq':1}\n"
                + "{'symbol':'EURUSD','time_msc':1783944000094,'bid':1.1,'source':'b','seq':1}\n");

        assertEquals(TickParser.ERROR_NAMES_FULL, parse(parser, body, Format.NDJSON));

        assertEquals(1, parser.errorIndex());
        assertEquals(TickField.SOURCE, parser.errorField());
    }

    @Test
    void shouldNotInternTheNamesOfARejectedTick() {
        final NameTable symbols = new NameTable(8);
        final NameTable sources = new NameTable(8);
        final TickParser parser = new TickParser(symbols, sources, 16);
        final String body = quotes("{'symbol':'NEWSYM','time_msc':1783944000093,'bid':-1,'source':'new-term'}");

        assertEquals(TickParser.ERROR_INVALID, parse(parser, body, Format.JSON));

        assertEquals(0, symbols.size());
        assertEquals(0, sources.size());
    }

    private int parse(final TickParser parser, final String body, final Format format) {
        return parser.parse(TickBodies.buffer(body), 0, body.length(), format, out, NOW_MSC);
    }
}
