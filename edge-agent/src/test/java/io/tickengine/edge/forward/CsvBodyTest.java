package io.tickengine.edge.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.core.tick.codec.TickParser;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The forwarder's CSV bodies read back, through the engine's own parser, to exactly the stored values. */
class CsvBodyTest {
    private static final long NOW_MSC = 1_783_944_000_000L;

    @Test
    void shouldReadBackBitForBitThroughTheEngineParser() throws Exception {
        final NameTable symbols = new NameTable(16);
        final int eurusd = symbols.intern("EURUSD");
        final int btc = symbols.intern("BTCUSD.x#1");
        final TickBuffer ticks = new TickBuffer(16);
        ticks.add(eurusd, NOW_MSC, 1.14273, 1.14277, 0, 0, 0, 6, TickBuffer.NO_SOURCE, 1);
        ticks.add(btc, NOW_MSC + 1, 24849.4, 24921.5, 24850.1, 3, 0.0015, 30, TickBuffer.NO_SOURCE, 2);
        ticks.add(eurusd, NOW_MSC + 2, 1e-7, 123456789.123, 1e21, Long.MAX_VALUE, 2.5e-9, 126, TickBuffer.NO_SOURCE, 3);
        ticks.add(eurusd, NOW_MSC + 3, 0.1 + 0.2, -0.0, Double.MIN_NORMAL, 1, 1e300, 2, TickBuffer.NO_SOURCE, 4);
        final SplittableRandom random = new SplittableRandom(7);
        for (long seq = 5; seq < 1000; seq++) {
            ticks.add(
                    eurusd,
                    NOW_MSC + seq,
                    Math.abs(random.nextDouble() * Math.pow(10, random.nextInt(-8, 9))),
                    Double.longBitsToDouble(random.nextLong(0, Double.doubleToLongBits(1e12))),
                    Math.round(random.nextDouble() * 1e5) / 1e5,
                    random.nextLong(0, Long.MAX_VALUE),
                    random.nextDouble(),
                    6,
                    TickBuffer.NO_SOURCE,
                    seq);
        }

        final CsvBody body = new CsvBody();
        body.encode(ticks, symbols::name, "edge-host-0a1b2c3d");

        final NameTable parsedSymbols = new NameTable(16);
        final NameTable sources = new NameTable(4);
        final TickBuffer parsed = new TickBuffer(16);
        final TickParser parser = new TickParser(parsedSymbols, sources, 10_000);
        final int n = parser.parse(
                new UnsafeBuffer(body.bytes(), 0, body.length()),
                0,
                body.length(),
                TickParser.Format.CSV,
                parsed,
                NOW_MSC);
        assertEquals(
                ticks.size(),
                n,
                () -> parser.errorMessage() + " at " + parser.errorIndex() + " " + parser.errorField() + ": "
                        + new String(body.bytes(), 0, body.length(), StandardCharsets.US_ASCII));
        for (int i = 0; i < n; i++) {
            final String at = "tick " + i;
            assertEquals(symbols.name(ticks.symbolId(i)), parsedSymbols.name(parsed.symbolId(i)), at);
            assertEquals(ticks.timeMsc(i), parsed.timeMsc(i), at);
            assertBits(ticks.bid(i), parsed.bid(i), at);
            assertBits(ticks.ask(i), parsed.ask(i), at);
            assertBits(ticks.last(i), parsed.last(i), at);
            assertEquals(ticks.volume(i), parsed.volume(i), at);
            assertBits(ticks.volumeReal(i), parsed.volumeReal(i), at);
            assertEquals(ticks.flags(i), parsed.flags(i), at);
            assertEquals("edge-host-0a1b2c3d", sources.name(parsed.sourceId(i)), at);
            assertEquals(ticks.seq(i), parsed.seq(i), at);
        }
    }

    private static void assertBits(final double expected, final double actual, final String at) {
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual), at + ": " + expected);
    }
}
