package io.tickengine.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The requests of {@code load --by-symbol}: each carries one symbol's ticks, the symbols in turn, and every symbol's
 * time only moves forward, from one request to its next and from one cycle of the set to the next.
 */
class RequestSetTest {
    private static final long BASE_MSC = 1_230_768_000_000L; // 2009-01-01
    private static final Pattern TICK = Pattern.compile("\\{\"symbol\":\"([A-Z0-9]+)\",\"time_msc\":(\\d{13}),");

    @Test
    void shouldSendOneSymbolPerRequestWithItsTimeMovingOn() {
        final int symbols = 12;
        final int batch = 50;
        final TickStream stream = TickStream.generatedBySymbol(symbols, batch, BASE_MSC, 42);
        assertEquals(symbols * batch, stream.size());
        final RequestSet set = RequestSet.encode(stream, 2, batch, BodyFormat.JSON, "127.0.0.1:1", "/ingest", "");
        assertEquals(2 * symbols, set.count, "one request per symbol and pass");

        final long[] lastTime = new long[symbols];
        for (int cycle = 0; cycle < 2; cycle++) {
            for (int r = 0; r < set.count; r++) {
                set.prepare(r, cycle);
                final List<String> names = new ArrayList<>();
                final List<Long> times = new ArrayList<>();
                final Matcher m = TICK.matcher(body(set, r));
                while (m.find()) {
                    names.add(m.group(1));
                    times.add(Long.parseLong(m.group(2)));
                }
                assertEquals(batch, names.size(), "request " + r);
                final int symbol = r % symbols;
                final String name = stream.symbols()[symbol];
                assertTrue(names.stream().allMatch(name::equals), "request " + r + " is " + name + "'s alone");
                for (final long time : times) {
                    assertTrue(time >= lastTime[symbol], name + " went back in time in request " + r);
                    lastTime[symbol] = time;
                }
            }
        }
        // Every symbol's pass spans about the same market time: none trails the others by a pass or more.
        final long passShift = stream.passShiftMsc();
        for (int s = 0; s < symbols; s++) {
            assertTrue(lastTime[s] >= BASE_MSC + 3 * passShift, stream.symbols()[s]);
        }
    }

    private static String body(final RequestSet set, final int r) {
        return new String(set.data, set.offset[r], set.offset[r + 1] - set.offset[r], StandardCharsets.US_ASCII);
    }
}
