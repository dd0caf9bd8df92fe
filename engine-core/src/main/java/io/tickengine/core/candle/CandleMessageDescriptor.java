package io.tickengine.core.candle;

/**
 * Messages from the aggregator to the writer, over an Agrona one-to-one ring buffer. All little-endian.
 *
 * <ul>
 *   <li>{@link #MSG_CANDLE}: the store part of a bar, {@link CandleDescriptor#STORE_LENGTH} bytes. Replaces any
 *       earlier version of the same bar.
 *   <li>{@link #MSG_SYMBOL_STATE}: what a restart needs to rebuild one symbol's open bars exactly.
 *       <pre>
 *  0 symbol id (int32) | 4 unused | 8 replay-from journal index (int64)
 * 16 symbol watermark at that index (int64) | 24 symbol watermark now (int64)
 *       </pre>
 *   <li>{@link #MSG_SOURCE_SEQ}: a source's dedup state after the checkpoint that follows, whole (the newest
 *       replaces the older), so the writer stores it as it is and a restart puts it back exactly
 *       ({@link io.tickengine.core.tick.SourceSequences}). Bounded: {@code dedup.window / 8 + 16} bytes, sent once
 *       per source touched per checkpoint.
 *       <pre>
 *  0 source id (int32) | 4 unused | 8 highest seq (int64)
 * 16 window bitmap: dedup.window / 64 words (int64), bit (seq mod window) set if that seq was accepted
 *       </pre>
 *   <li>{@link #MSG_CHECKPOINT}: {@code 0 journal index (int64) | 8 oldest publish time (int64)}: every message
 *       before it reflects all ticks up to and including that index. The writer commits a checkpoint together with
 *       everything before it. The publish time ({@code System.nanoTime()}) is that of the oldest tick or bar this
 *       checkpoint is the first to cover, or {@link #NONE} for replayed ones; the writer measures freshness from
 *       it.
 *   <li>{@link #MSG_REBUILD}: bars to rebuild from the stored ticks, once the tick store has passed the journal
 *       index given (a tick too late for its bar, a replaced range).
 *       <pre>
 *  0 symbol id (int32) | 4 timeframe (int32) | 8 first bar open time (int64) | 16 last bar open time (int64)
 * 24 journal index (int64)
 *       </pre>
 * </ul>
 */
public final class CandleMessageDescriptor {
    public static final int MSG_CANDLE = 1;
    public static final int MSG_SYMBOL_STATE = 2;
    public static final int MSG_SOURCE_SEQ = 3;
    public static final int MSG_CHECKPOINT = 4;
    public static final int MSG_REBUILD = 5;

    public static final int STATE_SYMBOL_ID_OFFSET = 0;
    public static final int STATE_REPLAY_FROM_OFFSET = 8;
    public static final int STATE_REPLAY_WATERMARK_OFFSET = 16;
    public static final int STATE_WATERMARK_OFFSET = 24;
    public static final int STATE_LENGTH = 32;

    public static final int SOURCE_ID_OFFSET = 0;
    public static final int SOURCE_SEQ_OFFSET = 8;
    public static final int SOURCE_WINDOW_OFFSET = 16;

    public static final int CHECKPOINT_INDEX_OFFSET = 0;
    public static final int CHECKPOINT_PUBLISH_NS_OFFSET = 8;
    public static final int CHECKPOINT_LENGTH = 16;

    public static final int REBUILD_SYMBOL_ID_OFFSET = 0;
    public static final int REBUILD_TIMEFRAME_OFFSET = 4;
    public static final int REBUILD_FROM_OFFSET = 8;
    public static final int REBUILD_TO_OFFSET = 16;
    public static final int REBUILD_INDEX_OFFSET = 24;
    public static final int REBUILD_LENGTH = 32;

    /** A watermark or index that has no value yet. */
    public static final long NONE = Long.MIN_VALUE;

    private CandleMessageDescriptor() {}
}
