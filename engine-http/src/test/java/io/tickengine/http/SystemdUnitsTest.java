package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every unit and timer in {@code ops/systemd} passes {@code systemd-analyze verify} without a word, and every service
 * rates at most 2.0 on {@code systemd-analyze security --offline=true}. Needs {@code systemd-analyze} (Debian package
 * {@code systemd}): skipped without it outside CI, failed in CI ({@code .ci/run} installs it).
 */
class SystemdUnitsTest {
    static final Path DIR = Path.of("..", "ops", "systemd");
    private static final Pattern EXPOSURE = Pattern.compile("Overall exposure level for (\\S+): (\\d+\\.\\d+)");

    @BeforeAll
    static void requireSystemdAnalyze() {
        if (!Files.isExecutable(Path.of("/usr/bin/systemd-analyze"))) {
            assertFalse(
                    "true".equals(System.getenv("CI")),
                    "systemd-analyze missing: install the Debian package 'systemd' (.ci/run does)");
            Assumptions.assumeTrue(false, "systemd-analyze missing (Debian package 'systemd'): skipped outside CI");
        }
    }

    @Test
    void shouldVerifyEveryUnitAndTimerCleanly() throws Exception {
        final List<String> units = units(".service", ".timer");
        assertTrue(units.contains("tick-engine.service"), units.toString());
        for (final String timer : List.of("backup", "maintain", "predict", "smoke")) {
            assertTrue(units.contains("tick-engine-" + timer + ".timer"), "timer for " + timer + ": " + units);
            assertTrue(units.contains("tick-engine-" + timer + ".service"), "service for " + timer + ": " + units);
        }
        for (final String unit : units) {
            final Result r = run("systemd-analyze", "verify", "./" + unit);
            assertEquals(0, r.code(), unit + ": " + r.output());
            assertEquals("", r.output().strip(), unit + " must verify without warnings");
        }
    }

    @Test
    void shouldRateEveryServiceAtMostTwoOnTheSecurityScale() throws Exception {
        for (final String unit : units(".service")) {
            final Result r = run("systemd-analyze", "security", "--offline=true", "./" + unit);
            assertEquals(0, r.code(), unit + ": " + r.output());
            final Matcher m = EXPOSURE.matcher(r.output());
            assertTrue(m.find(), unit + ": " + r.output());
            final double exposure = Double.parseDouble(m.group(2));
            assertTrue(exposure <= 2.0, unit + " exposure " + exposure + " > 2.0:\n" + r.output());
        }
    }

    @Test
    void shouldStopTheEngineGracefullyWithinTheDrainTimeout() throws Exception {
        final String service = Files.readString(DIR.resolve("tick-engine.service"), StandardCharsets.UTF_8);
        final Matcher stop = Pattern.compile("(?m)^TimeoutStopSec=(\\d+)$").matcher(service);
        assertTrue(stop.find(), "TimeoutStopSec set");
        // The engine drains for shutdown.timeout.ms (default 15 s) after SIGTERM: systemd must wait longer.
        assertTrue(Integer.parseInt(stop.group(1)) > 15, "TimeoutStopSec above the 15 s drain");
        for (final String line : List.of(
                "User=tick-engine",
                "EnvironmentFile=/etc/tick-engine/tick-engine.env",
                "Restart=on-failure",
                "KillSignal=SIGTERM")) {
            assertTrue(service.contains("\n" + line + "\n"), line);
        }
    }

    private static List<String> units(final String... suffixes) throws Exception {
        final List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (final Path f : files.sorted().toList()) {
                for (final String suffix : suffixes) {
                    if (f.getFileName().toString().endsWith(suffix)) {
                        names.add(f.getFileName().toString());
                    }
                }
            }
        }
        return names;
    }

    record Result(int code, String output) {}

    private static Result run(final String... command) throws Exception {
        final Process p = new ProcessBuilder(command)
                .directory(DIR.toFile())
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        return new Result(p.exitValue(), output);
    }
}
