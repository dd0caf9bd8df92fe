package io.tickengine.core.tick.codec;

import static io.tickengine.core.tick.codec.TickBodies.NOW_MSC;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.core.tick.codec.TickParser.Format;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every real tick of the fixtures survives each format exactly: the parsed values equal {@code Double.parseDouble}
 * and {@code Long.parseLong} of the CSV text, bit for bit (the candles built from them are compared exactly).
 */
class TickParserRoundTripTest {
    private static final String CSV_HEADER = "symbol,time_msc,bid,ask,last,volume,flags";

    private final NameTable symbols = new NameTable(16);
    private final NameTable sources = new NameTable(16);
    private final TickParser parser = new TickParser(symbols, sources, 100_000);
    private final TickBuffer out = new TickBuffer(1024);

    static List<String> fixtures() {
        return TickFiles.FIXTURES;
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void shouldReadEveryRealTickOfTheCsvFileExactly(final String fixture) throws IOException {
        final byte[] body = Files.readAllBytes(ticksFile(fixture));

        assertParsedExactly(rows(fixture), parse(body, Format.CSV));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void shouldReadEveryRealTickAsAJsonArrayExactly(final String fixture) throws IOException {
        final List<String[]> rows = rows(fixture);
        final StringBuilder json = new StringBuilder("[");
        for (final String[] row : rows) {
            json.append(json.length() > 1 ? ",\n" : "").append(toJson(row));
        }
        json.append(']');

        assertParsedExactly(rows, parse(json.toString().getBytes(StandardCharsets.UTF_8), Format.JSON));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void shouldReadEveryRealTickAsNdjsonExactly(final String fixture) throws IOException {
        final List<String[]> rows = rows(fixture);
        final StringBuilder ndjson = new StringBuilder();
        for (final String[] row : rows) {
            ndjson.append(toJson(row)).append('\n');
        }

        assertParsedExactly(rows, parse(ndjson.toString().getBytes(StandardCharsets.UTF_8), Format.NDJSON));
    }

    private int parse(final byte[] body, final Format format) {
        final int result = parser.parse(TickBodies.buffer(body), 0, body.length, format, out, NOW_MSC);
        assertEquals(
                out.size(),
                result,
                () -> "parse failed [message=" + parser.errorMessage() + ", index=" + parser.errorIndex() + "]");
        return result;
    }

    private void assertParsedExactly(final List<String[]> rows, final int count) {
        assertEquals(rows.size(), count);
        for (int i = 0; i < count; i++) {
            final String[] row = rows.get(i);
            final int tick = i;
            assertEquals(row[0], symbols.name(out.symbolId(i)), () -> "symbol [index=" + tick + "]");
            assertEquals(Long.parseLong(row[1]), out.timeMsc(i), () -> "time_msc [index=" + tick + "]");
            // assertEquals(double, double) compares the bits: exact, and -0.0 differs from 0.0.
            assertEquals(Double.parseDouble(row[2]), out.bid(i), () -> "bid [index=" + tick + "]");
            assertEquals(Double.parseDouble(row[3]), out.ask(i), () -> "ask [index=" + tick + "]");
            assertEquals(Double.parseDouble(row[4]), out.last(i), () -> "last [index=" + tick + "]");
            assertEquals(Long.parseLong(row[5]), out.volume(i), () -> "volume [index=" + tick + "]");
            assertEquals(Integer.parseInt(row[6]), out.flags(i), () -> "flags [index=" + tick + "]");
            assertEquals(0.0, out.volumeReal(i));
            assertEquals(TickBuffer.NO_SOURCE, out.sourceId(i));
            assertEquals(TickBuffer.NO_SEQ, out.seq(i));
        }
    }

    /** @return a tick object written from the CSV text itself, so JSON carries the very same digits. */
    private static String toJson(final String[] row) {
        return "{\"symbol\":\"" + row[0] + "\",\"time_msc\":" + row[1] + ",\"bid\":" + row[2] + ",\"ask\":" + row[3]
                + ",\"last\":" + row[4] + ",\"volume\":" + row[5] + ",\"flags\":" + row[6] + "}";
    }

    private static List<String[]> rows(final String fixture) throws IOException {
        final List<String> lines = Files.readAllLines(ticksFile(fixture));
        assertEquals(CSV_HEADER, lines.get(0));
        final List<String[]> rows = new ArrayList<>();
        for (final String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) {
                rows.add(line.split(","));
            }
        }
        return rows;
    }

    private static Path ticksFile(final String fixture) {
        return TickFiles.dataDir().resolve(fixture + "_dukascopy.csv");
    }
}
