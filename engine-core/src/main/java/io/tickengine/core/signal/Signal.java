package io.tickengine.core.signal;

/**
 * A trading signal as published: what to trade, how much, within which prices, until when.
 *
 * @param side {@code buy}, {@code sell} or {@code close}.
 * @param priceMin do not fill below this price; NaN for no limit (likewise {@code priceMax}, {@code sl},
 *     {@code tp}).
 * @param payload extra JSON from the publisher, or {@code null}.
 */
public record Signal(
        String signalId,
        String symbol,
        String side,
        double size,
        double priceMin,
        double priceMax,
        double sl,
        double tp,
        long validUntilMsc,
        String modelId,
        String payload,
        long createdAtMsc) {}
