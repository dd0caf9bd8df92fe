package io.tickengine.http.mql5;

import io.tickengine.core.testsupport.TickFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.LongUnaryOperator;

/**
 * A stand-in for an MT5 terminal's tick history: ticks stamped in broker server time that "arrive" as a clock
 * advances, with {@code CopyTicksRange(from, 0)} semantics: every tick already arrived with time_msc >= from, in
 * arrival order. The broker's clock is a rule (server time minus UTC at each UTC instant), so a terminal can run
 * across a daylight-saving switch; {@code TimeGMT()} and {@code TimeTradeServer()} are the time of the newest tick
 * arrived, unless a test sets the clock.
 */
public final class Terminal {
    /** One MqlTick, server time. */
    record MqlTick(long timeMsc, double bid, double ask, double last, long volume, double volumeReal, int flags) {}

    private final String symbol;
    private final int digits;
    /** All ticks, arrived or not (what a test expects the engine to end up with). */
    private final List<MqlTick> ticks = new ArrayList<>();
    /** The UTC time of each tick. */
    private final List<Long> utcMsc = new ArrayList<>();
    /** The broker's clock: server time minus UTC at a UTC instant, in ms. */
    private final LongUnaryOperator offsetMscAtUtc;

    private int arrived;
    private long clockUtcMsc = Long.MIN_VALUE;

    // SymbolInfoDouble / SymbolInfoString of the symbol (SYMBOL_TRADE_TICK_SIZE, ...); 0 and "" as MT5 leaves them.
    double tickSize;
    double contractSize = 100_000;
    String currencyBase = "";
    String currencyProfit = "";
    String currencyMargin = "";
    String description = "";

    /** @param serverOffsetS broker server time minus UTC, all year. */
    Terminal(final String symbol, final int digits, final List<TickFiles.Tick> utcTicks, final int serverOffsetS) {
        this(symbol, digits, utcTicks, utc -> serverOffsetS * 1000L);
    }

    /**
     * A terminal on a broker whose offset changes.
     *
     * @param offsetMscAtUtc the broker's server time minus UTC at a UTC instant, in ms.
     */
    public Terminal(
            final String symbol,
            final int digits,
            final List<TickFiles.Tick> utcTicks,
            final LongUnaryOperator offsetMscAtUtc) {
        this.symbol = symbol;
        this.digits = digits;
        this.offsetMscAtUtc = offsetMscAtUtc;
        for (final TickFiles.Tick t : utcTicks) {
            final long server = t.timeMsc() + offsetMscAtUtc.applyAsLong(t.timeMsc());
            ticks.add(new MqlTick(server, t.bid(), t.ask(), t.last(), t.volume(), 0, t.flags()));
            utcMsc.add(t.timeMsc());
        }
    }

    /** A terminal over explicit server-time ticks (for boundary cases), on a broker at a fixed offset. */
    Terminal(final String symbol, final int digits, final int serverOffsetS, final List<MqlTick> serverTicks) {
        this.symbol = symbol;
        this.digits = digits;
        this.offsetMscAtUtc = utc -> serverOffsetS * 1000L;
        for (final MqlTick t : serverTicks) {
            ticks.add(t);
            utcMsc.add(t.timeMsc() - serverOffsetS * 1000L);
        }
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

    /** @return the broker's server time minus UTC at a UTC instant, in ms (what the tests' oracles convert with). */
    long offsetMscAtUtc(final long utcMsc) {
        return offsetMscAtUtc.applyAsLong(utcMsc);
    }

    /** Sets the clock ({@code TimeGMT()}) to a UTC time, and lets every tick before it arrive. */
    public void setClock(final long utcMsc) {
        clockUtcMsc = utcMsc;
        while (arrived < ticks.size() && this.utcMsc.get(arrived) <= utcMsc) {
            arrived++;
        }
    }

    /** {@code TimeGMT()}, in seconds: the clock if set, else the UTC time of the newest arrived tick. */
    long timeGmtS() {
        if (clockUtcMsc != Long.MIN_VALUE) {
            return Math.floorDiv(clockUtcMsc, 1000L);
        }
        return Math.floorDiv(utcMsc.get(arrived == 0 ? 0 : arrived - 1), 1000L);
    }

    /** {@code TimeTradeServer()}, in seconds: the broker's clock at {@link #timeGmtS()}. */
    public long timeTradeServerS() {
        final long gmtMsc = timeGmtS() * 1000L;
        return Math.floorDiv(gmtMsc + offsetMscAtUtc.applyAsLong(gmtMsc), 1000L);
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

    /** Lets the ticks arrive up to the one at {@code index} (excluded). */
    void arriveUpTo(final int index) {
        arrived = Math.max(arrived, Math.min(index, ticks.size()));
    }

    int arrived() {
        return arrived;
    }

    /** One MqlRates, server time (seconds); spread in points. */
    record MqlRates(long time, double open, double high, double low, double close, long tickVolume, int spread) {}

    /**
     * {@code CopyRates(symbol, PERIOD_M1, from, to)}: the M1 bars of the arrived ticks, by server minute, from the
     * bid (the FX convention), whose open time is in {@code [fromS, toS]}; spread the smallest in points.
     */
    List<MqlRates> copyRatesM1(final long fromS, final long toS) {
        final double point = Math.pow(10, -digits);
        final TreeMap<Long, MqlRates> bars = new TreeMap<>();
        for (int i = 0; i < arrived; i++) {
            final MqlTick t = ticks.get(i);
            final long minute = Math.floorDiv(t.timeMsc(), 60_000L) * 60;
            final int spread = (int) Math.round((t.ask() - t.bid()) / point);
            bars.merge(
                    minute,
                    new MqlRates(minute, t.bid(), t.bid(), t.bid(), t.bid(), 1, spread),
                    (a, b) -> new MqlRates(
                            a.time(),
                            a.open(),
                            Math.max(a.high(), b.high()),
                            Math.min(a.low(), b.low()),
                            b.close(),
                            a.tickVolume() + 1,
                            Math.min(a.spread(), b.spread())));
        }
        return new ArrayList<>(bars.subMap(fromS, true, toS, true).values());
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
