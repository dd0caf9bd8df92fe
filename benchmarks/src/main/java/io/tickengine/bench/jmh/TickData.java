package io.tickengine.bench.jmh;

import io.tickengine.bench.load.TickStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

/** The ticks the suites use: the real files when present (as the load generator), else a generated stream. */
final class TickData {
    static final long BASE_MSC =
            LocalDate.of(2002, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();

    private TickData() {}

    static TickStream stream() {
        final Path dir = BenchJvm.tickDir();
        if (dir == null) {
            return TickStream.generated(100_000, 8, BASE_MSC, 42);
        }
        try (Stream<Path> files = Files.list(dir)) {
            final List<Path> real = files.filter(f -> f.getFileName().toString().endsWith("_dukascopy.csv"))
                    .sorted()
                    .toList();
            return real.isEmpty()
                    ? TickStream.generated(100_000, 8, BASE_MSC, 42)
                    : TickStream.fromFiles(real, BASE_MSC);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
