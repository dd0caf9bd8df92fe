package io.tickengine.http.mql5;

import io.tickengine.core.testsupport.TickFiles;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in for an MT5 terminal's tick history: ticks stamped in broker server time that "arrive" as a clock
 * advances, with {@code CopyTicksRange(from, 0)} semantics: every tick already arrived with time_msc >= from, in
 * arrival order.
 */
final class Terminal {
    /** One MqlTick, server time. */
    record MqlTick(long timeMsc, double bid, double ask, double last, long volume, double volumeReal, int flags) {}

    private final String symbol;
    private final int digits;
    /** All ticks, arrived or not (what a test expects the engine to end up with). */
    private final List<MqlTick> ticks = new ArrayList<>();

    private int arrived;

    /** @param serverOffsetS broker server time minus UTC. */
    Terminal(final String symbol, final int digits, final List<TickFiles.Tick> utcTicks, final int serverOffsetS) {
        this.symbol = symbol;
        this.digits = digits;
        for (final TickFiles.Tick t : utcTicks) {
            ticks.add(new MqlTick(
                    t.timeMsc() + serverOffsetS * 1000L, t.bid(), t.ask(), t.last(), t.volume(), 0, t.flags()));
        }
    }

    /** A terminal over explicit server-time ticks (for boundary cases). */
    Terminal(final String symbol, final int digits, final List<MqlTick> serverTicks) {
        this.symbol = symbol;
        this.digits = digits;
        this.ticks.addAll(serverTicks);
    }

    List<MqlTick> ticks() {
        return ticks;
    }

    String symbol() {
        return symbol;
    }

    int digits() {
        return digits;
    }

    /** Lets {@code n} more ticks arrive. */
    void arrive(final int n) {
        arrived = Math.min(ticks.size(), arrived + n);
    }

    boolean allArrived() {
        return arrived == ticks.size();
    }

    /** @return the server time of the newest arrived tick (the EA's "now"), or of the first tick before any. */
    long nowMsc() {
        return arrived == 0 ? ticks.get(0).timeMsc() : ticks.get(arrived - 1).timeMsc();
    }

    /** MQL5's {@code ERR_HISTORY_TIMEOUT}: the ticks were not synchronised in time; the answer is partial. */
    static final int ERR_HISTORY_TIMEOUT = 4403;

    /** The answer of {@code CopyTicksRange}: the ticks and {@code GetLastError()} after it. */
    record Answer(List<MqlTick> ticks, int error) {}

    private int partialAnswers;
    int copyCalls;

    /** The next {@code n} calls of {@link #copyTicksRange} answer only half the ticks, with ERR_HISTORY_TIMEOUT. */
    void answerPartially(final int n) {
        partialAnswers = n;
    }

    /** @return the time of the newest arrived tick ({@code SymbolInfoTick}), 0 before any. */
    long newestMsc() {
        return arrived == 0 ? 0 : ticks.get(arrived - 1).timeMsc();
    }

    /** {@code CopyTicksRange(symbol, ticks, COPY_TICKS_ALL, fromMsc, toMsc)}, both ends included. */
    Answer copyTicksRange(final long fromMsc, final long toMsc) {
        copyCalls++;
        final List<MqlTick> out = new ArrayList<>();
        for (int i = 0; i < arrived; i++) {
            final long t = ticks.get(i).timeMsc();
            if (t >= fromMsc && t <= toMsc) {
                out.add(ticks.get(i));
            }
        }
        if (partialAnswers > 0 && out.size() > 1) {
            partialAnswers--;
            return new Answer(new ArrayList<>(out.subList(0, out.size() / 2)), ERR_HISTORY_TIMEOUT);
        }
        return new Answer(out, 0);
    }
}
