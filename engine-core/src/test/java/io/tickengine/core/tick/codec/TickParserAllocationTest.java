package io.tickengine.core.tick.codec;

import static io.tickengine.core.tick.codec.TickBodies.NOW_MSC;
import static io.tickengine.core.tick.codec.TickBodies.TIME_MSC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.core.tick.codec.TickParser.Format;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Once warm, parsing allocates nothing: the JVM's per-thread allocation counter does not move, however many ticks a
 * body holds. A deterministic count, not a timing.
 */
class TickParserAllocationTest {
    private static final int TICKS = 1_000;
    private static final int WARM_UP_PARSES = 300;
    private static final int MEASURED_PARSES = 100;
    /** Covers the counter's own granularity (TLAB accounting); far below one byte per tick. */
    private static final long SLACK_BYTES = 1_024;

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final TickParser parser = new TickParser(new NameTable(64), new NameTable(64), TICKS);
    private final TickBuffer out = new TickBuffer(16);

    @ParameterizedTest
    @EnumSource(Format.class)
    void shouldAllocateNothingWhenParsingAThousandTicks(final Format format) {
        final UnsafeBuffer body = new UnsafeBuffer(body(format, false).getBytes(StandardCharsets.US_ASCII));

        assertAllocatesNothing(body, format, TICKS);
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void shouldAllocateNothingWhenParsingAnOffHeapBody(final Format format) {
        final byte[] bytes = body(format, false).getBytes(StandardCharsets.US_ASCII);
        final UnsafeBuffer body = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes.length));
        body.putBytes(0, bytes);

        assertAllocatesNothing(body, format, TICKS);
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void shouldAllocateNothingWhenRejectingTheLastTick(final Format format) {
        final UnsafeBuffer body = new UnsafeBuffer(body(format, true).getBytes(StandardCharsets.US_ASCII));

        assertAllocatesNothing(body, format, TickParser.ERROR_INVALID);
    }

    private void assertAllocatesNothing(final UnsafeBuffer body, final Format format, final int expected) {
        for (int i = 0; i < WARM_UP_PARSES; i++) {
            assertEquals(expected, parser.parse(body, 0, body.capacity(), format, out, NOW_MSC));
        }

        int result = 0;
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < MEASURED_PARSES; i++) {
            result |= parser.parse(body, 0, body.capacity(), format, out, NOW_MSC) ^ expected;
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertEquals(0, result, "every measured parse gave the expected result");
        assertTrue(
                allocated < SLACK_BYTES,
                "allocated [bytes=" + allocated + ", parses=" + MEASURED_PARSES + ", ticks=" + TICKS + "]");
    }

    /**
     * @return {@code points / 10^5} with five decimals, as MQL5's {@code DoubleToString(price, _Digits)} writes it.
     *     (A 17-digit text such as {@code Double.toString} may give takes the documented {@code parseDouble} path.)
     */
    private static String price(final int points) {
        final String decimals = Integer.toString(points % 100_000);
        return points / 100_000 + "." + "0".repeat(5 - decimals.length()) + decimals;
    }

    /** @return a body of {@link #TICKS} ticks with varied fields; the last one invalid if asked. */
    private static String body(final Format format, final boolean lastInvalid) {
        final StringBuilder text = new StringBuilder();
        if (format == Format.CSV) {
            text.append("symbol,time_msc,bid,ask,last,volume,flags,volume_real,source,seq\n");
        } else if (format == Format.JSON) {
            text.append('[');
        }
        for (int i = 0; i < TICKS; i++) {
            final String symbol = i % 3 == 0 ? "EURUSD" : i % 3 == 1 ? "XAUUSD" : "BTCUSD";
            final String bid = lastInvalid && i == TICKS - 1 ? "-1" : price(110_000 + i);
            final String ask = price(110_007 + i);
            final long timeMsc = TIME_MSC + i * 37L;
            if (format == Format.CSV) {
                text.append(symbol)
                        .append(',')
                        .append(timeMsc)
                        .append(',')
                        .append(bid)
                        .append(',');
                text.append(ask)
                        .append(",0,")
                        .append(i)
                        .append(",6,1.5e-2,term-01,")
                        .append(i + 1)
                        .append('\n');
            } else {
                if (format == Format.JSON && i > 0) {
                    text.append(',');
                }
                text.append("{\"symbol\":\"")
                        .append(symbol)
                        .append("\",\"time_msc\":")
                        .append(timeMsc);
                text.append(",\"bid\":").append(bid).append(",\"ask\":").append(ask);
                text.append(",\"last\":0,\"volume\":").append(i).append(",\"volume_real\":1.5e-2,\"flags\":6");
                text.append(",\"source\":\"term-01\",\"seq\":").append(i + 1);
                text.append(",\"server_offset_s\":10800,\"note\":{\"a\":[true,null,\"x\\u00e9\"]}}");
                if (format == Format.NDJSON) {
                    text.append("\r\n");
                }
            }
        }
        if (format == Format.JSON) {
            text.append(']');
        }
        return text.toString();
    }
}
