package io.tickengine.core.tick;

/** MqlTick flag bits as MetaTrader 5 defines them. */
public final class TickFlags {
    public static final int BID = 2;
    public static final int ASK = 4;
    public static final int LAST = 8;
    public static final int VOLUME = 16;
    public static final int BUY = 32;
    public static final int SELL = 64;
    /** Every bit a valid flags value may have. */
    public static final int ALL = BID | ASK | LAST | VOLUME | BUY | SELL;

    private TickFlags() {}
}
