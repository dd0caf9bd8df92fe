package io.tickengine.http;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * External programs the observability tests run (promtool, prometheus, chromium): found on the {@code PATH} or the
 * test fails, naming the Debian package to install. Never skipped: CI ({@code .ci/run}) installs them.
 */
final class Tools {
    private Tools() {}

    /**
     * @param debianPackage the package that ships the program.
     * @return the program's path.
     */
    static Path require(final String program, final String debianPackage) {
        final String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (final String dir : path.split(File.pathSeparator)) {
            final Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("'" + program + "' not found on PATH: install the Debian package '" + debianPackage
                + "' (apt-get install -y --no-install-recommends " + debianPackage + "); .ci/run does this in CI");
    }
}
