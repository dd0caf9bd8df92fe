package io.tickengine.http.importer;

import static io.tickengine.http.importer.ImportFiles.readBars;
import static io.tickengine.http.importer.ImportFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.testsupport.TickFiles;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class BarFileReaderTest {
    static final List<String> FIXTURES = TickFiles.FIXTURES;

    private static final String HEADER = "<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>";
    private static final String DAILY_HEADER = "<DATE>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>";
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy.MM.dd\tHH:mm:ss");

    @TempDir
    Path dir;

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void shouldReadBackMt5BarExportOfExpectedCandles(final String fixture) throws Exception {
        final List<TickFiles.Candle> expected = TickFiles.expectedM1(fixture);
        final String symbol = expected.get(0).symbol();
        final Path file = writeExport(symbol + "_M1_" + fixture.substring(fixture.indexOf('_') + 1) + ".csv", 0);

        final List<ImportedBar> bars = readBars(file, ImportOptions.defaults());

        assertEquals(expectedBars(expected), bars);
    }

    @Test
    void shouldShiftServerTimeToUtc() throws Exception {
        final List<TickFiles.Candle> expected = TickFiles.expectedM1("EURUSD_20260713");
        final Path file = writeExport("EURUSD_M1_202607131200_202607131300.csv", 180);

        final List<ImportedBar> bars = readBars(file, ImportOptions.defaults().withServerOffsetMinutes(180));

        assertEquals(expectedBars(expected), bars);
    }

    @Test
    void shouldInferTimeframeFromSmallestGapBetweenBars() throws Exception {
        final Path file = write(
                dir,
                "EURUSD_history.csv",
                HEADER,
                "2026.07.13\t12:00:00\t1.1\t1.2\t1.0\t1.1\t10\t0\t3",
                "2026.07.13\t13:00:00\t1.1\t1.2\t1.0\t1.1\t10\t0\t3",
                "2026.07.13\t13:15:00\t1.1\t1.2\t1.0\t1.1\t10\t0\t3",
                "2026.07.13\t13:45:00\t1.1\t1.2\t1.0\t1.1\t10\t0\t3");

        try (BarFileReader reader = BarFileReader.open(file, ImportOptions.defaults(), ImportFiles.NOW_MSC)) {
            assertEquals(Timeframe.M15, reader.timeframe());
            assertEquals("EURUSD", reader.symbol());
        }
    }

    @Test
    void shouldTakeTimeframeFromChartStyleFileName() throws Exception {
        final Path file = write(dir, "GBPUSD,H4.csv", HEADER, "2026.07.13\t12:00:00\t1.3\t1.4\t1.2\t1.35\t10\t0\t3");

        final List<ImportedBar> bars = readBars(file, ImportOptions.defaults());

        assertEquals(Timeframe.H4, bars.get(0).timeframe());
        assertEquals("GBPUSD", bars.get(0).symbol());
    }

    @Test
    void shouldPreferTimeframeAndSymbolOfOptions() throws Exception {
        final Path file = write(dir, "EURUSD_M1_x.csv", HEADER, "2026.07.13\t12:00:00\t1.1\t1.2\t1.0\t1.1\t10\t0\t3");

        final List<ImportedBar> bars = readBars(
                file, ImportOptions.defaults().withTimeframe(Timeframe.H1).withSymbol("EURUSD.pro"));

        assertEquals(Timeframe.H1, bars.get(0).timeframe());
        assertEquals("EURUSD.pro", bars.get(0).symbol());
    }

    @Test
    void shouldFailWhenTimeframeCannotBeInferred() throws Exception {
        final Path file = write(dir, "EURUSD_x.csv", HEADER, "2026.07.13\t12:00:00\t1.1\t1.2\t1.0\t1.1\t10\t0\t3");

        final ImportException e = assertThrows(ImportException.class, () -> readBars(file, ImportOptions.defaults()));

        assertEquals("timeframe", e.field());
        assertTrue(e.getMessage().startsWith("no timeframe [file=EURUSD_x.csv, field=timeframe"), e.getMessage());
    }

    @Test
    void shouldReadDailyBarsWithoutTimeColumnAtBrokerMidnight() throws Exception {
        final Path file = write(
                dir,
                "EURUSD_D1_x.csv",
                DAILY_HEADER,
                "2026.07.13\t1.14\t1.15\t1.13\t1.145\t90000\t0\t5",
                "2026.07.14\t1.145\t1.16\t1.14\t1.155\t95000\t0\t4");
        final ImportOptions utcPlus2 =
                ImportOptions.defaults().withServerOffsetMinutes(120).withSessionOffsetMinutes(120);

        final List<ImportedBar> bars = readBars(file, utcPlus2);

        assertEquals(
                List.of(
                        new ImportedBar(
                                "EURUSD",
                                Timeframe.D1,
                                Instant.parse("2026-07-12T22:00:00Z").toEpochMilli(),
                                1.14,
                                1.15,
                                1.13,
                                1.145,
                                90_000,
                                0,
                                5),
                        new ImportedBar(
                                "EURUSD",
                                Timeframe.D1,
                                Instant.parse("2026-07-13T22:00:00Z").toEpochMilli(),
                                1.145,
                                1.16,
                                1.14,
                                1.155,
                                95_000,
                                0,
                                4)),
                bars);
    }

    @Test
    void shouldInferDailyTimeframeOfFileWithoutTimeColumn() throws Exception {
        final Path file = write(
                dir,
                "EURUSD_daily.csv",
                DAILY_HEADER,
                "2026.07.10\t1.14\t1.15\t1.13\t1.145\t90000\t0\t5",
                "2026.07.13\t1.14\t1.15\t1.13\t1.145\t90000\t0\t5",
                "2026.07.14\t1.145\t1.16\t1.14\t1.155\t95000\t0\t4");

        try (BarFileReader reader = BarFileReader.open(file, ImportOptions.defaults(), ImportFiles.NOW_MSC)) {
            assertEquals(Timeframe.D1, reader.timeframe());
        }
    }

    @Test
    void shouldRejectHighBelowLow() throws Exception {
        final Path file = write(
                dir,
                "EURUSD_M1_x.csv",
                HEADER,
                "2026.07.13\t12:00:00\t1.1\t1.2\t1.0\t1.1\t10\t0\t3",
                "2026.07.13\t12:01:00\t1.1\t1.0\t1.2\t1.1\t10\t0\t3");

        final ImportException e = assertThrows(ImportException.class, () -> readBars(file, ImportOptions.defaults()));

        assertEquals(
                "bad bar [file=EURUSD_M1_x.csv, line=3, field=high, value=1.0, reason=below open or close]",
                e.getMessage());
    }

    @Test
    void shouldRejectLowAboveClose() throws Exception {
        final Path file = write(dir, "EURUSD_M1_x.csv", HEADER, "2026.07.13\t12:00:00\t1.1\t1.2\t1.15\t1.12\t10\t0\t3");

        final ImportException e = assertThrows(ImportException.class, () -> readBars(file, ImportOptions.defaults()));

        assertEquals("low", e.field());
    }

    @Test
    void shouldRejectBarTimeNotAlignedToTimeframe() throws Exception {
        final Path file = write(dir, "EURUSD_M5_x.csv", HEADER, "2026.07.13\t12:03:00\t1.1\t1.2\t1.0\t1.1\t10\t0\t3");

        final ImportException e = assertThrows(ImportException.class, () -> readBars(file, ImportOptions.defaults()));

        assertEquals(
                "bad bar [file=EURUSD_M5_x.csv, line=2, field=time, value=2026.07.13 12:03:00, "
                        + "reason=not the open time of a M5 bar [sessionOffsetMinutes=0]]",
                e.getMessage());
    }

    @Test
    void shouldRejectDailyBarOffTheSessionStart() throws Exception {
        final Path file = write(dir, "EURUSD_D1_x.csv", DAILY_HEADER, "2026.07.13\t1.14\t1.15\t1.13\t1.145\t9\t0\t5");

        final ImportException e = assertThrows(
                ImportException.class,
                () -> readBars(file, ImportOptions.defaults().withSessionOffsetMinutes(120)));

        assertEquals("date", e.field());
        assertEquals(2, e.line());
    }

    @Test
    void shouldNameFileLineAndFieldOfBadBarValues() throws Exception {
        final Path file = write(
                dir,
                "EURUSD_M1_x.csv",
                HEADER,
                "2026.07.13\t12:00:00\tx\t1.2\t1.0\t1.1\t10\t0\t3",
                "2026.13.13\t12:00:00\t1.1\t1.2\t1.0\t1.1\t10\t0\t3",
                "2026.07.13\t12:00\t1.1\t1.2\t1.0\t1.1\t10\t0",
                "2026.07.13\t12:00:00\t0\t1.2\t1.0\t1.1\t10\t0\t3",
                "2026.07.13\t12:00:00\t1.1\t1.2\t1.0\t1.1\t-1\t0\t3",
                "2026.07.13\t12:00:00\t1.1\t1.2\t1.0\t1.1\t10\t-5\t3",
                "2026.07.13\t12:00:00\t1.1\t1.2\t1.0\t1.1\t10\t0\t3");
        final List<String> errors = new ArrayList<>();

        try (BarFileReader reader = BarFileReader.open(file, ImportOptions.defaults(), ImportFiles.NOW_MSC)) {
            while (true) {
                try {
                    if (reader.next() == null) {
                        break;
                    }
                } catch (final ImportException e) {
                    errors.add(e.line() + ":" + e.field());
                }
            }
            assertEquals(1, reader.barsRead());
        }

        assertEquals(List.of("2:open", "3:date", "4:spread", "5:open", "6:tickvol", "7:vol"), errors);
    }

    @Test
    void shouldRejectUnknownBarHeader() throws Exception {
        final Path file = write(
                dir,
                "EURUSD_M1_x.csv",
                "<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKS>",
                "2026.07.13\t12:00:00\t1.1\t1.2\t1.0\t1.1\t10");

        final ImportException e = assertThrows(ImportException.class, () -> readBars(file, ImportOptions.defaults()));

        assertEquals(
                "bad header [file=EURUSD_M1_x.csv, line=1, value=<TICKS>, reason=unknown column [column=7]]",
                e.getMessage());
    }

    @Test
    void shouldRefuseTickFileAsBars() throws Exception {
        final ImportException e = assertThrows(
                ImportException.class,
                () -> BarFileReader.open(
                        ImportFiles.fixture("EURUSD_20260713_mt5export.csv"),
                        ImportOptions.defaults(),
                        ImportFiles.NOW_MSC));

        assertTrue(e.getMessage().startsWith("not a bar file [file=EURUSD_20260713_mt5export.csv, line=1"));
    }

    @Test
    void shouldReturnNullAtEndOfFile() throws Exception {
        final Path file = write(dir, "EURUSD_M1_x.csv", HEADER);

        try (BarFileReader reader = BarFileReader.open(file, ImportOptions.defaults(), ImportFiles.NOW_MSC)) {
            assertNull(reader.next());
        }
    }

    /** Writes the expected M1 candles of EURUSD or BTCUSD as MT5's "Export bars" does, in server time. */
    private Path writeExport(final String name, final int serverOffsetMinutes) throws Exception {
        final String fixture = name.startsWith("EURUSD") ? "EURUSD_20260713" : "BTCUSD_20230220";
        final DateTimeFormatter serverTime = DATE_TIME.withZone(ZoneOffset.ofTotalSeconds(serverOffsetMinutes * 60));
        final List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        for (final TickFiles.Candle c : TickFiles.expectedM1(fixture)) {
            lines.add(String.join(
                    "\t",
                    serverTime.format(Instant.ofEpochMilli(c.openTimeMsc())),
                    Double.toString(c.open()),
                    Double.toString(c.high()),
                    Double.toString(c.low()),
                    Double.toString(c.close()),
                    Long.toString(c.tickVolume()),
                    "0",
                    "12"));
        }
        return write(dir, name, lines.toArray(String[]::new));
    }

    private static List<ImportedBar> expectedBars(final List<TickFiles.Candle> candles) {
        final List<ImportedBar> bars = new ArrayList<>();
        for (final TickFiles.Candle c : candles) {
            bars.add(new ImportedBar(
                    c.symbol(),
                    Timeframe.parse(c.timeframe()),
                    c.openTimeMsc(),
                    c.open(),
                    c.high(),
                    c.low(),
                    c.close(),
                    c.tickVolume(),
                    0,
                    12));
        }
        return bars;
    }
}
