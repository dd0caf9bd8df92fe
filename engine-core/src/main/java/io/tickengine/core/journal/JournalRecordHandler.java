package io.tickengine.core.journal;

/** Receives the ticks of a journal replay, in journal order. */
@FunctionalInterface
public interface JournalRecordHandler {
    /**
     * @param record the tick; reused for the next call.
     * @param index its journal index.
     */
    void onRecord(JournalRecord record, long index);
}
