package io.tickengine.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} and {@code --flag} command-line options, plus positional arguments. Not for the hot path. */
public final class Args {
    private final Map<String, String> options = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    /** Parses {@code args}; an option followed by another option (or nothing) is a flag with value "true". */
    public Args(final String[] args) {
        for (int i = 0; i < args.length; i++) {
            final String a = args[i];
            if (a.startsWith("--")) {
                final int eq = a.indexOf('=');
                if (eq > 0) {
                    options.put(a.substring(2, eq), a.substring(eq + 1));
                } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    options.put(a.substring(2), args[++i]);
                } else {
                    options.put(a.substring(2), "true");
                }
            } else {
                positional.add(a);
            }
        }
    }

    public String get(final String name, final String defaultValue) {
        return options.getOrDefault(name, defaultValue);
    }

    public String require(final String name) {
        final String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing option --" + name);
        }
        return value;
    }

    public int getInt(final String name, final int defaultValue) {
        final String value = options.get(name);
        return value == null ? defaultValue : Integer.parseInt(value.replace("_", ""));
    }

    public long getLong(final String name, final long defaultValue) {
        final String value = options.get(name);
        return value == null ? defaultValue : Long.parseLong(value.replace("_", ""));
    }

    public double getDouble(final String name, final double defaultValue) {
        final String value = options.get(name);
        return value == null ? defaultValue : Double.parseDouble(value);
    }

    public boolean has(final String name) {
        return options.containsKey(name);
    }

    public List<String> positional() {
        return positional;
    }
}
