package io.tickengine.core.tick.codec;

import static io.tickengine.core.tick.codec.TickBodies.NOW_MSC;
import static io.tickengine.core.tick.codec.TickBodies.VALID_FIELDS;
import static io.tickengine.core.tick.codec.TickBodies.bytes;
import static io.tickengine.core.tick.codec.TickBodies.octets;
import static io.tickengine.core.tick.codec.TickBodies.quotes;
import static io.tickengine.core.tick.codec.TickBodies.tick;
import static io.tickengine.core.tick.codec.TickBodies.tickWithBid;
import static io.tickengine.core.tick.codec.TickParser.ERROR_EMPTY;
import static io.tickengine.core.tick.codec.TickParser.ERROR_INVALID;
import static io.tickengine.core.tick.codec.TickParser.ERROR_SYNTAX;
import static io.tickengine.core.tick.codec.TickParser.ERROR_TOO_MANY;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.core.tick.TickField;
import io.tickengine.core.tick.codec.TickParser.Format;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A catalogue of bad bodies: each is rejected whole, with the expected code, tick index and field. */
class TickParserRejectionTest {
    private static final int MAX_TICKS = 4;
    private static final String CSV_HEADER = "symbol,time_msc,bid,ask,last,volume,flags\n";
    private static final String CSV_ROW = "EURUSD,1783944000093,1.14273,1.14277,0,0,6\n";

    /** One bad body and what the parser must say about it. */
    record Case(String description, Format format, byte[] body, int code, int index, TickField field) {
        @Override
        public String toString() {
            return description;
        }
    }

    private final TickParser parser = new TickParser(new NameTable(64), new NameTable(64), MAX_TICKS);
    private final TickBuffer out = new TickBuffer(8);

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void shouldRejectBadBodyWithCodeIndexAndField(final Case bad) {
        final int result =
                parser.parse(TickBodies.buffer(bad.body()), 0, bad.body().length, bad.format(), out, NOW_MSC);

        assertAll(
                () -> assertEquals(bad.code(), result, "code, message was: " + parser.errorMessage()),
                () -> assertEquals(bad.index(), parser.errorIndex(), "index"),
                () -> assertEquals(bad.field(), parser.errorField(), "field"),
                () -> assertNotNull(parser.errorMessage(), "message"),
                () -> assertTrue(
                        parser.errorPosition() >= 0 && parser.errorPosition() <= bad.body().length,
                        "position in body [position=" + parser.errorPosition() + "]"));
    }

    static Stream<Case> catalogue() {
        return Stream.of(jsonSyntax(), jsonNumbers(), jsonTypes(), jsonRules(), utf8AndEscapes(), ndjson(), csv())
                .flatMap(s -> s);
    }

    private static Stream<Case> jsonSyntax() {
        return Stream.of(
                json("unclosed object", "{'symbol':'EURUSD'", ERROR_SYNTAX, 0, null),
                json("unclosed array", "[" + tick("") + "", ERROR_SYNTAX, 0, null),
                json("unclosed string", "{'symbol':'EURUSD", ERROR_SYNTAX, 0, TickField.SYMBOL),
                json("trailing comma in object", "{" + VALID_FIELDS + ",}", ERROR_SYNTAX, 0, null),
                json("trailing comma in array", "[" + tick("") + ",]", ERROR_SYNTAX, 0, null),
                raw("single quotes", Format.JSON, "{'symbol':'EURUSD'}", ERROR_SYNTAX, 0, null),
                json("block comment before the body", "/* ticks */ " + tick(""), ERROR_SYNTAX, -1, null),
                json("line comment inside an object", "{" + VALID_FIELDS + " // no\n}", ERROR_SYNTAX, 0, null),
                json("missing colon", "{'symbol' 'EURUSD'}", ERROR_SYNTAX, 0, null),
                json("missing comma between fields", "{'symbol':'EURUSD' 'time_msc':1}", ERROR_SYNTAX, 0, null),
                json("missing comma between ticks", "[" + tick("") + " " + tick("") + "]", ERROR_SYNTAX, 0, null),
                json("garbage after the value", tick("") + " x", ERROR_SYNTAX, 0, null),
                json("two top-level objects", tick("") + tick(""), ERROR_SYNTAX, 0, null),
                json("top-level string", "'EURUSD'", ERROR_SYNTAX, -1, null),
                json("array of numbers", "[1,2]", ERROR_SYNTAX, -1, null),
                json("bad literal in unknown field", tick("'x':tru"), ERROR_SYNTAX, 0, null),
                json("unquoted NaN in unknown field", tick("'x':NaN"), ERROR_SYNTAX, 0, null),
                json(
                        "nesting too deep in unknown field",
                        tick("'x':" + "[".repeat(40) + "]".repeat(40)),
                        ERROR_SYNTAX,
                        0,
                        null),
                json(
                        "syntax error in second tick",
                        "[" + tick("") + ",{'symbol':}]",
                        ERROR_SYNTAX,
                        1,
                        TickField.SYMBOL),
                json("empty body", "", ERROR_EMPTY, -1, null),
                json("empty array", "[]", ERROR_EMPTY, -1, null),
                json("empty array with spaces", " [ \n ] ", ERROR_EMPTY, -1, null),
                json("only whitespace", " \r\n\t ", ERROR_EMPTY, -1, null),
                new Case("only NUL bytes", Format.JSON, octets(0, 0), ERROR_EMPTY, -1, null),
                json(
                        "more ticks than the limit",
                        "[" + String.join(",", tick(""), tick(""), tick(""), tick(""), tick("")) + "]",
                        ERROR_TOO_MANY,
                        MAX_TICKS,
                        null));
    }

    private static Stream<Case> jsonNumbers() {
        return Stream.of(
                json("leading zero", tickWithBid("01"), ERROR_SYNTAX, 0, TickField.BID),
                json("leading plus", tickWithBid("+1"), ERROR_SYNTAX, 0, TickField.BID),
                json("no digit before point", tickWithBid(".5"), ERROR_SYNTAX, 0, TickField.BID),
                json("no digit after point", tickWithBid("1."), ERROR_SYNTAX, 0, TickField.BID),
                json("no digit in exponent", tickWithBid("1e"), ERROR_SYNTAX, 0, TickField.BID),
                json("minus alone", tickWithBid("-"), ERROR_SYNTAX, 0, TickField.BID),
                json("two points", tickWithBid("1.5.2"), ERROR_SYNTAX, 0, TickField.BID),
                json("hexadecimal", tickWithBid("0x1F"), ERROR_SYNTAX, 0, TickField.BID),
                json("bad number in unknown field", tick("'x':01"), ERROR_SYNTAX, 0, null),
                json("huge exponent", tickWithBid("1e400"), ERROR_INVALID, 0, TickField.BID),
                json("NaN", tickWithBid("NaN"), ERROR_INVALID, 0, TickField.BID),
                json("quoted NaN", tickWithBid("'NaN'"), ERROR_INVALID, 0, TickField.BID),
                json("Infinity", tickWithBid("Infinity"), ERROR_INVALID, 0, TickField.BID),
                json("minus Infinity", tickWithBid("-Infinity"), ERROR_INVALID, 0, TickField.BID),
                json("quoted minus Infinity", tick("'last':'-Infinity'"), ERROR_INVALID, 0, TickField.LAST),
                json("MQL5 nan", tickWithBid("nan"), ERROR_INVALID, 0, TickField.BID),
                json(
                        "time_msc overflowing a long",
                        "{'symbol':'X','time_msc':99999999999999999999}",
                        ERROR_INVALID,
                        0,
                        TickField.TIME_MSC),
                json("flags beyond int", tick("'flags':4294967298"), ERROR_INVALID, 0, TickField.FLAGS));
    }

    private static Stream<Case> jsonTypes() {
        return Stream.of(
                json("string for bid", tickWithBid("'1.1'"), ERROR_INVALID, 0, TickField.BID),
                json("true for bid", tickWithBid("true"), ERROR_INVALID, 0, TickField.BID),
                json("object for volume", tick("'volume':{}"), ERROR_INVALID, 0, TickField.VOLUME),
                json("array for flags", tick("'flags':[6]"), ERROR_INVALID, 0, TickField.FLAGS),
                json(
                        "number for symbol",
                        "{'symbol':42,'time_msc':1783944000093,'bid':1}",
                        ERROR_INVALID,
                        0,
                        TickField.SYMBOL),
                json(
                        "time_msc with fraction",
                        "{'symbol':'X','time_msc':1783944000093.5,'bid':1}",
                        ERROR_INVALID,
                        0,
                        TickField.TIME_MSC),
                json(
                        "time_msc with exponent",
                        "{'symbol':'X','time_msc':1.783944e12,'bid':1}",
                        ERROR_INVALID,
                        0,
                        TickField.TIME_MSC),
                json(
                        "time_msc as string",
                        "{'symbol':'X','time_msc':'1783944000093','bid':1}",
                        ERROR_INVALID,
                        0,
                        TickField.TIME_MSC),
                json("volume with fraction", tick("'volume':1.5"), ERROR_INVALID, 0, TickField.VOLUME),
                json(
                        "string for server_offset_s",
                        tick("'server_offset_s':'+3'"),
                        ERROR_INVALID,
                        0,
                        TickField.SERVER_OFFSET_S));
    }

    private static Stream<Case> jsonRules() {
        return Stream.of(
                json("missing symbol", "{'time_msc':1783944000093,'bid':1}", ERROR_INVALID, 0, TickField.SYMBOL),
                json("missing time_msc", "{'symbol':'EURUSD','bid':1}", ERROR_INVALID, 0, TickField.TIME_MSC),
                json("empty object", "{}", ERROR_INVALID, 0, TickField.SYMBOL),
                json(
                        "null symbol",
                        "{'symbol':null,'time_msc':1783944000093,'bid':1}",
                        ERROR_INVALID,
                        0,
                        TickField.SYMBOL),
                json(
                        "null time_msc",
                        "{'symbol':'EURUSD','time_msc':null,'bid':1}",
                        ERROR_INVALID,
                        0,
                        TickField.TIME_MSC),
                json(
                        "symbol with slash",
                        "{'symbol':'EUR/USD','time_msc':1783944000093,'bid':1}",
                        ERROR_INVALID,
                        0,
                        TickField.SYMBOL),
                json(
                        "symbol of 33 characters",
                        "{'symbol':'" + "A".repeat(33) + "','time_msc':1783944000093,'bid':1}",
                        ERROR_INVALID,
                        0,
                        TickField.SYMBOL),
                json(
                        "empty symbol",
                        "{'symbol':'','time_msc':1783944000093,'bid':1}",
                        ERROR_INVALID,
                        0,
                        TickField.SYMBOL),
                json(
                        "escaped non-ASCII symbol",
                        "{'symbol':'EUR\\u00dcSD','time_msc':1783944000093,'bid':1}",
                        ERROR_INVALID,
                        0,
                        TickField.SYMBOL),
                json("bad source", tick("'source':'term 01'"), ERROR_INVALID, 0, TickField.SOURCE),
                json("negative price", tickWithBid("-1.1"), ERROR_INVALID, 0, TickField.BID),
                json(
                        "no positive price",
                        "{'symbol':'X','time_msc':1783944000093,'bid':0,'ask':0}",
                        ERROR_INVALID,
                        0,
                        TickField.TICK),
                json("negative volume", tick("'volume':-1"), ERROR_INVALID, 0, TickField.VOLUME),
                json("negative volume_real", tick("'volume_real':-0.5"), ERROR_INVALID, 0, TickField.VOLUME_REAL),
                json("unknown flag bit", tick("'flags':1"), ERROR_INVALID, 0, TickField.FLAGS),
                json("time_msc zero", "{'symbol':'X','time_msc':0,'bid':1}", ERROR_INVALID, 0, TickField.TIME_MSC),
                json(
                        "negative time_msc",
                        "{'symbol':'X','time_msc':-1783944000093,'bid':1}",
                        ERROR_INVALID,
                        0,
                        TickField.TIME_MSC),
                json(
                        "time_msc in seconds",
                        "{'symbol':'X','time_msc':1783944000,'bid':1}",
                        ERROR_INVALID,
                        0,
                        TickField.TIME_MSC),
                json(
                        "time_msc two days ahead",
                        "{'symbol':'X','time_msc':" + (NOW_MSC + 2 * 86_400_000L) + ",'bid':1}",
                        ERROR_INVALID,
                        0,
                        TickField.TIME_MSC),
                json("seq without source", tick("'seq':5"), ERROR_INVALID, 0, TickField.SEQ),
                json("negative seq", tick("'source':'term-01','seq':-1"), ERROR_INVALID, 0, TickField.SEQ),
                json("duplicate bid", tick("'bid':1.2"), ERROR_INVALID, 0, TickField.BID),
                json("duplicate field given null first", tick("'seq':null,'seq':1"), ERROR_INVALID, 0, TickField.SEQ),
                json(
                        "second tick invalid",
                        "[" + tick("") + "," + tickWithBid("-1") + "]",
                        ERROR_INVALID,
                        1,
                        TickField.BID));
    }

    private static Stream<Case> utf8AndEscapes() {
        final String before = quotes("{'symbol':'EUR");
        final String after = quotes("','time_msc':1783944000093,'bid':1}");
        final String unknownBefore = quotes("{" + VALID_FIELDS + ",'comment':'caf");
        final String unknownAfter = quotes("'}");
        return Stream.of(
                new Case(
                        "invalid UTF-8 in symbol",
                        Format.JSON,
                        bytes(before, octets(0xC3, 0x28), after),
                        ERROR_SYNTAX,
                        0,
                        TickField.SYMBOL),
                new Case(
                        "invalid UTF-8 in unknown field",
                        Format.JSON,
                        bytes(unknownBefore, octets(0xFF), unknownAfter),
                        ERROR_SYNTAX,
                        0,
                        null),
                new Case(
                        "overlong UTF-8",
                        Format.JSON,
                        bytes(unknownBefore, octets(0xC0, 0xAF), unknownAfter),
                        ERROR_SYNTAX,
                        0,
                        null),
                new Case(
                        "UTF-8 surrogate",
                        Format.JSON,
                        bytes(unknownBefore, octets(0xED, 0xA0, 0x80), unknownAfter),
                        ERROR_SYNTAX,
                        0,
                        null),
                new Case(
                        "truncated UTF-8",
                        Format.JSON,
                        bytes(unknownBefore, octets(0xE2, 0x82), unknownAfter),
                        ERROR_SYNTAX,
                        0,
                        null),
                new Case(
                        "UTF-8 above U+10FFFF",
                        Format.JSON,
                        bytes(unknownBefore, octets(0xF4, 0x90, 0x80, 0x80), unknownAfter),
                        ERROR_SYNTAX,
                        0,
                        null),
                json("unknown escape", tick("'comment':'a\\xb'"), ERROR_SYNTAX, 0, null),
                json("bad unicode escape", tick("'comment':'\\u12G4'"), ERROR_SYNTAX, 0, null),
                json("short unicode escape at end", tick("'comment':'\\u12'"), ERROR_SYNTAX, 0, null),
                json("raw tab in string", tick("'comment':'a\tb'"), ERROR_SYNTAX, 0, null),
                json("NUL inside the body", tick("") + "\0 ", ERROR_SYNTAX, 0, null));
    }

    private static Stream<Case> ndjson() {
        return Stream.of(
                ndjson(
                        "invalid third tick after blank lines",
                        tick("") + "\n\n" + tick("") + "\n   \n" + tickWithBid("-2") + "\n" + tick(""),
                        ERROR_INVALID,
                        2,
                        TickField.BID),
                ndjson("syntax error on second line", tick("") + "\n{'symbol':'EURUSD',\n", ERROR_SYNTAX, 1, null),
                ndjson("two objects on one line", tick("") + " " + tick("") + "\n", ERROR_SYNTAX, 0, null),
                ndjson("array on a line", "[" + tick("") + "]\n", ERROR_SYNTAX, -1, null),
                ndjson("only blank lines", "\n\r\n  \n", ERROR_EMPTY, -1, null),
                ndjson(
                        "more ticks than the limit",
                        (tick("") + "\n").repeat(MAX_TICKS + 1),
                        ERROR_TOO_MANY,
                        MAX_TICKS,
                        null));
    }

    private static Stream<Case> csv() {
        return Stream.of(
                csv("header without time_msc", "symbol,bid,ask\nEURUSD,1.1,1.2\n", ERROR_SYNTAX, -1, null),
                csv(
                        "unknown header column",
                        "symbol,time_msc,price\nEURUSD,1783944000093,1.1\n",
                        ERROR_SYNTAX,
                        -1,
                        null),
                csv("duplicate header column", "symbol,time_msc,bid,bid\n", ERROR_SYNTAX, -1, null),
                csv("header only", CSV_HEADER, ERROR_EMPTY, -1, null),
                csv("header and blank lines", CSV_HEADER + "\r\n\n", ERROR_EMPTY, -1, null),
                csv("empty body", "", ERROR_EMPTY, -1, null),
                csv(
                        "extra field",
                        CSV_HEADER + "EURUSD,1783944000093,1.14273,1.14277,0,0,6,7\n",
                        ERROR_SYNTAX,
                        0,
                        null),
                csv(
                        "missing field in second row",
                        CSV_HEADER + CSV_ROW + "EURUSD,1783944000093,1.14273,1.14277,0,0\n",
                        ERROR_SYNTAX,
                        1,
                        null),
                csv(
                        "quoted field",
                        CSV_HEADER + "\"EURUSD\",1783944000093,1.14273,1.14277,0,0,6\n",
                        ERROR_SYNTAX,
                        0,
                        TickField.SYMBOL),
                csv(
                        "text for bid",
                        CSV_HEADER + "EURUSD,1783944000093,abc,1.14277,0,0,6\n",
                        ERROR_INVALID,
                        0,
                        TickField.BID),
                csv(
                        "NaN for ask",
                        CSV_HEADER + "EURUSD,1783944000093,1.1,NaN,0,0,6\n",
                        ERROR_INVALID,
                        0,
                        TickField.ASK),
                csv(
                        "leading zero in bid",
                        CSV_HEADER + "EURUSD,1783944000093,01.1,1.2,0,0,6\n",
                        ERROR_INVALID,
                        0,
                        TickField.BID),
                csv(
                        "fraction in time_msc",
                        CSV_HEADER + "EURUSD,1783944000093.5,1.1,1.2,0,0,6\n",
                        ERROR_INVALID,
                        0,
                        TickField.TIME_MSC),
                csv(
                        "empty symbol field",
                        CSV_HEADER + CSV_ROW + ",1783944000093,1.1,1.2,0,0,6\n",
                        ERROR_INVALID,
                        1,
                        TickField.SYMBOL),
                csv(
                        "negative volume",
                        CSV_HEADER + "EURUSD,1783944000093,1.1,1.2,0,-3,6\n",
                        ERROR_INVALID,
                        0,
                        TickField.VOLUME),
                csv(
                        "seq without source column",
                        "symbol,time_msc,bid,seq\nEURUSD,1783944000093,1.1,9\n",
                        ERROR_INVALID,
                        0,
                        TickField.SEQ),
                new Case(
                        "invalid UTF-8 in a field",
                        Format.CSV,
                        bytes(CSV_HEADER + "EUR", octets(0xFF), "USD,1783944000093,1.1,1.2,0,0,6\n"),
                        ERROR_SYNTAX,
                        0,
                        TickField.SYMBOL));
    }

    private static Case json(
            final String description, final String body, final int code, final int index, final TickField field) {
        return raw(description, Format.JSON, quotes(body), code, index, field);
    }

    private static Case ndjson(
            final String description, final String body, final int code, final int index, final TickField field) {
        return raw(description, Format.NDJSON, quotes(body), code, index, field);
    }

    private static Case csv(
            final String description, final String body, final int code, final int index, final TickField field) {
        return raw(description, Format.CSV, body, code, index, field);
    }

    private static Case raw(
            final String description,
            final Format format,
            final String body,
            final int code,
            final int index,
            final TickField field) {
        return new Case(description, format, body.getBytes(StandardCharsets.UTF_8), code, index, field);
    }
}
