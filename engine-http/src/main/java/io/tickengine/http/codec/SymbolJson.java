package io.tickengine.http.codec;

import io.tickengine.core.symbol.SymbolSpec;
import io.tickengine.http.route.Responses;
import java.util.List;

/**
 * JSON of {@code GET /symbols}: every field of each entry, {@code null} when unknown. The request side is
 * {@link io.tickengine.core.symbol.SymbolJsonReader}.
 */
public final class SymbolJson {
    private SymbolJson() {}

    /** @return {@code [{…},…]} of the specs, every field present ({@code null} when unknown). */
    public static StringBuilder write(final List<SymbolSpec> specs) {
        final StringBuilder json = new StringBuilder(64 + specs.size() * 256).append('[');
        for (int i = 0; i < specs.size(); i++) {
            final SymbolSpec s = specs.get(i);
            json.append(i == 0 ? "{\"name\":" : ",{\"name\":");
            Responses.quote(json, s.name());
            json.append(",\"canonical\":");
            Responses.quote(json, s.canonical());
            json.append(",\"digits\":").append(s.digits());
            json.append(",\"point\":").append(s.point());
            json.append(",\"tick_size\":").append(Double.isNaN(s.tickSize()) ? "null" : Double.toString(s.tickSize()));
            json.append(",\"contract_size\":")
                    .append(Double.isNaN(s.contractSize()) ? "null" : Double.toString(s.contractSize()));
            string(json.append(",\"currency_base\":"), s.currencyBase());
            string(json.append(",\"currency_profit\":"), s.currencyProfit());
            string(json.append(",\"currency_margin\":"), s.currencyMargin());
            string(json.append(",\"description\":"), s.description());
            json.append('}');
        }
        return json.append(']');
    }

    private static void string(final StringBuilder json, final String value) {
        if (value == null) {
            json.append("null");
        } else {
            Responses.quote(json, value);
        }
    }
}
