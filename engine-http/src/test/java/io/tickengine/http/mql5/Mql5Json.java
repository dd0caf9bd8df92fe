package io.tickengine.http.mql5;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The JSON the EAs build ({@code mql5/Include/TickEngine/Json.mqh}), reproduced in Java: same field order, no
 * spaces, numbers as MQL5's {@code DoubleToString(value, digits)} writes them (fixed decimals, rounded half up).
 */
final class Mql5Json {
    /** {@code TE_TICK_FLAGS}: TICK_FLAG_BID, ASK, LAST, VOLUME, BUY and SELL. */
    static final int TICK_FLAGS = 2 | 4 | 8 | 16 | 32 | 64;

    private Mql5Json() {}

    /** MQL5's {@code DoubleToString(value, digits)}. */
    static String doubleToString(final double value, final int digits) {
        return BigDecimal.valueOf(value).setScale(digits, RoundingMode.HALF_UP).toPlainString();
    }

    /** {@code TeJsonTick}: timeMscUtc already converted from server time. */
    static String tick(
            final String symbol,
            final long timeMscUtc,
            final double bid,
            final double ask,
            final double last,
            final long volume,
            final double volumeReal,
            final int flags,
            final int digits,
            final String source,
            final long seq,
            final int serverOffsetS) {
        return "{\"symbol\":\"" + symbol + "\""
                + ",\"time_msc\":" + timeMscUtc
                + ",\"bid\":" + doubleToString(bid, digits)
                + ",\"ask\":" + doubleToString(ask, digits)
                + ",\"last\":" + doubleToString(last, digits)
                + ",\"volume\":" + volume
                + ",\"volume_real\":" + doubleToString(volumeReal, 8)
                + ",\"flags\":" + (flags & TICK_FLAGS)
                + ",\"source\":\"" + source + "\""
                + ",\"seq\":" + seq
                + ",\"server_offset_s\":" + serverOffsetS + "}";
    }

    /** {@code TeJsonBar}. */
    static String bar(
            final String symbol,
            final String timeframe,
            final long openTimeMscUtc,
            final double open,
            final double high,
            final double low,
            final double close,
            final long tickVolume,
            final long realVolume,
            final int spreadPoints,
            final int digits,
            final double point) {
        return "{\"symbol\":\"" + symbol + "\""
                + ",\"timeframe\":\"" + timeframe + "\""
                + ",\"time_msc\":" + openTimeMscUtc
                + ",\"open\":" + doubleToString(open, digits)
                + ",\"high\":" + doubleToString(high, digits)
                + ",\"low\":" + doubleToString(low, digits)
                + ",\"close\":" + doubleToString(close, digits)
                + ",\"tick_volume\":" + tickVolume
                + ",\"real_volume\":" + realVolume
                + ",\"spread\":" + doubleToString(spreadPoints * point, digits) + "}";
    }

    /** {@code TeJsonStringOrNull}. */
    static String stringOrNull(final String value, final int maxLength) {
        return value.isEmpty()
                ? "null"
                : "\""
                        + value.substring(0, Math.min(maxLength, value.length()))
                                .replace("\\", "\\\\")
                                .replace("\"", "\\\"")
                        + "\"";
    }

    /** {@code TeJsonPositiveOrNull}. */
    static String positiveOrNull(final double value, final int digits) {
        return value > 0 ? doubleToString(value, digits) : "null";
    }

    /** {@code TeJsonSymbol}: a terminal's symbol under its canonical name, for {@code POST /symbols}. */
    static String symbol(final Terminal terminal, final String canonical) {
        final int digits = terminal.digits();
        return "{\"name\":\"" + TickCollectorSimulator.safeSymbol(terminal.symbol()) + "\""
                + ",\"canonical\":\"" + canonical + "\""
                + ",\"digits\":" + digits
                + ",\"point\":" + doubleToString(Math.pow(10, -digits), digits)
                + ",\"tick_size\":" + positiveOrNull(terminal.tickSize, digits)
                + ",\"contract_size\":" + positiveOrNull(terminal.contractSize, 2)
                + ",\"currency_base\":" + stringOrNull(terminal.currencyBase, 16)
                + ",\"currency_profit\":" + stringOrNull(terminal.currencyProfit, 16)
                + ",\"currency_margin\":" + stringOrNull(terminal.currencyMargin, 16)
                + ",\"description\":" + stringOrNull(terminal.description, 256) + "}";
    }

    /** {@code TeJsonAck}. */
    static String ack(
            final String signalId,
            final String leaseId,
            final String consumer,
            final String result,
            final long ticket,
            final double fillPrice,
            final int retcode,
            final String message) {
        return "{\"signal_id\":\"" + signalId + "\""
                + ",\"lease_id\":\"" + leaseId + "\""
                + ",\"consumer\":\"" + consumer + "\""
                + ",\"result\":\"" + result + "\""
                + ",\"ticket\":" + ticket
                + ",\"fill_price\":" + (fillPrice > 0 ? doubleToString(fillPrice, 8) : "null")
                + ",\"retcode\":" + retcode
                + ",\"message\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    }
}
