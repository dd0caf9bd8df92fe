package io.tickengine.http;

import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the Prometheus text format into {@code name{label="value",...} -> value}, labels sorted by name, so a test
 * can look a series up by {@link #key}.
 */
final class PromText {
    private PromText() {}

    static Map<String, Double> parse(final String text) {
        final Map<String, Double> series = new TreeMap<>();
        for (final String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            final int space = line.lastIndexOf(' ');
            final String name = line.substring(0, space);
            final String value = line.substring(space + 1);
            series.put(canonical(name), Double.parseDouble(value.replace("+Inf", "Infinity")));
        }
        return series;
    }

    /** @return the key of a series: {@code key("x_total", "route", "/a", "code", "200")}. */
    static String key(final String name, final String... labels) {
        final TreeMap<String, String> sorted = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            sorted.put(labels[i], labels[i + 1]);
        }
        if (sorted.isEmpty()) {
            return name;
        }
        final StringBuilder key = new StringBuilder(name).append('{');
        sorted.forEach((k, v) -> key.append(k).append("=\"").append(v).append("\","));
        key.setLength(key.length() - 1);
        return key.append('}').toString();
    }

    private static String canonical(final String series) {
        final int brace = series.indexOf('{');
        if (brace < 0) {
            return series;
        }
        final String body = series.substring(brace + 1, series.length() - 1);
        final String[] pairs = body.isEmpty() ? new String[0] : body.split(",(?=[a-zA-Z_]+=\")");
        final String[] labels = new String[pairs.length * 2];
        for (int i = 0; i < pairs.length; i++) {
            final int eq = pairs[i].indexOf('=');
            labels[2 * i] = pairs[i].substring(0, eq);
            labels[2 * i + 1] = pairs[i].substring(eq + 2, pairs[i].length() - 1);
        }
        return key(series.substring(0, brace), labels);
    }
}
