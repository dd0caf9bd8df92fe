package io.tickengine.core.tick;

import java.util.Arrays;

/**
 * The highest {@code seq} accepted from each source (by source id), for exactly-once ingest: a tick whose seq is
 * not above its source's mark was accepted before and is a duplicate. Single-threaded; no allocation once grown to
 * the number of sources.
 */
public final class SourceSequences {
    private long[] highWaterMarks = new long[16];

    /**
     * Accepts {@code seq} from {@code sourceId} if it is above the source's mark, and raises the mark.
     *
     * @return false if the tick is a duplicate.
     */
    public boolean accept(final int sourceId, final long seq) {
        ensure(sourceId);
        if (seq <= highWaterMarks[sourceId]) {
            return false;
        }
        highWaterMarks[sourceId] = seq;
        return true;
    }

    /** Raises the mark of a source to at least {@code seq} (restore after restart). */
    public void advance(final int sourceId, final long seq) {
        ensure(sourceId);
        if (seq > highWaterMarks[sourceId]) {
            highWaterMarks[sourceId] = seq;
        }
    }

    /** Sets a source's mark back (a tick accepted by {@link #accept} could not be journaled after all). */
    public void reset(final int sourceId, final long seq) {
        ensure(sourceId);
        highWaterMarks[sourceId] = seq;
    }

    /** @return the source's mark, 0 if it has sent nothing. */
    public long highWaterMark(final int sourceId) {
        return sourceId < highWaterMarks.length ? highWaterMarks[sourceId] : 0;
    }

    private void ensure(final int sourceId) {
        if (sourceId >= highWaterMarks.length) {
            highWaterMarks = Arrays.copyOf(highWaterMarks, Math.max(sourceId + 1, highWaterMarks.length * 2));
        }
    }
}
