package io.tickengine.core.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.TickEngine;
import io.tickengine.core.testsupport.SmallEngine;
import io.tickengine.core.testsupport.SyntheticTicks;
import io.tickengine.core.tick.TickBuffer;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.agrona.IoUtil;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal's drop-behind advises the kernel about the pages behind its write position, a step at a time, and the
 * advice frees clean pages only: what the journal holds is the same with it as without it.
 */
class JournalDropBehindTest {
    private static final long T0 = Instant.parse("2026-07-13T10:00:00Z").toEpochMilli();
    private static final int PAGE = 4096;

    @TempDir
    Path dataDir;

    @BeforeEach
    void onADisk() {
        Assumptions.assumeTrue(
                JournalDropBehind.isUsefulFor(dataDir), "page cache advice needs Linux and a disk-backed temp dir");
    }

    @Test
    void shouldFreeThePagesOnceOnDiskAndReadThemBackAsWritten() throws Exception {
        final Path file = dataDir.resolve("pages");
        final int pages = 256;
        try (FileChannel channel = FileChannel.open(
                file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            final ByteBuffer page = ByteBuffer.allocate(PAGE);
            for (int i = 0; i < pages; i++) {
                page.clear();
                page.putInt(0, i + 1);
                channel.write(page, (long) i * PAGE);
            }
            assertEquals(pages, residentPages(channel, pages), "just written: in the page cache");
            try (PageCache cache = PageCache.open(file)) {
                channel.force(false);
                cache.dropClean(0, 0);
                assertEquals(0, residentPages(channel, pages), "on disk, then advised: freed");
            }
            final ByteBuffer read = ByteBuffer.allocate(PAGE);
            for (int i = 0; i < pages; i++) {
                read.clear();
                channel.read(read, (long) i * PAGE);
                assertEquals(i + 1, read.getInt(0), "read back from disk as written");
            }
        }
    }

    @Test
    void shouldAdviseBehindTheWritePositionAStepAtATimeAndChangeNothing() throws Exception {
        final long behind = 512 * 1024;
        final long step = 256 * 1024;
        // The engine's own page agents are off: this test drives one by hand.
        try (TickEngine engine = TickEngine.start(SmallEngine.context(dataDir, 4096, 2048)
                .set("journal.pretouch.mb", "0")
                .set("journal.drop.behind.mb", "0"))) {
            final TickJournal journal = engine.journal();
            final JournalDropBehind dropBehind = new JournalDropBehind(journal, behind, step);
            assertEquals(0, dropBehind.doWork(), "nothing written yet");

            publish(engine, 0, 1_000);
            assertTrue(journal.writtenPosition() < behind + step);
            assertEquals(0, dropBehind.doWork(), "not a step behind yet");

            int ticks = 1_000;
            while (journal.writtenPosition() < behind + step) {
                publish(engine, ticks, ticks + 1_000);
                ticks += 1_000;
            }
            assertEquals(1, dropBehind.doWork(), "a step behind: advised");
            assertEquals(0, dropBehind.doWork(), "not again until the writer moved a step on");
            final long advised = journal.writtenPosition();
            while (journal.writtenPosition() < advised + step) {
                publish(engine, ticks, ticks + 1_000);
                ticks += 1_000;
            }
            assertEquals(1, dropBehind.doWork());
            assertEquals(2, dropBehind.advices());

            final List<Long> times = new ArrayList<>();
            journal.replay(Long.MIN_VALUE, (r, index) -> times.add(r.timeMsc));
            assertEquals(ticks, times.size());
            for (int i = 0; i < times.size(); i++) {
                assertEquals(T0 + i, times.get(i), "the journal holds what was written, in order");
            }
            dropBehind.onClose();
        }
    }

    /** @return how many of the file's first {@code pages} pages are in the page cache (mincore, page by page). */
    private static int residentPages(final FileChannel channel, final int pages) throws Exception {
        int resident = 0;
        for (int i = 0; i < pages; i++) {
            final MappedByteBuffer page = channel.map(FileChannel.MapMode.READ_ONLY, (long) i * PAGE, PAGE);
            try {
                if (page.isLoaded()) {
                    resident++;
                }
            } finally {
                IoUtil.unmap(page);
            }
        }
        return resident;
    }

    private static void publish(final TickEngine engine, final int from, final int to) {
        final SyntheticTicks ticks = new SyntheticTicks(engine);
        for (int n = from; n < to; n++) {
            ticks.add("EURUSD", T0 + n, 1.1 + n * 1e-5, 1.2, 0, 0, null, TickBuffer.NO_SEQ);
        }
        assertEquals(to - from, ticks.publish().accepted);
    }
}
