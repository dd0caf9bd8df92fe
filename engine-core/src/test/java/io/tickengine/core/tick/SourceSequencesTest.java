package io.tickengine.core.tick;

import static io.tickengine.core.tick.SourceSequences.BELOW_WINDOW;
import static io.tickengine.core.tick.SourceSequences.DUPLICATE;
import static io.tickengine.core.tick.SourceSequences.NEW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.BitSet;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The per-source window of accepted seqs: out of order once, duplicates, below the window, sliding, restore. */
class SourceSequencesTest {
    private static final int SOURCE = 3;

    /** Accepts {@code seq} if new, as the ingest gate does. */
    private static int offer(final SourceSequences sequences, final int sourceId, final long seq) {
        final int outcome = sequences.check(sourceId, seq);
        if (outcome == NEW) {
            sequences.accept(sourceId, seq);
        }
        return outcome;
    }

    @Test
    void shouldAcceptOutOfOrderSeqsInsideTheWindowOnce() {
        final SourceSequences sequences = new SourceSequences(1024);
        for (long seq = 401; seq <= 800; seq++) {
            assertEquals(NEW, offer(sequences, SOURCE, seq));
        }
        for (long seq = 1; seq <= 400; seq++) {
            assertEquals(NEW, offer(sequences, SOURCE, seq), "seq " + seq);
        }
        for (long seq = 801; seq <= 1200; seq++) {
            assertEquals(NEW, offer(sequences, SOURCE, seq));
        }
        assertEquals(1200, sequences.highWaterMark(SOURCE));
        for (long seq = 1; seq <= 1200; seq++) {
            final int expected = seq > 1200 - 1024 ? DUPLICATE : BELOW_WINDOW;
            assertEquals(expected, offer(sequences, SOURCE, seq), "seq " + seq);
        }
    }

    @Test
    void shouldCallOnlyAcceptedSeqsDuplicates() {
        final SourceSequences sequences = new SourceSequences(256);
        assertEquals(NEW, offer(sequences, SOURCE, 10));
        assertEquals(NEW, offer(sequences, SOURCE, 7));
        assertEquals(DUPLICATE, offer(sequences, SOURCE, 10));
        assertEquals(DUPLICATE, offer(sequences, SOURCE, 7));
        assertEquals(NEW, offer(sequences, SOURCE, 8), "a gap is not a duplicate");
        assertEquals(NEW, offer(sequences, SOURCE, 9));
        assertEquals(NEW, offer(sequences, SOURCE, 1));
        assertEquals(10, sequences.highWaterMark(SOURCE));
        assertEquals(NEW, sequences.check(SOURCE + 1, 10), "sources are independent");
    }

    @Test
    void shouldRefuseSeqsBelowTheWindow() {
        final SourceSequences sequences = new SourceSequences(64);
        offer(sequences, SOURCE, 1000);
        assertEquals(1000 - 64 + 1, sequences.windowLow(SOURCE));
        assertEquals(NEW, sequences.check(SOURCE, 937), "the lowest seq of the window");
        assertEquals(BELOW_WINDOW, sequences.check(SOURCE, 936));
        assertEquals(BELOW_WINDOW, sequences.check(SOURCE, 1));
        sequences.accept(SOURCE, 5);
        assertEquals(1000, sequences.highWaterMark(SOURCE), "a seq below the window changes nothing");
        assertEquals(BELOW_WINDOW, sequences.check(SOURCE, 5));
    }

    @Test
    void shouldForgetSeqsTheWindowSlidesPastAndKeepTheRest() {
        final SourceSequences sequences = new SourceSequences(128);
        for (long seq = 1; seq <= 200; seq += 2) {
            offer(sequences, SOURCE, seq); // odd seqs
        }
        // The mark is 199: the window is 72..199; sliding by 50 keeps 122..199 and clears the bits of 200..249.
        offer(sequences, SOURCE, 249);
        assertEquals(122, sequences.windowLow(SOURCE));
        assertEquals(BELOW_WINDOW, sequences.check(SOURCE, 121));
        for (long seq = 122; seq < 200; seq++) {
            assertEquals(seq % 2 == 1 ? DUPLICATE : NEW, sequences.check(SOURCE, seq), "seq " + seq);
        }
        for (long seq = 200; seq < 249; seq++) {
            assertEquals(NEW, sequences.check(SOURCE, seq), "seq " + seq);
        }
        // A jump of more than the window clears it all.
        offer(sequences, SOURCE, 10_000);
        for (long seq = 10_000 - 127; seq < 10_000; seq++) {
            assertEquals(NEW, sequences.check(SOURCE, seq), "seq " + seq);
        }
        assertEquals(DUPLICATE, sequences.check(SOURCE, 10_000));
    }

    @Test
    void shouldMatchASetOfAcceptedSeqsForRandomArrivals() {
        final int window = 512;
        final SourceSequences sequences = new SourceSequences(window);
        final BitSet accepted = new BitSet();
        final Random random = new Random(42);
        long mark = 0;
        for (int i = 0; i < 200_000; i++) {
            final long seq = Math.max(1, mark + random.nextInt(100) - 600);
            final int expected = seq <= mark - window ? BELOW_WINDOW : accepted.get((int) seq) ? DUPLICATE : NEW;
            assertEquals(expected, offer(sequences, SOURCE, seq), "seq " + seq + ", mark " + mark);
            if (expected == NEW) {
                accepted.set((int) seq);
                mark = Math.max(mark, seq);
            }
        }
    }

    @Test
    void shouldGrowForNewSources() {
        final SourceSequences sequences = new SourceSequences(64);
        for (int source = 0; source < 1000; source++) {
            assertEquals(NEW, offer(sequences, source, source + 1));
        }
        for (int source = 0; source < 1000; source++) {
            assertEquals(source + 1, sequences.highWaterMark(source));
            assertEquals(DUPLICATE, sequences.check(source, source + 1));
        }
        assertEquals(0, sequences.highWaterMark(5000));
    }

    @Test
    void shouldRestoreAWindowCopiedOut() {
        final SourceSequences before = new SourceSequences(256);
        for (long seq = 1000; seq >= 800; seq -= 3) {
            offer(before, SOURCE, seq);
        }
        final UnsafeBuffer copy = new UnsafeBuffer(new byte[before.windowBytes()]);
        before.copyWindow(SOURCE, copy, 0);

        final SourceSequences after = new SourceSequences(256);
        after.restore(SOURCE, before.highWaterMark(SOURCE), copy, 0, copy.capacity());
        for (long seq = 1; seq <= 1001; seq++) {
            assertEquals(before.check(SOURCE, seq), after.check(SOURCE, seq), "seq " + seq);
        }
    }

    @Test
    void shouldTreatSeqsNotCoveredByTheStoredWindowAsAccepted() {
        final SourceSequences legacy = new SourceSequences(64);
        legacy.restore(SOURCE, 100, null, 0, 0);
        assertEquals(DUPLICATE, legacy.check(SOURCE, 100));
        assertEquals(DUPLICATE, legacy.check(SOURCE, 37));
        assertEquals(BELOW_WINDOW, legacy.check(SOURCE, 36));
        assertEquals(NEW, legacy.check(SOURCE, 101));

        final SourceSequences small = new SourceSequences(64);
        offer(small, SOURCE, 1000);
        final UnsafeBuffer copy = new UnsafeBuffer(new byte[small.windowBytes()]);
        small.copyWindow(SOURCE, copy, 0);
        final SourceSequences larger = new SourceSequences(128);
        larger.restore(SOURCE, 1000, copy, 0, copy.capacity());
        assertEquals(NEW, larger.check(SOURCE, 999), "a gap the stored window knew");
        assertEquals(NEW, larger.check(SOURCE, 937));
        assertEquals(DUPLICATE, larger.check(SOURCE, 936), "below the stored window: assumed accepted");
        assertEquals(BELOW_WINDOW, larger.check(SOURCE, 1000 - 128));
    }

    @Test
    void shouldRefuseAWindowThatIsNotAPowerOfTwoInRange() {
        assertThrows(IllegalArgumentException.class, () -> new SourceSequences(100));
        assertThrows(IllegalArgumentException.class, () -> new SourceSequences(32));
        assertThrows(IllegalArgumentException.class, () -> new SourceSequences(1 << 21));
    }
}
