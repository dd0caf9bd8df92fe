package io.tickengine.core.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What an API key may do. */
public enum Scope {
    /** Post ticks and bars. */
    INGEST,
    /** Read candles, signals, views and metrics. */
    READ,
    /** Publish, lease and acknowledge trading signals. */
    SIGNALS,
    /** Everything, including administrative endpoints. */
    ADMIN;

    /** @return the scopes of a {@code scope+scope} list, e.g. {@code ingest+read}. */
    public static Set<Scope> parseList(final String list) {
        final EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (final String part : list.split("\\+")) {
            final String name = part.trim();
            if (name.isEmpty()) {
                continue;
            }
            try {
                scopes.add(valueOf(name.toUpperCase(Locale.ROOT)));
            } catch (final IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "unknown scope [scope=" + name + ", known=ingest, read, signals, admin]", e);
            }
        }
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("empty scope list [list=" + list + "]");
        }
        return scopes;
    }
}
