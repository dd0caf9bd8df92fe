package io.tickengine.core.candle;

/** Which tick price a symbol's bars are built from. */
public enum PriceSource {
    /** The MT5 convention for FX and CFDs. */
    BID,
    /** For exchange-traded symbols, whose bars follow trades. */
    LAST
}
