package io.tickengine.bench.jmh;

import io.tickengine.core.journal.TickJournal;
import io.tickengine.core.journal.TickRecordDescriptor;
import io.tickengine.core.ring.BenchTickEvents;
import io.tickengine.core.ring.TickEvent;
import io.tickengine.core.tick.NameTable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One journal append: {@link TickJournal#append} of a tick ({@link #tickJournal}) against a raw Chronicle Queue
 * appender writing the same 38 bytes (a packed quote with flags), the record pre-encoded ({@link #rawChronicle}). Same roll cycle, both on
 * tmpfs when there is one, so the comparison is of CPU cost, not disk. Target: journal at least 0.8x raw.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JournalAppendBenchmark {
    private Path journalDir;
    private Path rawDir;
    private TickJournal journal;
    private SingleChronicleQueue rawQueue;
    private ExcerptAppender rawAppender;
    private final NameTable symbols = new NameTable(16);
    private final NameTable sources = new NameTable(16);
    private final TickEvent event = new TickEvent();
    private Bytes<?> rawRecord;
    private int rawWord;
    private long timeMsc = TickData.BASE_MSC;

    @Setup(Level.Trial)
    public void setUp() {
        journalDir = BenchJvm.scratchDir("tick-journal-");
        rawDir = BenchJvm.scratchDir("raw-chronicle-");
        journal = TickJournal.open(journalDir, "FAST_HOURLY");
        rawQueue = SingleChronicleQueueBuilder.binary(rawDir)
                .rollCycle(RollCycles.FAST_HOURLY)
                .build();
        rawAppender = rawQueue.createAppender();
        final int symbol = symbols.intern("EURUSD");
        final int source = sources.intern("term-01");
        BenchTickEvents.tick(event, symbol, timeMsc, 1.14273, 1.14277, 0, 0, 0, 6, -1, 0);
        // The same record TickJournal writes (TickRecordDescriptor, format 2), less the first word and the time, which
        // each append writes.
        final int length = TickRecordDescriptor.packedLength(TickRecordDescriptor.PACKED_FLAGS, 6, 0);
        final ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(TickRecordDescriptor.KIND_TICK | TickRecordDescriptor.PACKED_FLAGS << 8 | 6 << 16)
                .putLong(timeMsc)
                .putDouble(1.14273)
                .putDouble(1.14277)
                .putInt(6)
                .put("EURUSD".getBytes(StandardCharsets.US_ASCII));
        rawRecord = Bytes.allocateDirect(length - 12L);
        rawRecord.write(b.array(), 12, length - 12);
        rawWord = b.getInt(0);
        if (source < 0) {
            throw new IllegalStateException("source table");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        journal.close();
        rawAppender.close();
        rawQueue.close();
        rawRecord.releaseLast();
        BenchJvm.delete(journalDir);
        BenchJvm.delete(rawDir);
    }

    @Benchmark
    public long tickJournal() {
        BenchTickEvents.time(event, ++timeMsc);
        final long index = journal.append(event, symbols, sources);
        journal.commitDocument();
        return index;
    }

    @Benchmark
    public long rawChronicle() {
        try (DocumentContext dc = rawAppender.writingDocument()) {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.writeInt(rawWord);
            bytes.writeLong(++timeMsc);
            bytes.write(rawRecord, 0, rawRecord.readRemaining());
        }
        return rawAppender.lastIndexAppended();
    }
}
