package io.tickengine.http.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.util.ResourceLeakDetector;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The executable's Netty leak detection: off unless the user sets a level; the tests' own level stays in force. */
class NettySettingsTest {
    @Test
    void shouldDisableLeakDetectionWhenNoLevelIsSet() {
        final Properties properties = new Properties();

        assertEquals("disabled", NettySettings.disableLeakDetectionUnlessSet(properties));
        assertEquals("disabled", properties.getProperty(NettySettings.LEAK_DETECTION_LEVEL));
        assertEquals(
                ResourceLeakDetector.Level.DISABLED,
                ResourceLeakDetector.Level.valueOf(properties
                        .getProperty(NettySettings.LEAK_DETECTION_LEVEL)
                        .toUpperCase(java.util.Locale.ROOT)),
                "a value Netty reads");
    }

    @Test
    void shouldKeepALevelTheUserSet() {
        final Properties properties = new Properties();
        properties.setProperty(NettySettings.LEAK_DETECTION_LEVEL, "ADVANCED");

        assertEquals("advanced", NettySettings.disableLeakDetectionUnlessSet(properties));
        assertEquals("ADVANCED", properties.getProperty(NettySettings.LEAK_DETECTION_LEVEL));
    }

    @Test
    void shouldKeepALevelSetUnderTheOlderPropertyName() {
        final Properties properties = new Properties();
        properties.setProperty(NettySettings.LEGACY_LEAK_DETECTION_LEVEL, "paranoid");

        assertEquals("paranoid", NettySettings.disableLeakDetectionUnlessSet(properties));
        assertNull(properties.getProperty(NettySettings.LEAK_DETECTION_LEVEL), "Netty reads the older name then");
    }

    @Test
    void shouldLeaveTheTestJvmAtTheLevelTheBuildSets() {
        // The build runs the tests with -Dio.netty.leakDetection.level=paranoid; the setting never lowers it.
        final Properties copy = new Properties();
        copy.putAll(System.getProperties());

        assertEquals("paranoid", NettySettings.disableLeakDetectionUnlessSet(copy));
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel());
    }
}
