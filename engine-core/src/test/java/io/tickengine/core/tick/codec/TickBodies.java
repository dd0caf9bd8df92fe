package io.tickengine.core.tick.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.agrona.concurrent.UnsafeBuffer;

/** Builds request bodies for the parser tests. */
final class TickBodies {
    /** The clock the tests parse with: 2027-01-15, after every fixture tick. */
    static final long NOW_MSC = 1_800_000_000_000L;
    /** A plausible tick time (2026-07-13). */
    static final long TIME_MSC = 1_783_944_000_093L;
    /** The fields of a valid tick, in JSON with single quotes for readability (see {@link #quotes}). */
    static final String VALID_FIELDS = "'symbol':'EURUSD','time_msc':1783944000093,'bid':1.14273,'ask':1.14277";

    private TickBodies() {}

    /** @return {@code text} with single quotes turned into double quotes, so JSON reads well in Java strings. */
    static String quotes(final String text) {
        return text.replace('\'', '"');
    }

    /** @return a valid tick object with {@code extra} fields (single-quoted) appended. */
    static String tick(final String extra) {
        return quotes("{" + VALID_FIELDS + (extra.isEmpty() ? "" : "," + extra) + "}");
    }

    /** @return a tick object with bid set to the raw text {@code bid}. */
    static String tickWithBid(final String bid) {
        return quotes("{'symbol':'EURUSD','time_msc':1783944000093,'bid':" + bid + ",'ask':1.14277}");
    }

    /** @return the concatenation of strings (as UTF-8) and byte arrays. */
    static byte[] bytes(final Object... parts) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final Object part : parts) {
            final byte[] b = part instanceof byte[] ? (byte[]) part : ((String) part).getBytes(StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
        }
        return out.toByteArray();
    }

    /** @return the given byte values, for bodies that are not valid UTF-8. */
    static byte[] octets(final int... values) {
        final byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static UnsafeBuffer buffer(final byte[] body) {
        return new UnsafeBuffer(body);
    }

    static UnsafeBuffer buffer(final String body) {
        return new UnsafeBuffer(body.getBytes(StandardCharsets.UTF_8));
    }
}
