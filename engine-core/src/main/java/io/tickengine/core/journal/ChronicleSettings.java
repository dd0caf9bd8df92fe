package io.tickengine.core.journal;

/** JVM-wide Chronicle settings that must be in place before any Chronicle class initialises. */
public final class ChronicleSettings {
    private ChronicleSettings() {}

    /**
     * Turns Chronicle's usage analytics off. The artifact is also excluded from the build; this is the second
     * lock, should it ever come back through a transitive dependency.
     */
    public static void disableAnalytics() {
        System.setProperty("chronicle.analytics.disable", "true");
        // Chronicle announces itself on stdout unless told not to.
        System.setProperty("chronicle.announcer.disable", "true");
    }
}
