package io.tickengine.core.store;

import java.util.Map;

/**
 * What a store remembers for a restart: the last checkpoint and, per symbol and source, where to resume.
 *
 * @param journalId the journal the checkpoint refers to, {@code null} if none was ever written.
 * @param journalIndex the last journal index whose effects are all in the store, -1 if none.
 * @param symbols per symbol name.
 * @param sources per source name, the seqs accepted.
 */
public record RecoveryState(
        String journalId, long journalIndex, Map<String, SymbolState> symbols, Map<String, SourceState> sources) {

    /**
     * @param lastSeq the highest seq accepted.
     * @param window the window bitmap of {@link io.tickengine.core.tick.SourceSequences}, or {@code null} if the
     *     store had none (written before windows existed): then every seq up to {@code lastSeq} counts as accepted.
     */
    public record SourceState(long lastSeq, byte[] window) {}

    /**
     * @param replayFromIndex journal index of the first tick of the symbol's oldest open bar.
     * @param replayWatermarkMsc the symbol's watermark just before that tick.
     * @param watermarkMsc the symbol's watermark at the checkpoint.
     */
    public record SymbolState(long replayFromIndex, long replayWatermarkMsc, long watermarkMsc) {}

    /** @return the state of an empty store. */
    public static RecoveryState empty() {
        return new RecoveryState(null, -1, Map.of(), Map.of());
    }
}
