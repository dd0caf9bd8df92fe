package io.tickengine.core.symbol;

import io.tickengine.core.tick.NameTable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The checks of {@code POST /symbols} entries, one by one and against each other. */
public final class SymbolSpecs {
    /** Largest {@code digits}: MT5 allows no more. */
    public static final int MAX_DIGITS = 10;

    private static final Pattern CURRENCY = Pattern.compile("[A-Za-z0-9]{1,16}");
    private static final int MAX_DESCRIPTION = 256;
    /** How far a point may be from {@code 10^-digits}, relatively: MQL5 prints doubles with 8 significant digits. */
    private static final double POINT_TOLERANCE = 1e-6;

    private SymbolSpecs() {}

    /**
     * Checks every entry and that no two entries map to one canonical name with different digits.
     *
     * @throws InvalidSymbol naming the first entry and field at fault.
     */
    public static void check(final List<SymbolSpec> specs) throws InvalidSymbol {
        final Map<String, Integer> byName = new HashMap<>();
        final Map<String, Integer> byCanonical = new HashMap<>();
        for (int i = 0; i < specs.size(); i++) {
            final SymbolSpec spec = specs.get(i);
            check(spec, i);
            final Integer before = byName.putIfAbsent(spec.name(), i);
            if (before != null) {
                throw new InvalidSymbol(
                        "symbol listed twice [name=" + spec.name() + ", first=" + before + "]", i, "name");
            }
            final Integer other = byCanonical.putIfAbsent(spec.canonical(), i);
            if (other != null && specs.get(other).digits() != spec.digits()) {
                throw conflict(spec, specs.get(other));
            }
        }
    }

    /** @return the error for two broker names that map to one canonical name with different digits. */
    static InvalidSymbol conflict(final SymbolSpec spec, final SymbolSpec other) {
        return new InvalidSymbol(
                "two symbols map to one canonical name with different digits [canonical=" + spec.canonical() + ", name="
                        + spec.name() + ", digits=" + spec.digits() + ", other=" + other.name() + ", otherDigits="
                        + other.digits() + "]",
                -1,
                "digits");
    }

    private static void check(final SymbolSpec spec, final int i) throws InvalidSymbol {
        require(
                spec.name() != null && NameTable.isValid(spec.name()),
                i,
                "name",
                spec.name(),
                "1-32 of [A-Za-z0-9._#+-]");
        require(
                spec.canonical() != null && NameTable.isValid(spec.canonical()),
                i,
                "canonical",
                spec.canonical(),
                "1-32 of [A-Za-z0-9._#+-]");
        require(spec.digits() >= 0 && spec.digits() <= MAX_DIGITS, i, "digits", spec.digits(), "0..10");
        final double expected = SymbolSpec.pointOf(spec.digits());
        require(
                Double.isFinite(spec.point()) && Math.abs(spec.point() - expected) <= expected * POINT_TOLERANCE,
                i,
                "point",
                spec.point(),
                "10^-digits = " + expected);
        require(positiveOrNaN(spec.tickSize()), i, "tick_size", spec.tickSize(), "a positive number");
        require(positiveOrNaN(spec.contractSize()), i, "contract_size", spec.contractSize(), "a positive number");
        require(currency(spec.currencyBase()), i, "currency_base", spec.currencyBase(), "1-16 of [A-Za-z0-9]");
        require(currency(spec.currencyProfit()), i, "currency_profit", spec.currencyProfit(), "1-16 of [A-Za-z0-9]");
        require(currency(spec.currencyMargin()), i, "currency_margin", spec.currencyMargin(), "1-16 of [A-Za-z0-9]");
        require(
                spec.description() == null || spec.description().length() <= MAX_DESCRIPTION,
                i,
                "description",
                spec.description() == null ? null : spec.description().length() + " characters",
                "at most 256 characters");
    }

    private static boolean positiveOrNaN(final double value) {
        return Double.isNaN(value) || (Double.isFinite(value) && value > 0);
    }

    private static boolean currency(final String value) {
        return value == null || CURRENCY.matcher(value).matches();
    }

    private static void require(
            final boolean ok, final int index, final String field, final Object value, final String expected)
            throws InvalidSymbol {
        if (!ok) {
            throw new InvalidSymbol(
                    "invalid symbol [index=" + index + ", field=" + field + ", value=" + value + ", expected="
                            + expected + "]",
                    index,
                    field);
        }
    }
}
