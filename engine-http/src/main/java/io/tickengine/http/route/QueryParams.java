package io.tickengine.http.route;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.tickengine.core.tick.NameTable;
import java.util.List;
import java.util.Map;

/** Typed access to query parameters, with errors that name the parameter. Not for the tick path. */
public final class QueryParams {
    /** A parameter is missing or malformed; the message names it. */
    public static final class BadParameter extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String parameter;

        BadParameter(final String parameter, final String message) {
            super(message, null, false, false);
            this.parameter = parameter;
        }

        /** @return the parameter's name. */
        public String parameter() {
            return parameter;
        }
    }

    private final Map<String, List<String>> parameters;

    public QueryParams(final String uri) {
        this.parameters = new QueryStringDecoder(uri).parameters();
    }

    /** @return the parameter, or {@code fallback} when absent. */
    public String string(final String name, final String fallback) {
        final List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? fallback : values.get(values.size() - 1);
    }

    /** @return the parameter; missing is an error. */
    public String required(final String name) {
        final String value = string(name, null);
        if (value == null || value.isEmpty()) {
            throw new BadParameter(name, "missing parameter " + name);
        }
        return value;
    }

    /**
     * @return the {@code symbol} parameter, checked as the engine checks names ({@link NameTable#isValid}), or
     *     {@code null} when absent and not required.
     */
    public String symbol(final boolean required) {
        final String symbol = required ? required("symbol") : string("symbol", null);
        if (symbol != null && !NameTable.isValid(symbol)) {
            throw new BadParameter("symbol", "invalid symbol: 1-32 of [A-Za-z0-9._#+-]");
        }
        return symbol;
    }

    /** @return the parameter as a long within [min, max], or {@code fallback} when absent. */
    public long longValue(final String name, final long fallback, final long min, final long max) {
        final String value = string(name, null);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            final long parsed = Long.parseLong(value);
            if (parsed < min || parsed > max) {
                throw new BadParameter(name, name + " out of range [min=" + min + ", max=" + max + "]");
            }
            return parsed;
        } catch (final NumberFormatException e) {
            throw new BadParameter(name, name + " is not an integer");
        }
    }
}
