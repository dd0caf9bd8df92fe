package io.tickengine.bench.jmh;

import io.tickengine.bench.load.BodyFormat;
import io.tickengine.bench.load.RequestSet;
import io.tickengine.bench.load.TickStream;
import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.core.tick.codec.TickParser;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Tick parsing and validation, per tick: bodies of one tick ({@link #single}) and of 1,000 ({@link #batch1000}) in
 * JSON, NDJSON and CSV, made from the real ticks. Scores are ticks per second; the {@code bytes} rows next to them
 * are the bytes of body parsed per second.
 *
 * <p>{@code -p ticks=generated:5000} parses the load generator's random walk of 5,000 symbols instead (nearly every
 * tick then names another symbol than the one before), {@code generated:1} one symbol.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TickParseBenchmark {
    @Param({"JSON", "NDJSON", "CSV"})
    public String format;

    /** {@code real} (the tick files, else 8 generated symbols) or {@code generated:SYMBOLS}. */
    @Param({"real"})
    public String ticks;

    private RequestSet singles;
    private RequestSet batches;
    private TickParser parser;
    private TickParser.Format parserFormat;
    private final TickBuffer out = new TickBuffer(1024);
    private final UnsafeBuffer body = new UnsafeBuffer(new byte[0]);
    private long nowMsc;
    private int nextSingle;
    private int nextBatch;

    /** Bytes of body parsed: JMH reports the counter as a rate, the parser's bytes/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Parsed {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    @Setup
    public void setUp() {
        final TickStream stream = ticks.startsWith("generated:")
                ? TickStream.generated(200_000, Integer.parseInt(ticks.substring(10)), TickData.BASE_MSC, 42)
                : TickData.stream();
        final BodyFormat bodyFormat = BodyFormat.valueOf(format);
        singles = RequestSet.encode(stream, 1, 1, bodyFormat, "", null, "");
        batches = RequestSet.encode(stream, 10, 1000, bodyFormat, "", null, "");
        parser = new TickParser(new NameTable(65_536), new NameTable(1024), 16_384);
        parserFormat = TickParser.Format.valueOf(format);
        nowMsc = System.currentTimeMillis();
    }

    @Benchmark
    public int single(final Parsed parsed) {
        final int r = nextSingle;
        nextSingle = r + 1 == singles.count ? 0 : r + 1;
        return parse(singles, r, parsed);
    }

    @Benchmark
    @OperationsPerInvocation(1000)
    public int batch1000(final Parsed parsed) {
        // Skip the last, shorter request of the set so every invocation parses exactly 1,000 ticks.
        final int r = nextBatch;
        nextBatch = r + 2 >= batches.count ? 0 : r + 1;
        return parse(batches, r, parsed);
    }

    private int parse(final RequestSet set, final int r, final Parsed counter) {
        final int offset = set.offset[r];
        final int length = set.offset[r + 1] - offset;
        counter.bytes += length;
        body.wrap(set.data, offset, length);
        final int parsed = parser.parse(body, 0, length, parserFormat, out, nowMsc);
        if (parsed < 0) {
            throw new IllegalStateException("parse failed [code=" + parsed + ", error=" + parser.errorMessage() + "]");
        }
        return parsed;
    }
}
