package io.tickengine.core.symbol;

/**
 * One MetaTrader 5 symbol as the broker names it, and what the engine needs to know about it.
 *
 * @param name the broker's name ({@code EURUSD.m}).
 * @param canonical the name candles and ticks are stored under ({@code EURUSD}); equal to {@code name} when there is
 *     no suffix to map away.
 * @param digits {@code SYMBOL_DIGITS}, 0..10: prices read back are rounded to this many decimals.
 * @param point {@code SYMBOL_POINT}, {@code 10^-digits}: spreads read back are given in points of this size.
 * @param tickSize {@code SYMBOL_TRADE_TICK_SIZE}, or NaN when not sent.
 * @param contractSize {@code SYMBOL_TRADE_CONTRACT_SIZE}, or NaN when not sent.
 * @param currencyBase {@code SYMBOL_CURRENCY_BASE}, or {@code null}.
 * @param currencyProfit {@code SYMBOL_CURRENCY_PROFIT}, or {@code null}.
 * @param currencyMargin {@code SYMBOL_CURRENCY_MARGIN}, or {@code null}.
 * @param description {@code SYMBOL_DESCRIPTION}, or {@code null}.
 */
public record SymbolSpec(
        String name,
        String canonical,
        int digits,
        double point,
        double tickSize,
        double contractSize,
        String currencyBase,
        String currencyProfit,
        String currencyMargin,
        String description) {
    private static final double[] POWERS = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10};

    /** @return {@code price} rounded half-up to {@link #digits()} decimals; NaN stays NaN. */
    public double round(final double price) {
        if (Double.isNaN(price) || Double.isInfinite(price)) {
            return price;
        }
        final double scale = POWERS[digits];
        return Math.round(price * scale) / scale;
    }

    /** @return a spread in price units as a whole number of points ({@code MqlRates.spread}); -1 for NaN. */
    public long points(final double spread) {
        return Double.isNaN(spread) ? -1 : Math.round(spread / point);
    }

    /** @return {@code 10^-digits}, the point a symbol of {@code digits} decimals has. */
    public static double pointOf(final int digits) {
        return 1.0 / POWERS[digits];
    }
}
