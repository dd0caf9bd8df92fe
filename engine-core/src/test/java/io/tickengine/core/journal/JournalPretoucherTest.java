package io.tickengine.core.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.TickEngine;
import io.tickengine.core.testsupport.SmallEngine;
import io.tickengine.core.testsupport.SyntheticTicks;
import io.tickengine.core.tick.TickBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal pretoucher reads the pages ahead of the journal's write position, as far as asked and the file
 * reaches, and only once each; what the journal holds is the same with it as without it.
 */
class JournalPretoucherTest {
    private static final long T0 = Instant.parse("2026-07-13T10:00:00Z").toEpochMilli();
    private static final long AHEAD_BYTES = 1024 * 1024;

    @TempDir
    Path dataDir;

    @Test
    void shouldTouchThePagesAheadOfTheWritePositionOnceAndChangeNothing() throws Exception {
        // The engine's own pretoucher is off: this test drives one by hand.
        try (TickEngine engine =
                TickEngine.start(SmallEngine.context(dataDir, 4096, 2048).set("journal.pretouch.mb", "0"))) {
            final TickJournal journal = engine.journal();
            final JournalPretoucher pretoucher = new JournalPretoucher(journal, AHEAD_BYTES);
            assertEquals(0, pretoucher.doWork(), "nothing written yet, nothing to touch");

            publish(engine, 0, 1_000);
            final long written = journal.writtenPosition();
            assertTrue(written > 0, "the commit published its position");
            final long fileBytes = Files.size(journal.writingFile().toPath());
            final long expectedPages = (Math.min(written + AHEAD_BYTES, fileBytes)
                            - (written & -JournalPretoucher.PAGE_BYTES)
                            + JournalPretoucher.PAGE_BYTES
                            - 1)
                    / JournalPretoucher.PAGE_BYTES;
            long pages = 0;
            for (int work; (work = pretoucher.doWork()) > 0; ) {
                pages += work;
            }
            assertEquals(expectedPages, pages, "from the write position's page to 1 MB ahead");
            assertEquals(0, pretoucher.doWork(), "touched pages are not touched again");

            publish(engine, 1_000, 20_000);
            assertTrue(pretoucher.doWork() > 0, "the write position moved on: the pages after it are touched");

            final List<Long> times = new ArrayList<>();
            journal.replay(Long.MIN_VALUE, (r, index) -> times.add(r.timeMsc));
            assertEquals(20_000, times.size());
            for (int i = 0; i < times.size(); i++) {
                assertEquals(T0 + i, times.get(i), "the journal holds what was written, in order");
            }
            pretoucher.onClose();
        }
    }

    @Test
    void shouldReportAFileItCannotReadOnceAndThenLeaveIt() throws Exception {
        try (TickEngine engine =
                TickEngine.start(SmallEngine.context(dataDir, 4096, 2048).set("journal.pretouch.mb", "0"))) {
            final TickJournal journal = engine.journal();
            publish(engine, 0, 1_000);
            // The journal goes on writing through its mapping; a new reader of the path finds nothing there.
            Files.delete(journal.writingFile().toPath());
            final JournalPretoucher pretoucher = new JournalPretoucher(journal, AHEAD_BYTES);

            assertThrows(NoSuchFileException.class, pretoucher::doWork, "the failure goes to the runner");
            for (int i = 0; i < 100; i++) {
                // AgentRunner calls again at once after an error: a retry each time would be an error each time.
                assertEquals(0, pretoucher.doWork(), "the failed file is left alone");
            }
            publish(engine, 1_000, 2_000);
            assertEquals(0, pretoucher.doWork(), "still the same file: still left alone");
            pretoucher.onClose();
        }
    }

    @Test
    void shouldNotRunThePageAgentsWhereTheJournalIsInMemoryAlready() throws Exception {
        final Path shm = Path.of("/dev/shm");
        Assumptions.assumeTrue(
                Files.isDirectory(shm) && "tmpfs".equals(Files.getFileStore(shm).type()), "no tmpfs at /dev/shm");
        assertFalse(JournalPretoucher.isUsefulFor(shm));
        assertFalse(JournalDropBehind.isUsefulFor(shm), "nor the drop-behind: there the pages are the file");
    }

    private static void publish(final TickEngine engine, final int from, final int to) {
        final SyntheticTicks ticks = new SyntheticTicks(engine);
        for (int n = from; n < to; n++) {
            ticks.add("EURUSD", T0 + n, 1.1 + n * 1e-5, 1.2, 0, 0, null, TickBuffer.NO_SEQ);
            if ((n - from) % 1_000 == 999 || n == to - 1) {
                assertEquals((n - from) % 1_000 + 1, ticks.publish().accepted);
            }
        }
    }
}
