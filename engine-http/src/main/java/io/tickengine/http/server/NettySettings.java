package io.tickengine.http.server;

import java.util.Locale;
import java.util.Properties;

/** JVM-wide Netty settings that the executable puts in place before any Netty class initialises. */
public final class NettySettings {
    /** Netty's system property for the buffer leak detection level. */
    public static final String LEAK_DETECTION_LEVEL = "io.netty.leakDetection.level";
    /** The property's older name, which Netty still reads when the new one is not set. */
    static final String LEGACY_LEAK_DETECTION_LEVEL = "io.netty.leakDetectionLevel";

    private NettySettings() {}

    /**
     * Turns Netty's buffer leak detection off, unless its level is set. Netty's default samples buffers and records
     * a stack trace for each one sampled, on the request path; the check belongs in the tests, which run with
     * {@code -Dio.netty.leakDetection.level=paranoid}.
     *
     * @param properties the system properties ({@link System#getProperties()}) or a copy.
     * @return the level now in effect, lower case: {@code disabled}, or the one that was set.
     */
    public static String disableLeakDetectionUnlessSet(final Properties properties) {
        String level = properties.getProperty(LEAK_DETECTION_LEVEL);
        if (level == null) {
            level = properties.getProperty(LEGACY_LEAK_DETECTION_LEVEL);
        }
        if (level != null) {
            return level.trim().toLowerCase(Locale.ROOT);
        }
        properties.setProperty(LEAK_DETECTION_LEVEL, "disabled");
        return "disabled";
    }
}
