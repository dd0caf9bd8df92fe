package io.tickengine.core.candle.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.tickengine.core.candle.BarBuffer;
import io.tickengine.core.candle.BarValidator;
import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.tick.NameTable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Parses a {@code POST /ingest} body: a JSON object or array of bars
 * {@code {symbol, timeframe, time_msc, open, high, low, close, tick_volume, real_volume, spread}}, validating each
 * ({@link BarValidator}); all or nothing. Off the tick path: plain streaming Jackson, one instance per thread.
 * Shared by the engine's {@code /ingest} route and the edge agent, which checks a body the same way before storing it.
 */
public final class BarBatchParser {
    /** Why a body was refused: HTTP-ready ({@code status} 400, 413, or 422 for a full symbol table). */
    public record Failure(String message, int index, String field, int status) {
        Failure(final String message, final int index, final String field) {
            this(message, index, field, 400);
        }
    }

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final NameTable symbols;
    private final int maxBars;
    private final long sessionOffsetMsc;

    /**
     * The session offset of a parser that does not know the engine's (the edge agent): D1, W1 and MN1 open times are
     * then only checked to fall on a whole minute, and the engine checks them against its session when they arrive.
     */
    public static final long UNKNOWN_SESSION = Long.MIN_VALUE;

    /** @param sessionOffsetMsc the engine's D1/W1/MN1 session offset, or {@link #UNKNOWN_SESSION}. */
    public BarBatchParser(final NameTable symbols, final int maxBars, final long sessionOffsetMsc) {
        this.symbols = symbols;
        this.maxBars = maxBars;
        this.sessionOffsetMsc = sessionOffsetMsc;
    }

    /**
     * Fills {@code out} (cleared first) from the body.
     *
     * @return {@code null} on success, else why the body was refused.
     */
    public Failure parse(final InputStream body, final BarBuffer out, final long nowMsc) {
        out.clear();
        int index = -1;
        try (JsonParser p = JSON.createParser(body)) {
            final JsonToken first = p.nextToken();
            if (first == null) {
                return new Failure("empty body", -1, null);
            }
            final boolean array = first == JsonToken.START_ARRAY;
            if (!array && first != JsonToken.START_OBJECT) {
                return new Failure("expected a JSON object or array of bars", -1, null);
            }
            JsonToken token = array ? p.nextToken() : first;
            while (token != null && token != JsonToken.END_ARRAY) {
                index++;
                if (index >= maxBars) {
                    return new Failure("too many bars in one request [max=" + maxBars + "]", index, null, 413);
                }
                if (token != JsonToken.START_OBJECT) {
                    return new Failure("expected a bar object", index, null);
                }
                final Failure failure = bar(p, out, index, nowMsc);
                if (failure != null) {
                    return failure;
                }
                if (!array) {
                    break;
                }
                token = p.nextToken();
            }
            if (array && token == null) {
                return new Failure("unclosed array", index, null);
            }
            if (p.nextToken() != null) {
                return new Failure("unexpected content after the bars", index, null);
            }
        } catch (final JsonParseException e) {
            return new Failure("malformed JSON: " + e.getOriginalMessage(), index, null);
        } catch (final IOException e) {
            return new Failure("unreadable body: " + e.getMessage(), index, null);
        }
        return out.size() == 0 ? new Failure("no bar in the body", -1, null) : null;
    }

    private Failure bar(final JsonParser p, final BarBuffer out, final int index, final long nowMsc)
            throws IOException {
        String symbol = null;
        Timeframe timeframe = null;
        long time = Long.MIN_VALUE;
        double open = Double.NaN;
        double high = Double.NaN;
        double low = Double.NaN;
        double close = Double.NaN;
        long tickVolume = 0;
        double realVolume = 0;
        double spread = Double.NaN;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            final String field = p.currentName();
            final JsonToken value = p.nextToken();
            switch (field) {
                case "symbol" -> {
                    if (value != JsonToken.VALUE_STRING || !NameTable.isValid(p.getText())) {
                        return new Failure("invalid symbol: 1-32 of [A-Za-z0-9._#+-]", index, field);
                    }
                    symbol = p.getText();
                }
                case "timeframe" -> {
                    timeframe = value == JsonToken.VALUE_STRING ? Timeframe.parse(p.getText()) : null;
                    if (timeframe == null) {
                        return new Failure("unknown timeframe: M1..D1, W1 or MN1", index, field);
                    }
                }
                case "time_msc" -> {
                    if (value != JsonToken.VALUE_NUMBER_INT) {
                        return new Failure("not an integer", index, field);
                    }
                    time = p.getLongValue();
                }
                case "open", "high", "low", "close", "real_volume", "spread" -> {
                    if (value == JsonToken.VALUE_NULL && field.equals("spread")) {
                        continue;
                    }
                    if (value != JsonToken.VALUE_NUMBER_INT && value != JsonToken.VALUE_NUMBER_FLOAT) {
                        return new Failure("not a number", index, field);
                    }
                    final double d = p.getDoubleValue();
                    switch (field) {
                        case "open" -> open = d;
                        case "high" -> high = d;
                        case "low" -> low = d;
                        case "close" -> close = d;
                        case "real_volume" -> realVolume = d;
                        default -> spread = d;
                    }
                }
                case "tick_volume" -> {
                    if (value != JsonToken.VALUE_NUMBER_INT) {
                        return new Failure("not an integer", index, field);
                    }
                    tickVolume = p.getLongValue();
                }
                default -> p.skipChildren(); // unknown fields are ignored, as for ticks
            }
        }
        if (symbol == null) {
            return new Failure("missing field", index, "symbol");
        }
        if (timeframe == null) {
            return new Failure("missing field", index, "timeframe");
        }
        if (time == Long.MIN_VALUE) {
            return new Failure("missing field", index, "time_msc");
        }
        final boolean sessionKnown = sessionOffsetMsc != UNKNOWN_SESSION;
        final String bad = BarValidator.check(
                sessionKnown ? timeframe : Timeframe.M1,
                time,
                open,
                high,
                low,
                close,
                tickVolume,
                realVolume,
                spread,
                sessionKnown ? sessionOffsetMsc : 0,
                nowMsc);
        if (bad != null) {
            return new Failure(
                    bad.equals("time_msc")
                            ? "time out of range or not a bar open time of its timeframe"
                            : "out of range or inconsistent with the other prices",
                    index,
                    bad);
        }
        final int symbolId = symbols.intern(symbol);
        if (symbolId < 0) {
            return new Failure(
                    "symbol table full [limit=" + symbols.capacity() + ", setting=names.capacity]",
                    index,
                    "symbol",
                    422);
        }
        out.add(symbolId, timeframe, time, open, high, low, close, tickVolume, realVolume, spread);
        return null;
    }
}
