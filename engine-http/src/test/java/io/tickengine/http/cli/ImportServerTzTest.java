package io.tickengine.http.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.Stores;
import io.tickengine.core.testsupport.Candles;
import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.core.time.ServerTimeZone;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code tick-engine import --server-tz} of an MT5 tick export that spans a daylight-saving switch: the real EURUSD
 * hour is moved so that its middle is the switch, written in the broker's server time as MT5 exports it, imported, and
 * its M1 candles compared with the UTC oracle moved by as much, on both sides of the switch.
 */
class ImportServerTzTest {
    private static final String FIXTURE = "EURUSD_20260713";
    /** The middle of the fixture's hour (12:00-13:00 UTC): put on the switch. */
    private static final long FIXTURE_MIDDLE_MSC =
            Instant.parse("2026-07-13T12:30:00Z").toEpochMilli();

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy.MM.dd");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy.MM.dd HH:mm:ss.SSS");

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @ParameterizedTest(name = "{0} at {1}")
    @CsvSource({
        "NY+7, 2026-03-08T07:00:00Z", // US spring: UTC+2 -> UTC+3
        "NY+7, 2026-11-01T06:00:00Z", // US autumn: UTC+3 -> UTC+2, the half hour after it repeats server times
        "Europe/Athens, 2026-03-29T01:00:00Z", // EU spring
        "Europe/Athens, 2026-10-25T01:00:00Z", // EU autumn
    })
    void shouldImportAnExportAcrossADaylightSavingSwitchIntoTheUtcCandles(final String zone, final String switchUtc)
            throws Exception {
        final long shiftMsc = Instant.parse(switchUtc).toEpochMilli() - FIXTURE_MIDDLE_MSC;
        final Path file = exportInServerTime(ServerTimeZone.parse(zone), shiftMsc);

        assertEquals(0, importFiles(file, "--server-tz", zone), output());

        try (CandleStore store = Stores.openStore(context())) {
            Candles.assertExpectedM1(store, FIXTURE, shiftMsc);
        }
    }

    @Test
    void shouldTakeTheServerTimeZoneFromTheConfigurationKey() throws Exception {
        final long shiftMsc = Instant.parse("2026-03-08T07:00:00Z").toEpochMilli() - FIXTURE_MIDDLE_MSC;
        final Path file = exportInServerTime(ServerTimeZone.parse("NY+7"), shiftMsc);

        assertEquals(0, importFiles(file, "--set", "server.tz=NY+7"), output());

        try (CandleStore store = Stores.openStore(context())) {
            Candles.assertExpectedM1(store, FIXTURE, shiftMsc);
        }
    }

    @Test
    void shouldKeepTheDeprecatedFixedOffsetWorkingWithAWarning() throws Exception {
        final Path file = exportInServerTime(ServerTimeZone.parse("UTC+3"), 0);

        assertEquals(0, importFiles(file, "--server-offset-minutes", "180"), output());

        try (CandleStore store = Stores.openStore(context())) {
            Candles.assertExpectedM1(store, FIXTURE, 0);
        }
        assertTrue(output().contains("--server-offset-minutes is deprecated"), output());
        assertTrue(output().contains("use --server-tz UTC+03:00"), output());
    }

    @Test
    void shouldRefuseAnUnknownZoneNamingItBeforeImportingAnything() throws Exception {
        final Path file = exportInServerTime(ServerTimeZone.UTC, 0);
        final ImportCommand command = new ImportCommand(
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        new CommandLine(command)
                .parseArgs(
                        "--data-dir", tmp.resolve("data").toString(), "--server-tz", "Mars/Olympus", file.toString());

        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, command::call);

        assertTrue(
                e.getMessage().startsWith("invalid --server-tz: unknown time zone [value=Mars/Olympus"),
                e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("data").resolve("journal")), "nothing imported");
    }

    /** The fixture's MT5 export with every tick moved by {@code shiftMsc} and stamped in {@code zone}'s time. */
    private Path exportInServerTime(final ServerTimeZone zone, final long shiftMsc) throws Exception {
        final List<String> lines = Files.readAllLines(TickFiles.dataDir().resolve(FIXTURE + "_mt5export.csv"));
        final List<String> moved = new ArrayList<>(List.of(lines.get(0)));
        for (final String line : lines.subList(1, lines.size())) {
            final String[] fields = line.split("\t", 3);
            final long utcMsc = LocalDateTime.parse(fields[0] + " " + fields[1], DATE_TIME)
                            .toInstant(ZoneOffset.UTC)
                            .toEpochMilli()
                    + shiftMsc;
            final LocalDateTime server =
                    LocalDateTime.ofInstant(Instant.ofEpochMilli(zone.toServerMsc(utcMsc)), ZoneOffset.UTC);
            moved.add(DATE.format(server) + "\t" + TIME.format(server) + "\t" + fields[2]);
        }
        return Files.write(tmp.resolve(FIXTURE.replace("20260713", "moved") + "_mt5export.csv"), moved);
    }

    /** Runs {@code import --data-dir TMP/data OPTIONS FILE} through picocli, capturing what it prints. */
    private int importFiles(final Path file, final String... options) {
        final List<String> args =
                new ArrayList<>(List.of("--data-dir", tmp.resolve("data").toString()));
        args.addAll(List.of(options));
        args.add(file.toString());
        final CommandLine cli = new CommandLine(new ImportCommand(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return cli.execute(args.toArray(new String[0]));
    }

    private EngineContext context() {
        return new EngineContext().set("data.dir", tmp.resolve("data").toString());
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }
}
