package io.tickengine.core.symbol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the body of {@code POST /symbols}: one object or an array of them, with the fields {@code name},
 * {@code canonical} (default: {@code name}), {@code digits}, {@code point}, {@code tick_size}, {@code contract_size},
 * {@code currency_base}, {@code currency_profit}, {@code currency_margin}, {@code description}. Strict: an unknown
 * field or a wrong type is an error naming index and field. Shared by the engine and the edge agent, which checks an
 * entry the same way before passing it on.
 */
public final class SymbolJsonReader {
    /** Symbols one request may send. */
    public static final int MAX_SYMBOLS = 10_000;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private SymbolJsonReader() {}

    /** Reads {@code POST /symbols}; checks types only ({@link SymbolSpecs} the values). */
    public static List<SymbolSpec> read(final InputStream body) throws InvalidSymbol {
        final List<SymbolSpec> specs = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body)) {
            final JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT && first != JsonToken.START_ARRAY) {
                throw new InvalidSymbol("expected a symbol object or an array of them", -1, null);
            }
            final boolean array = first == JsonToken.START_ARRAY;
            JsonToken t = array ? p.nextToken() : first;
            while (t != JsonToken.END_ARRAY) {
                if (t != JsonToken.START_OBJECT) {
                    throw new InvalidSymbol("expected a symbol object", specs.size(), null);
                }
                if (specs.size() == MAX_SYMBOLS) {
                    throw new InvalidSymbol(
                            "too many symbols in one request [max=" + MAX_SYMBOLS + "]", specs.size(), null);
                }
                specs.add(readOne(p, specs.size()));
                if (!array) {
                    break;
                }
                t = p.nextToken();
                if (t == null) {
                    throw new InvalidSymbol("unclosed array", specs.size(), null);
                }
            }
            if (p.nextToken() != null) {
                throw new InvalidSymbol("unexpected content after the symbols", -1, null);
            }
        } catch (final JsonParseException e) {
            throw new InvalidSymbol("malformed JSON: " + e.getOriginalMessage(), specs.size(), null);
        } catch (final IOException e) {
            throw new InvalidSymbol("unreadable body: " + e.getMessage(), specs.size(), null);
        }
        if (specs.isEmpty()) {
            throw new InvalidSymbol("no symbol in the body", -1, null);
        }
        return specs;
    }

    private static SymbolSpec readOne(final JsonParser p, final int index) throws IOException, InvalidSymbol {
        String name = null;
        String canonical = null;
        int digits = Integer.MIN_VALUE;
        double point = Double.NaN;
        double tickSize = Double.NaN;
        double contractSize = Double.NaN;
        String base = null;
        String profit = null;
        String margin = null;
        String description = null;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            final String field = p.currentName();
            final JsonToken v = p.nextToken();
            switch (field) {
                case "name" -> name = text(p, v, index, field);
                case "canonical" -> canonical = text(p, v, index, field);
                case "digits" -> {
                    if (v != JsonToken.VALUE_NUMBER_INT) {
                        throw new InvalidSymbol("expected an integer", index, field);
                    }
                    final long value = p.getLongValue();
                    digits = (int) Math.max(-1, Math.min(value, Integer.MAX_VALUE));
                }
                case "point" -> point = number(p, v, index, field);
                case "tick_size" -> tickSize = number(p, v, index, field);
                case "contract_size" -> contractSize = number(p, v, index, field);
                case "currency_base" -> base = text(p, v, index, field);
                case "currency_profit" -> profit = text(p, v, index, field);
                case "currency_margin" -> margin = text(p, v, index, field);
                case "description" -> description = text(p, v, index, field);
                default -> throw new InvalidSymbol("unknown field", index, field);
            }
        }
        if (name == null) {
            throw new InvalidSymbol("missing field", index, "name");
        }
        if (digits == Integer.MIN_VALUE) {
            throw new InvalidSymbol("missing field", index, "digits");
        }
        if (Double.isNaN(point)) {
            throw new InvalidSymbol("missing field", index, "point");
        }
        return new SymbolSpec(
                name,
                canonical == null || canonical.isEmpty() ? name : canonical,
                digits,
                point,
                tickSize,
                contractSize,
                emptyAsNull(base),
                emptyAsNull(profit),
                emptyAsNull(margin),
                emptyAsNull(description));
    }

    private static String emptyAsNull(final String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static String text(final JsonParser p, final JsonToken v, final int index, final String field)
            throws IOException, InvalidSymbol {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v != JsonToken.VALUE_STRING) {
            throw new InvalidSymbol("expected a string", index, field);
        }
        return p.getText();
    }

    private static double number(final JsonParser p, final JsonToken v, final int index, final String field)
            throws IOException, InvalidSymbol {
        if (v == JsonToken.VALUE_NULL) {
            return Double.NaN;
        }
        if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new InvalidSymbol("expected a number", index, field);
        }
        return p.getDoubleValue();
    }
}
