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

    /** {@code CopyTicksRange(symbol, ticks, COPY_TICKS_ALL, from, 0)}. */
    List<MqlTick> copyTicksRange(final long fromMsc) {
        final List<MqlTick> out = new ArrayList<>();
        for (int i = 0; i < arrived; i++) {
            if (ticks.get(i).timeMsc() >= fromMsc) {
                out.add(ticks.get(i));
            }
        }
        return out;
    }
}
