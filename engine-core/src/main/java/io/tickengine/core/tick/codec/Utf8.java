package io.tickengine.core.tick.codec;

/** Validation of UTF-8 multi-byte sequences, as RFC 3629 defines them (no overlong forms, no surrogates). */
final class Utf8 {
    /** Returned by {@link #skipSequence} for a malformed sequence. */
    static final int MALFORMED = -1;

    private Utf8() {}

    /**
     * Checks the multi-byte sequence whose lead byte is {@code bytes[index]} (a byte {@code >= 0x80}).
     *
     * @return the index after the sequence, or {@link #MALFORMED} if it is not well-formed UTF-8 or runs past
     *     {@code limit}.
     */
    static int skipSequence(final byte[] bytes, final int index, final int limit) {
        final int lead = bytes[index] & 0xFF;
        final int continuations;
        // The second byte's range is narrower after some lead bytes: that is what rules out overlong encodings
        // (E0, F0), UTF-16 surrogates (ED) and code points above U+10FFFF (F4).
        int low = 0x80;
        int high = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            continuations = 1;
        } else if (lead == 0xE0) {
            continuations = 2;
            low = 0xA0;
        } else if (lead == 0xED) {
            continuations = 2;
            high = 0x9F;
        } else if (lead >= 0xE1 && lead <= 0xEF) {
            continuations = 2;
        } else if (lead == 0xF0) {
            continuations = 3;
            low = 0x90;
        } else if (lead >= 0xF1 && lead <= 0xF3) {
            continuations = 3;
        } else if (lead == 0xF4) {
            continuations = 3;
            high = 0x8F;
        } else {
            return MALFORMED;
        }
        if (index + continuations >= limit) {
            return MALFORMED;
        }
        final int second = bytes[index + 1] & 0xFF;
        if (second < low || second > high) {
            return MALFORMED;
        }
        for (int i = index + 2, end = index + continuations; i <= end; i++) {
            if ((bytes[i] & 0xC0) != 0x80) {
                return MALFORMED;
            }
        }
        return index + continuations + 1;
    }
}
