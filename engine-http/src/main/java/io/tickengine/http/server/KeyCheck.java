package io.tickengine.http.server;

import io.tickengine.core.security.ApiKeys;

/**
 * The API key check of one connection: the first key a client presents is digested and looked up
 * ({@link ApiKeys#authenticate}); later requests that present the same key reuse that result after a constant-time
 * comparison with it, so a client that keeps its connection open pays for one SHA-256, not one per request. A
 * different key is looked up again (and then remembered instead). Unknown keys are never remembered.
 *
 * <p>One instance per connection, event loop only.
 */
final class KeyCheck {
    private final ApiKeys keys;
    private String lastKey;
    private ApiKeys.Entry lastEntry;

    KeyCheck(final ApiKeys keys) {
        this.keys = keys;
    }

    /** @return the entry of the presented key, or {@code null} if the key is unknown. */
    ApiKeys.Entry authenticate(final String presented) {
        if (lastKey != null && constantTimeEquals(lastKey, presented)) {
            return lastEntry;
        }
        final ApiKeys.Entry entry = keys.authenticate(presented);
        if (entry != null) {
            lastKey = presented;
            lastEntry = entry;
        }
        return entry;
    }

    /**
     * Compares every character whatever the first difference, like {@link java.security.MessageDigest#isEqual}; only
     * a difference in length returns early, and length is no secret (it shows on the wire).
     */
    static boolean constantTimeEquals(final String expected, final String presented) {
        if (expected.length() != presented.length()) {
            return false;
        }
        int difference = 0;
        for (int i = 0; i < expected.length(); i++) {
            difference |= expected.charAt(i) ^ presented.charAt(i);
        }
        return difference == 0;
    }
}
