package io.tickengine.http.route;

import io.tickengine.core.symbol.SymbolSpec;

/** Prices as the read endpoints print them: rounded to the symbol's digits when {@code POST /symbols} told them. */
final class Prices {
    private Prices() {}

    /** @param spec the symbol's metadata, or {@code null} for the stored value as it is. */
    static double rounded(final SymbolSpec spec, final double price) {
        return spec == null ? price : spec.round(price);
    }
}
