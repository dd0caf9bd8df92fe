package io.tickengine.core.tick.codec;

import static io.tickengine.core.tick.codec.TickBodies.NOW_MSC;
import static io.tickengine.core.tick.codec.TickBodies.TIME_MSC;
import static io.tickengine.core.tick.codec.TickBodies.bytes;
import static io.tickengine.core.tick.codec.TickBodies.octets;
import static io.tickengine.core.tick.codec.TickBodies.quotes;
import static io.tickengine.core.tick.codec.TickBodies.tick;
import static io.tickengine.core.tick.codec.TickBodies.tickWithBid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.core.tick.TickField;
import io.tickengine.core.tick.TickFlags;
import io.tickengine.core.tick.codec.TickParser.Format;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Good bodies in their less common shapes are accepted, with every value exactly as sent. */
class TickParserAcceptanceTest {
    private static final String CSV_HEADER = "symbol,time_msc,bid,ask,last,volume,flags\n";
    private static final String CSV_ROW = "EURUSD,1783944000093,1.14273,1.14277,0,0,6\n";

    private final NameTable symbols = new NameTable(64);
    private final NameTable sources = new NameTable(64);
    private final TickParser parser = new TickParser(symbols, sources, 16);
    private final TickBuffer out = new TickBuffer(4);

    @Test
    void shouldReadEveryFieldOfOneObject() {
        final String body = quotes("{'symbol':'EURUSD','time_msc':1783944000093,'bid':1.14273,'ask':1.14277,"
                + "'last':1.1428,'volume':12,'volume_real':12.5,'flags':6,'source':'term-01','seq':42,"
                + "'server_offset_s':10800}");

        assertEquals(1, parse(body, Format.JSON));

        assertEquals(symbols.intern("EURUSD"), out.symbolId(0));
        assertEquals(TIME_MSC, out.timeMsc(0));
        assertEquals(1.14273, out.bid(0));
        assertEquals(1.14277, out.ask(0));
        assertEquals(1.1428, out.last(0));
        assertEquals(12, out.volume(0));
        assertEquals(12.5, out.volumeReal(0));
        assertEquals(TickFlags.BID | TickFlags.ASK, out.flags(0));
        assertEquals(sources.intern("term-01"), out.sourceId(0));
        assertEquals(42, out.seq(0));
    }

    @Test
    void shouldDefaultAbsentOptionalFields() {
        assertEquals(1, parse(quotes("{'symbol':'EURUSD','time_msc':1783944000093,'ask':1.1}"), Format.JSON));

        assertEquals(0.0, out.bid(0));
        assertEquals(0.0, out.last(0));
        assertEquals(0, out.volume(0));
        assertEquals(0.0, out.volumeReal(0));
        assertEquals(0, out.flags(0));
        assertEquals(TickBuffer.NO_SOURCE, out.sourceId(0));
        assertEquals(TickBuffer.NO_SEQ, out.seq(0));
    }

    @Test
    void shouldTreatNullOptionalFieldsAsAbsent() {
        final String body = tick("'last':null,'volume':null,'volume_real':null,'flags':null,'source':null,"
                + "'seq':null,'server_offset_s':null");

        assertEquals(1, parse(body, Format.JSON));

        assertEquals(0.0, out.last(0));
        assertEquals(TickBuffer.NO_SOURCE, out.sourceId(0));
        assertEquals(TickBuffer.NO_SEQ, out.seq(0));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void shouldTolerateTrailingNulBytesAsMql5SendsThem(final int nulCount) {
        final byte[] nuls = new byte[nulCount];

        assertEquals(1, parse(bytes(tick(""), nuls), Format.JSON));
        assertEquals(2, parse(bytes("[" + tick("") + ",\n" + tick("") + "]\n", nuls), Format.JSON));
        assertEquals(2, parse(bytes(tick("") + "\n" + tick(""), nuls), Format.NDJSON));
        assertEquals(1, parse(bytes(CSV_HEADER + CSV_ROW, nuls), Format.CSV));
    }

    @Test
    void shouldSkipUtf8ByteOrderMark() {
        final byte[] bom = octets(0xEF, 0xBB, 0xBF);

        assertEquals(1, parse(bytes(bom, tick("")), Format.JSON));
        assertEquals(1, parse(bytes(bom, tick("") + "\n"), Format.NDJSON));
        assertEquals(1, parse(bytes(bom, CSV_HEADER + CSV_ROW, octets(0)), Format.CSV));
        assertEquals(1.14273, out.bid(0));
    }

    @Test
    void shouldAcceptWhitespaceAroundEveryToken() {
        final String body = quotes(" \r\n\t[ { 'symbol' : 'EURUSD' ,\n 'time_msc'\t:\t1783944000093 , 'bid' : 1.5 } ,"
                + "\r\n{'symbol':'GBPUSD','time_msc':1783944000094,'bid':1.25}\n ]\r\n ");

        assertEquals(2, parse(body, Format.JSON));

        assertEquals(1.5, out.bid(0));
        assertEquals("GBPUSD", symbols.name(out.symbolId(1)));
    }

    @Test
    void shouldSkipUnknownFieldsOfAnyShape() {
        final String body = tick("'meta':{'a':[1,-2.5e-3,{'b':'x\\'y\\\\\\u00e9\\n'}],'c':null,'d':true,'e':false,"
                + "'f':{},'g':[]},'comment':'caf\u00e9 \u20ac \ud83d\ude00','n':-0.0E+1,'empty':''");

        assertEquals(1, parse(body, Format.JSON));

        assertEquals(1.14273, out.bid(0));
    }

    @Test
    void shouldDecodeEscapedKeysAndSymbols() {
        final String body = quotes(
                "{'\\u0073ymbol':'EUR\\u0055SD','time_msc':1783944000093,'b\\u0069d':2," + "'source':'term\\u002d01'}");

        assertEquals(1, parse(body, Format.JSON));

        assertEquals(symbols.intern("EURUSD"), out.symbolId(0));
        assertEquals(2.0, out.bid(0));
        assertEquals(sources.intern("term-01"), out.sourceId(0));
    }

    @Test
    void shouldReadNdjsonWithCrLfAndBlankLines() {
        final String body = "\r\n" + tick("") + "\r\n\r\n   \n" + tick("'flags':2") + "  \r\n\n" + tick("'seq':null");

        assertEquals(3, parse(body, Format.NDJSON));

        assertEquals(2, out.flags(1));
    }

    @Test
    void shouldReadCsvWithCrLfAndBlankLines() {
        final String body = "\r\n" + CSV_HEADER.replace("\n", "\r\n") + "\r\n" + CSV_ROW.replace("\n", "\r\n") + "   \n"
                + "GBPUSD,1783944000094,1.25,1.26,0,0,6";

        assertEquals(2, parse(body, Format.CSV));

        assertEquals(6, out.flags(0));
        assertEquals(1.26, out.ask(1));
    }

    @Test
    void shouldReadCsvColumnsInAnyOrderWithEmptyFieldsAsDefaults() {
        final String body = "seq,volume_real,flags,ask,time_msc,source,symbol,bid,last,volume,server_offset_s\n"
                + "7,0.5,6,1.2,1783944000093,term-01,EURUSD,1.1,,3,10800\n"
                + ",,,1.3,1783944000094,,GBPUSD,,,,\n";

        assertEquals(2, parse(body, Format.CSV));

        assertEquals(symbols.intern("EURUSD"), out.symbolId(0));
        assertEquals(TIME_MSC, out.timeMsc(0));
        assertEquals(1.1, out.bid(0));
        assertEquals(1.2, out.ask(0));
        assertEquals(0.0, out.last(0));
        assertEquals(3, out.volume(0));
        assertEquals(0.5, out.volumeReal(0));
        assertEquals(6, out.flags(0));
        assertEquals(sources.intern("term-01"), out.sourceId(0));
        assertEquals(7, out.seq(0));
        assertEquals(0.0, out.bid(1));
        assertEquals(1.3, out.ask(1));
        assertEquals(TickBuffer.NO_SOURCE, out.sourceId(1));
        assertEquals(TickBuffer.NO_SEQ, out.seq(1));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "1.2e-3",
                "1.2E+3",
                "1.0e3",
                "5e-1",
                "0.000123",
                "1E2",
                "123456789.123456789",
                "0.1",
                "-0",
                "1.142730000000000000000000",
                "9007199254740993",
                "2.2250738585072011e-308",
                "1e-400",
                "1.7976931348623157e308"
            })
    void shouldConvertNumbersExactlyAsParseDouble(final String text) {
        final String body = quotes("{'symbol':'X','time_msc':1783944000093,'ask':1,'last':" + text + "}");

        assertEquals(1, parse(body, Format.JSON));

        assertEquals(Double.parseDouble(text), out.last(0));
    }

    @Test
    void shouldAcceptExactlyMaxTicks() {
        final String body = String.join("\n", tick(""), tick(""), tick(""), tick(""));
        final TickParser small = new TickParser(symbols, sources, 4);

        assertEquals(4, small.parse(TickBodies.buffer(body), 0, body.length(), Format.NDJSON, out, NOW_MSC));
    }

    @Test
    void shouldReadAnOffHeapBodyAtAnOffsetAndReportPositionsRelativeToIt() {
        final String padding = "garbage";
        final DirectBuffer good = offHeap(padding + tick("") + padding);
        final DirectBuffer bad = offHeap(padding + tickWithBid("-1") + padding);

        assertEquals(1, parser.parse(good, padding.length(), tick("").length(), Format.JSON, out, NOW_MSC));
        assertEquals(1.14273, out.bid(0));
        assertEquals(
                TickParser.ERROR_INVALID,
                parser.parse(bad, padding.length(), tickWithBid("-1").length(), Format.JSON, out, NOW_MSC));
        assertEquals(TickField.BID, parser.errorField());
        assertEquals(tickWithBid("-1").indexOf("-1"), parser.errorPosition());
    }

    @Test
    void shouldReadAHeapBodyWrappedAtAnOffset() {
        final byte[] text = ("xx" + tick("")).getBytes(StandardCharsets.UTF_8);
        final DirectBuffer view = new UnsafeBuffer(text, 1, text.length - 1);

        assertEquals(1, parser.parse(view, 1, text.length - 2, Format.JSON, out, NOW_MSC));
        assertEquals(1.14273, out.bid(0));
    }

    @Test
    void shouldClearTheBufferAndErrorBetweenRequests() {
        assertEquals(TickParser.ERROR_INVALID, parse(tickWithBid("-1"), Format.JSON));

        assertEquals(1, parse(tick(""), Format.JSON));
        assertEquals(1, out.size());
        assertEquals(-1, parser.errorIndex());
        assertNull(parser.errorField());
        assertNull(parser.errorMessage());
    }

    @Test
    void shouldMapContentTypesToFormats() {
        assertEquals(Format.JSON, TickParser.formatOf("application/json"));
        assertEquals(Format.JSON, TickParser.formatOf("Application/JSON; charset=utf-8"));
        assertEquals(Format.NDJSON, TickParser.formatOf("application/x-ndjson"));
        assertEquals(Format.NDJSON, TickParser.formatOf(" application/ndjson ;charset=UTF-8"));
        assertEquals(Format.CSV, TickParser.formatOf("text/csv"));
        assertEquals(Format.CSV, TickParser.formatOf("TEXT/CSV;header=present"));
        assertNull(TickParser.formatOf("text/plain"));
        assertNull(TickParser.formatOf("application/jsonx"));
        assertNull(TickParser.formatOf(""));
        assertNull(TickParser.formatOf(null));
    }

    private static DirectBuffer offHeap(final String text) {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes.length));
        buffer.putBytes(0, bytes);
        return buffer;
    }

    private int parse(final String body, final Format format) {
        return parse(body.getBytes(StandardCharsets.UTF_8), format);
    }

    private int parse(final byte[] body, final Format format) {
        return parser.parse(TickBodies.buffer(body), 0, body.length, format, out, NOW_MSC);
    }
}
