package io.tickengine.core.tick.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.core.tick.TickField;
import io.tickengine.core.tick.codec.TickParser.Format;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The fast path changes speed only: a parser with it and one without ({@link JsonTickReader} alone, the reader before
 * it) give bit-identical ticks, the same ids and the same error (code, index, field, message, position) for every
 * body, fed the same bodies in the same order.
 */
class JsonTickFastPathTest {
    private static final long NOW_MSC = 1_800_000_000_000L;
    private static final String VALID = "{\"symbol\":\"EURUSD\",\"time_msc\":1783944000093,\"bid\":1.14273,"
            + "\"ask\":1.14277,\"last\":0.00000,\"volume\":0,\"volume_real\":0.00000000,\"flags\":6,"
            + "\"source\":\"mt5-1234567\",\"seq\":%d,\"server_offset_s\":10800}";

    /** A parser with the fast path and one without, each with tables of its own. */
    private static final class Pair {
        final TickParser fast;
        final TickParser general;
        final NameTable fastSymbols;
        final NameTable generalSymbols;
        final TickBuffer fastOut = new TickBuffer(16);
        final TickBuffer generalOut = new TickBuffer(16);
        int bodies;
        int accepted;

        Pair(final int tableCapacity, final int maxTicks) {
            fastSymbols = new NameTable(tableCapacity);
            generalSymbols = new NameTable(tableCapacity);
            fast = new TickParser(fastSymbols, new NameTable(tableCapacity), maxTicks, true);
            general = new TickParser(generalSymbols, new NameTable(tableCapacity), maxTicks, false);
        }

        void assertSame(final byte[] body, final Format format) {
            final UnsafeBuffer buffer = new UnsafeBuffer(body);
            final int fastResult = fast.parse(buffer, 0, body.length, format, fastOut, NOW_MSC);
            final int generalResult = general.parse(buffer, 0, body.length, format, generalOut, NOW_MSC);
            final String whole = new String(body, StandardCharsets.ISO_8859_1);
            final String text = whole.length() > 400 ? whole.substring(0, 400) + "..." : whole;
            bodies++;
            assertEquals(generalResult, fastResult, () -> "result of " + text);
            if (generalResult < 0) {
                assertEquals(general.errorIndex(), fast.errorIndex(), () -> "index of " + text);
                assertEquals(general.errorField(), fast.errorField(), () -> "field of " + text);
                assertEquals(general.errorMessage(), fast.errorMessage(), () -> "message of " + text);
                assertEquals(general.errorPosition(), fast.errorPosition(), () -> "position of " + text);
                return;
            }
            accepted += generalResult;
            assertEquals(generalOut.size(), fastOut.size());
            for (int i = 0; i < generalOut.size(); i++) {
                final int t = i;
                assertEquals(generalOut.symbolId(i), fastOut.symbolId(i), () -> "symbol of tick " + t + " in " + text);
                assertEquals(
                        generalSymbols.name(generalOut.symbolId(i)),
                        fastSymbols.name(fastOut.symbolId(i)),
                        () -> "symbol of tick " + t + " in " + text);
                assertEquals(generalOut.timeMsc(i), fastOut.timeMsc(i));
                assertBits(generalOut.bid(i), fastOut.bid(i), "bid", t, text);
                assertBits(generalOut.ask(i), fastOut.ask(i), "ask", t, text);
                assertBits(generalOut.last(i), fastOut.last(i), "last", t, text);
                assertEquals(generalOut.volume(i), fastOut.volume(i));
                assertBits(generalOut.volumeReal(i), fastOut.volumeReal(i), "volume_real", t, text);
                assertEquals(generalOut.flags(i), fastOut.flags(i));
                assertEquals(generalOut.sourceId(i), fastOut.sourceId(i));
                assertEquals(generalOut.seq(i), fastOut.seq(i));
            }
        }

        private static void assertBits(
                final double expected, final double actual, final String field, final int tick, final String text) {
            assertEquals(
                    Double.doubleToRawLongBits(expected),
                    Double.doubleToRawLongBits(actual),
                    () -> field + " of tick " + tick + ": " + expected + " vs " + actual + " in " + text);
        }
    }

    @Test
    void shouldGiveTheSameTicksAsTheGeneralReaderForEveryRealTick() throws IOException {
        final List<String[]> rows = realRows();
        assertTrue(rows.size() > 20_000, "real ticks read [rows=" + rows.size() + "]");
        final Pair pair = new Pair(64, 10_000);
        for (final Layout layout : Layout.values()) {
            for (int from = 0; from < rows.size(); from += 1_000) {
                final List<String[]> batch = rows.subList(from, Math.min(rows.size(), from + 1_000));
                pair.assertSame(jsonArray(batch, layout), Format.JSON);
                pair.assertSame(ndjson(batch, layout), Format.NDJSON);
            }
        }
        assertEquals(rows.size() * Layout.values().length * 2, pair.accepted);
    }

    @Test
    void shouldConvertEdgeCaseNumbersAsTheGeneralReaderDoes() {
        final Pair pair = new Pair(64, 100);
        for (final String number : NUMBERS) {
            for (final String field : new String[] {"bid", "ask", "last", "volume_real"}) {
                pair.assertSame(withValue(field, number), Format.JSON);
            }
            for (final String field : new String[] {"time_msc", "volume", "flags", "seq", "server_offset_s"}) {
                pair.assertSame(withValue(field, number), Format.JSON);
            }
        }
        // Random decimals of 1 to 20 significant digits and any scale.
        final Random random = new Random(12);
        for (int k = 0; k < 20_000; k++) {
            final BigDecimal value = BigDecimal.valueOf(random.nextLong() & Long.MAX_VALUE)
                    .movePointLeft(random.nextInt(25))
                    .round(new java.math.MathContext(1 + random.nextInt(20)));
            pair.assertSame(withValue("bid", value.toPlainString()), Format.JSON);
            pair.assertSame(withValue("ask", value.toString()), Format.JSON);
        }
    }

    @Test
    void shouldRejectOrAcceptEdgeCaseNamesAsTheGeneralReaderDoes() {
        final Pair pair = new Pair(4, 100);
        final String[] names = {
            "EURUSD",
            "",
            "X",
            "EUR USD",
            "EUR\\u0055SD",
            "EUR\\\"USD",
            "EURUSD.m",
            "#US30",
            "BTC-USD+",
            "A234567890123456789012345678901",
            "A2345678901234567890123456789012",
            "A23456789012345678901234567890123",
            "\u00e9URUSD",
            "EUR/USD",
            "GBPUSD",
            "USDJPY",
            "XAUUSD",
            "US500",
            "ABCDEFGH",
            "mt5-1234567",
            "mt5-1234568",
            "ABCDEFGHIJKLMNOP",
            "ABCDEFGHIJKLMNOQ",
            "ABCDEFGHIJKLMNOPQ",
            "ABCDEFGHIJKLMNOPR",
            "EURUSD"
        };
        for (final String name : names) {
            pair.assertSame(withQuoted("symbol", name), Format.JSON);
            pair.assertSame(withQuoted("source", name), Format.JSON);
        }
        // The tables hold 4 names: the rest are refused as full, by both.
        for (final String name : names) {
            pair.assertSame(withQuoted("symbol", name), Format.JSON);
        }
    }

    @Test
    void shouldReportTooManyTicksAsTheGeneralReaderDoes() {
        final Pair pair = new Pair(64, 3);
        for (int n = 1; n <= 5; n++) {
            final List<String> ticks = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                ticks.add(String.format(VALID, k + 1));
            }
            pair.assertSame(("[" + String.join(",", ticks) + "]").getBytes(StandardCharsets.US_ASCII), Format.JSON);
        }
    }

    @Test
    void shouldAnswerMutatedBodiesAsTheGeneralReaderDoes() {
        final Pair pair = new Pair(256, 100);
        final String[] valid = {
            String.format(VALID, 7),
            "{\"symbol\":\"BTCUSD\",\"time_msc\":1676894400084,\"bid\":24849.4,\"ask\":24921.5,\"last\":0,"
                    + "\"volume\":0,\"flags\":6}",
            "{\"time_msc\":1783944000197,\"symbol\":\"EURUSD\",\"ask\":1.14275,\"bid\":1.14271}"
        };
        final byte[] alphabet =
                "0123456789.-+eE\"{}[],: \n\\nulltruefalsesymbolbidaskseq\u0000".getBytes(StandardCharsets.ISO_8859_1);
        final Random random = new Random(42);
        for (int k = 0; k < 30_000; k++) {
            final StringBuilder body = new StringBuilder("[");
            final int n = 1 + random.nextInt(4);
            for (int t = 0; t < n; t++) {
                body.append(t == 0 ? "" : ",").append(valid[random.nextInt(valid.length)]);
            }
            final byte[] bytes = body.append(']').toString().getBytes(StandardCharsets.ISO_8859_1);
            final byte[] mutated = mutate(bytes, random, alphabet);
            pair.assertSame(mutated, Format.JSON);
            pair.assertSame(mutated, Format.NDJSON);
        }
        assertTrue(pair.accepted > 10_000, "some mutated bodies were valid [accepted=" + pair.accepted + "]");
    }

    @Test
    void shouldReadTheSendersTicksWithoutTheGeneralReader() {
        final TickAssembler ticks = new TickAssembler(new NameTable(8), new NameTable(8), 10);
        final TickField[] fields = TickField.values();
        final TickField[] nextKey = new TickField[fields.length + 1];
        int previous = fields.length;
        for (final TickField field : new TickField[] {
            TickField.SYMBOL,
            TickField.TIME_MSC,
            TickField.BID,
            TickField.ASK,
            TickField.LAST,
            TickField.VOLUME,
            TickField.VOLUME_REAL,
            TickField.FLAGS,
            TickField.SOURCE,
            TickField.SEQ,
            TickField.SERVER_OFFSET_S
        }) {
            nextKey[previous] = field;
            previous = field.ordinal();
        }
        final JsonTickFastPath fast = new JsonTickFastPath(ticks, nextKey, fields.length);
        final TickBuffer out = new TickBuffer(4);
        ticks.reset(out, NOW_MSC, 0);
        final byte[] tick = String.format(VALID, 5).getBytes(StandardCharsets.US_ASCII);
        final byte[] spaced = String.format(VALID, 6).replace(",", ", ").getBytes(StandardCharsets.US_ASCII);

        assertEquals(tick.length, fast.readTick(tick, 0, tick.length));
        assertEquals(JsonTickFastPath.FALLBACK, fast.readTick(spaced, 0, spaced.length));
        assertEquals(1, out.size());
        assertEquals(1_783_944_000_093L, out.timeMsc(0));
        assertEquals(1.14273, out.bid(0));
        assertEquals(1.14277, out.ask(0));
        assertEquals(6, out.flags(0));
        assertEquals(5, out.seq(0));
    }

    @Test
    void shouldStopTryingTheFastPathForTheRestOfADocumentItCannotRead() {
        final TickAssembler ticks = new TickAssembler(new NameTable(8), new NameTable(8), 1_000);
        final JsonNumber number = new JsonNumber();
        final JsonTickReader reader = new JsonTickReader(ticks, new JsonLexer(ticks, number), number, true);
        final TickBuffer out = new TickBuffer(1_000);
        final StringBuilder sendersOrder = new StringBuilder("[");
        final StringBuilder prettyPrinted = new StringBuilder("[");
        for (int i = 0; i < 100; i++) {
            sendersOrder.append(i == 0 ? "" : ",").append(String.format(VALID, i + 1));
            prettyPrinted
                    .append(i == 0 ? "\n  " : ",\n  ")
                    .append(String.format(VALID, i + 1).replace(",", ", "));
        }
        final byte[] fast = sendersOrder.append(']').toString().getBytes(StandardCharsets.US_ASCII);
        final byte[] pretty = prettyPrinted.append("\n]").toString().getBytes(StandardCharsets.US_ASCII);

        out.clear();
        ticks.reset(out, NOW_MSC, 0);
        assertEquals(100, reader.readDocument(fast, 0, fast.length));
        assertEquals(1, reader.fastFallbacks(), "the first tick teaches the key order; the others on the fast path");
        out.clear();
        ticks.reset(out, NOW_MSC, 0);
        assertEquals(100, reader.readDocument(pretty, 0, pretty.length));
        assertEquals(3, reader.fastFallbacks(), "pretty-printed: two failed attempts, then the general reader only");
        out.clear();
        ticks.reset(out, NOW_MSC, 0);
        assertEquals(100, reader.readDocument(fast, 0, fast.length));
        assertEquals(3, reader.fastFallbacks(), "the next document tries the fast path again, and it reads them all");
    }

    @Test
    void shouldCountAndConvertLeadingDigitsOfAWord() {
        final Random random = new Random(7);
        final byte[] word = new byte[Long.BYTES];
        for (int k = 0; k < 200_000; k++) {
            random.nextBytes(word);
            final int digits = random.nextInt(Long.BYTES + 1);
            for (int i = 0; i < digits; i++) {
                word[i] = (byte) ('0' + random.nextInt(10));
            }
            int expected = 0;
            while (expected < Long.BYTES && word[expected] >= '0' && word[expected] <= '9') {
                expected++;
            }
            final long value = java.nio.ByteBuffer.wrap(word)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .getLong();
            assertEquals(expected, JsonTickFastPath.leadingDigits(value));
            if (expected > 0) {
                final long text = Long.parseLong(new String(word, 0, expected, StandardCharsets.US_ASCII));
                assertEquals(text, JsonTickFastPath.digitsValue(value, expected));
            }
        }
    }

    /** Edge cases of JSON numbers, valid or not, for every numeric field. */
    private static final String[] NUMBERS = {
        "0",
        "-0",
        "0.0",
        "-0.0",
        "00",
        "01",
        "01.5",
        "1.",
        ".5",
        "1.5.2",
        "-",
        "-a",
        "+1",
        "1e5",
        "1E5",
        "1e+5",
        "1e-5",
        "1.5e2",
        "1e",
        "1e+",
        "2.5E-3",
        "1e22",
        "1e23",
        "1e-22",
        "1e-23",
        "1e308",
        "1e309",
        "1e-324",
        "4.9e-324",
        "1.7976931348623157e308",
        "1.14273",
        "24849.4",
        "0.00000",
        "0.00000000",
        "0.00012",
        "123456789",
        "1783944000093",
        "123456789012345678",
        "1234567890123456789",
        "12345678901234567890",
        "9007199254740991",
        "9007199254740992",
        "9007199254740993",
        "9007199254740993.0",
        "0.9007199254740993",
        "0.12345678901234567",
        "0.123456789012345678",
        "0.1234567890123456789",
        "12345678.123456789",
        "99999999999999999.9",
        "1.7976931348623157",
        "0.000000000000000000001",
        "123.4500000000000000000",
        "2147483647",
        "2147483648",
        "-2147483648",
        "4294967296",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "-1",
        "-1.5",
        "-10800",
        "7",
        "6 ",
        "6\n",
        "6x",
        "NaN",
        "nan",
        "-inf",
        "Infinity",
        "null",
        "true",
        "false",
        "\"1.5\"",
        "\"NaN\"",
        "[]",
        "{}",
        "1.14273\t",
        // Around the one-word reading of prices: the dot and the last digit at each byte of the word.
        "1234567.",
        "123456.7",
        "1234567.8",
        "12345.67",
        "0.000001",
        "0.0000001",
        "99.99999",
        "9.9999999",
        "1.2e3",
        "1.23e",
        "00.5",
        "0.05",
        "7.",
        "7.e1",
        "1234567",
        "12345678",
        "0.1234567",
        "1.1.1",
        "1.-1",
        "1.+1",
        // Two words: the EAs' eight-decimal volume_real and longer fractions.
        "0.00000000",
        "1.00000000",
        "0.12345678",
        "1.2345678901234",
        "12.3456789012345",
        "1.234567890123456",
        "123456.78901234",
        "0.0000000000001",
        "0.00000001e2",
        "1.0000000,"
    };

    /** How the ticks of a body are written. */
    private enum Layout {
        /** The EAs' {@code TeJsonTick}: every key, prices with the symbol's digits. */
        EA,
        /** The load generator's: seven keys, {@code Double.toString} prices. */
        LOAD,
        /** The fixture text as it is. */
        VERBATIM,
        /** Spaces after the separators: the general path for every tick. */
        SPACED
    }

    private static List<String[]> realRows() throws IOException {
        final List<String[]> rows = new ArrayList<>();
        try (Stream<Path> files = Files.list(TickFiles.dataDir())) {
            for (final Path file :
                    files.filter(f -> f.toString().endsWith(".csv")).sorted().toList()) {
                final String name = file.getFileName().toString();
                final String symbol = name.substring(0, name.indexOf('_'));
                final List<String> lines = Files.readAllLines(file);
                for (final String line : lines.subList(1, lines.size())) {
                    if (name.endsWith("_dukascopy.csv")) {
                        rows.add(line.split(",", -1));
                    } else if (name.endsWith("_mt5export.csv")) {
                        // <DATE> <TIME> <BID> <ASK> <LAST> <VOLUME> <FLAGS>, a price empty when it did not change.
                        final String[] f = line.split("\t", -1);
                        final long timeMsc = java.time.LocalDateTime.parse(f[0].replace('.', '-') + "T" + f[1])
                                .toInstant(java.time.ZoneOffset.UTC)
                                .toEpochMilli();
                        rows.add(new String[] {
                            symbol, Long.toString(timeMsc), orZero(f[2]), orZero(f[3]), orZero(f[4]), orZero(f[5]), f[6]
                        });
                    }
                }
            }
        }
        // A row whose prices are all empty or zero is a tick both readers reject alike; keep only valid ones.
        rows.removeIf(
                f -> Double.parseDouble(f[2]) <= 0 && Double.parseDouble(f[3]) <= 0 && Double.parseDouble(f[4]) <= 0);
        return rows;
    }

    private static String orZero(final String text) {
        return text.isEmpty() ? "0" : text;
    }

    private static String tick(final String[] f, final Layout layout, final long seq) {
        final int digits = f[0].startsWith("BTC") ? 1 : 5;
        switch (layout) {
            case EA:
                return "{\"symbol\":\"" + f[0] + "\",\"time_msc\":" + f[1] + ",\"bid\":" + fixed(f[2], digits)
                        + ",\"ask\":" + fixed(f[3], digits) + ",\"last\":" + fixed(f[4], digits) + ",\"volume\":"
                        + f[5] + ",\"volume_real\":" + fixed(f[5], 8) + ",\"flags\":" + f[6]
                        + ",\"source\":\"mt5-1234567\",\"seq\":" + seq + ",\"server_offset_s\":10800}";
            case LOAD:
                return "{\"symbol\":\"" + f[0] + "\",\"time_msc\":" + f[1] + ",\"bid\":"
                        + Double.parseDouble(f[2]) + ",\"ask\":" + Double.parseDouble(f[3]) + ",\"last\":"
                        + Double.parseDouble(f[4]) + ",\"volume\":" + f[5] + ",\"flags\":" + f[6] + "}";
            case VERBATIM:
                return "{\"symbol\":\"" + f[0] + "\",\"time_msc\":" + f[1] + ",\"bid\":" + f[2] + ",\"ask\":" + f[3]
                        + ",\"last\":" + f[4] + ",\"volume\":" + f[5] + ",\"flags\":" + f[6] + "}";
            default:
                return "{ \"symbol\": \"" + f[0] + "\", \"time_msc\": " + f[1] + ", \"bid\": " + f[2] + ", \"ask\": "
                        + f[3] + " }";
        }
    }

    private static String fixed(final String value, final int digits) {
        return new BigDecimal(value)
                .setScale(digits, java.math.RoundingMode.HALF_EVEN)
                .toPlainString();
    }

    private static byte[] jsonArray(final List<String[]> batch, final Layout layout) {
        final StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < batch.size(); i++) {
            body.append(i == 0 ? "" : ",").append(tick(batch.get(i), layout, i + 1));
        }
        return body.append(']').toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] ndjson(final List<String[]> batch, final Layout layout) {
        final StringBuilder body = new StringBuilder();
        for (int i = 0; i < batch.size(); i++) {
            body.append(tick(batch.get(i), layout, i + 1)).append('\n');
        }
        return body.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** A body of three ticks, the second with {@code field} set to the raw text {@code value}. */
    private static byte[] withValue(final String field, final String value) {
        final String tick = String.format(VALID, 2);
        final String key = "\"" + field + "\":";
        final int at = tick.indexOf(key) + key.length();
        final int next = tick.indexOf(',', at) < 0 ? tick.indexOf('}', at) : tick.indexOf(',', at);
        final String changed = tick.substring(0, at) + value + tick.substring(next);
        return ("[" + String.format(VALID, 1) + "," + changed + "," + String.format(VALID, 3) + "]")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] withQuoted(final String field, final String name) {
        final String tick = String.format(VALID, 2);
        final String key = "\"" + field + "\":\"";
        final int at = tick.indexOf(key) + key.length();
        final String changed = tick.substring(0, at) + name + tick.substring(tick.indexOf('"', at));
        return ("[" + String.format(VALID, 1) + "," + changed + "," + String.format(VALID, 3) + "]")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] mutate(final byte[] bytes, final Random random, final byte[] alphabet) {
        final int at = random.nextInt(bytes.length);
        final byte b = alphabet[random.nextInt(alphabet.length)];
        switch (random.nextInt(4)) {
            case 0:
                final byte[] replaced = bytes.clone();
                replaced[at] = b;
                return replaced;
            case 1:
                final byte[] inserted = new byte[bytes.length + 1];
                System.arraycopy(bytes, 0, inserted, 0, at);
                inserted[at] = b;
                System.arraycopy(bytes, at, inserted, at + 1, bytes.length - at);
                return inserted;
            case 2:
                final byte[] deleted = new byte[bytes.length - 1];
                System.arraycopy(bytes, 0, deleted, 0, at);
                System.arraycopy(bytes, at + 1, deleted, at, bytes.length - at - 1);
                return deleted;
            default:
                return bytes; // unchanged: the valid bodies must agree too
        }
    }
}
