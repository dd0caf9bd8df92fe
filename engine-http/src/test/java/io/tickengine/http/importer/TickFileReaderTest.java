package io.tickengine.http.importer;

import static io.tickengine.http.importer.ImportFiles.NOW_MSC;
import static io.tickengine.http.importer.ImportFiles.fixture;
import static io.tickengine.http.importer.ImportFiles.readTicks;
import static io.tickengine.http.importer.ImportFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.core.tick.TickFlags;
import io.tickengine.http.importer.ImportFiles.Tick;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class TickFileReaderTest {
    static final List<String> FIXTURES = TickFiles.FIXTURES;

    private static final String MT5_HEADER = "<DATE>\t<TIME>\t<BID>\t<ASK>\t<LAST>\t<VOLUME>\t<FLAGS>";
    private static final String CSV_HEADER = "symbol,time_msc,bid,ask,last,volume,flags";

    @TempDir
    Path dir;

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void shouldReadEngineCsvAsTheFixtureHoldsIt(final String fixture) throws Exception {
        final List<Tick> expected = new ArrayList<>();
        for (final TickFiles.Tick t : TickFiles.ticks(fixture)) {
            expected.add(new Tick(t.symbol(), t.timeMsc(), t.bid(), t.ask(), t.last(), t.volume(), t.flags()));
        }

        final List<Tick> actual = readTicks(fixture(fixture + "_dukascopy.csv"), ImportOptions.defaults());

        assertEquals(expected, actual);
    }

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void shouldReadMt5ExportAsTheSameTicksAsEngineCsv(final String fixture) throws Exception {
        final List<Tick> csv = readTicks(fixture(fixture + "_dukascopy.csv"), ImportOptions.defaults());

        final List<Tick> mt5 = readTicks(fixture(fixture + "_mt5export.csv"), ImportOptions.defaults());

        assertEquals(timesAndPrices(csv), timesAndPrices(mt5));
        assertEquals(csv.get(0).symbol(), mt5.get(0).symbol(), "symbol from the file name");
    }

    @Test
    void shouldCarryForwardPricesLeftEmptyByMt5() throws Exception {
        final List<Tick> csv = readTicks(fixture("BTCUSD_20230220_dukascopy.csv"), ImportOptions.defaults());
        final List<Tick> mt5 = readTicks(fixture("BTCUSD_20230220_mt5export.csv"), ImportOptions.defaults());

        int carried = 0;
        for (int i = 0; i < mt5.size(); i++) {
            if (mt5.get(i).flags() == 0) {
                carried++;
                assertEquals(csv.get(i).bid(), mt5.get(i).bid(), "bid of line " + (i + 2));
                assertEquals(csv.get(i).ask(), mt5.get(i).ask(), "ask of line " + (i + 2));
            }
        }
        assertEquals(3474, carried, "ticks with flags 0 in the BTCUSD export");
    }

    @Test
    void shouldCarryEachPriceForwardOnItsOwn() throws Exception {
        final Path file = write(
                dir,
                "XAUUSD_export.csv",
                MT5_HEADER,
                "2026.07.13\t12:00:00.000\t\t2400.5\t\t\t4",
                "2026.07.13\t12:00:00.100\t2400.1\t\t\t\t2",
                "2026.07.13\t12:00:00.200\t\t\t2400.3\t2\t24",
                "2026.07.13\t12:00:00.300\t\t2400.7\t\t\t4");

        final List<Tick> ticks = readTicks(file, ImportOptions.defaults());

        final long t0 = 1_783_944_000_000L;
        assertEquals(
                List.of(
                        new Tick("XAUUSD", t0, 0, 2400.5, 0, 0, TickFlags.ASK),
                        new Tick("XAUUSD", t0 + 100, 2400.1, 2400.5, 0, 0, TickFlags.BID),
                        new Tick("XAUUSD", t0 + 200, 2400.1, 2400.5, 2400.3, 2, TickFlags.LAST | TickFlags.VOLUME),
                        new Tick("XAUUSD", t0 + 300, 2400.1, 2400.7, 2400.3, 0, TickFlags.ASK)),
                ticks);
    }

    @Test
    void shouldReadMt5ExportInUtf16LittleEndianWithByteOrderMark() throws Exception {
        final Path utf8 = fixture("EURUSD_20260713_mt5export.csv");
        final Path utf16 = dir.resolve("EURUSD_20260713_mt5export.csv");
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(0xFF);
        bytes.write(0xFE);
        bytes.write(Files.readString(utf8, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16LE));
        Files.write(utf16, bytes.toByteArray());

        try (TickFileReader reader =
                TickFileReader.open(utf16, ImportOptions.defaults(), new NameTable(4), new NameTable(4), NOW_MSC)) {
            assertEquals(FileFormat.MT5_TICKS, reader.format());
        }
        assertEquals(readTicks(utf8, ImportOptions.defaults()), readTicks(utf16, ImportOptions.defaults()));
    }

    @Test
    void shouldShiftServerTimeToUtc() throws Exception {
        final Path file = fixture("EURUSD_20260713_mt5export.csv");
        final List<Tick> utc = readTicks(file, ImportOptions.defaults());

        final List<Tick> shifted = readTicks(file, ImportOptions.defaults().withServerOffsetMinutes(180));

        assertEquals(utc.size(), shifted.size());
        for (int i = 0; i < utc.size(); i++) {
            assertEquals(utc.get(i).timeMsc() - 3 * 3_600_000L, shifted.get(i).timeMsc());
        }
    }

    @Test
    void shouldTakeSymbolFromOptionsBeforeFileName() throws Exception {
        final List<Tick> ticks = readTicks(
                fixture("EURUSD_20260713_mt5export.csv"),
                ImportOptions.defaults().withSymbol("EURUSD.m"));

        assertTrue(ticks.stream().allMatch(t -> t.symbol().equals("EURUSD.m")));
    }

    @Test
    void shouldFailWhenMt5FileNamesNoSymbol() throws Exception {
        final Path file = write(dir, "ticks.csv", MT5_HEADER, "2026.07.13\t12:00:00.093\t1.1\t1.2\t\t\t6");

        final ImportException e = assertThrows(ImportException.class, () -> readTicks(file, ImportOptions.defaults()));

        assertEquals("symbol", e.field());
        assertTrue(e.getMessage().startsWith("no symbol [file=ticks.csv, field=symbol"), e.getMessage());
    }

    @Test
    void shouldReadEngineCsvColumnsByName() throws Exception {
        final Path file = write(
                dir,
                "mixed.csv",
                "seq,source,time_msc,symbol,flags,volume,last,ask,bid,volume_real",
                "7,term-01,1783944000093,EURUSD,6,0,0,1.14277,1.14273,0",
                "8,term-01,1783944000197,GBPUSD,6,0,0,1.3,1.2,0");
        final NameTable symbols = new NameTable(4);
        final NameTable sources = new NameTable(4);
        final TickBuffer batch = new TickBuffer(4);

        try (TickFileReader reader = TickFileReader.open(file, ImportOptions.defaults(), symbols, sources, NOW_MSC)) {
            assertEquals(2, reader.next(batch));
            assertEquals(0, reader.next(batch));
            assertEquals(reader.sizeBytes(), reader.bytesRead());
            assertEquals(2, reader.ticksRead());
        }

        assertEquals("EURUSD", symbols.name(batch.symbolId(0)));
        assertEquals("GBPUSD", symbols.name(batch.symbolId(1)));
        assertEquals(1.14273, batch.bid(0));
        assertEquals(1.14277, batch.ask(0));
        assertEquals("term-01", sources.name(batch.sourceId(1)));
        assertEquals(8, batch.seq(1));
    }

    @Test
    void shouldStopBatchesAtBatchSize() throws Exception {
        final TickBuffer batch = new TickBuffer(16);
        final List<Integer> sizes = new ArrayList<>();
        try (TickFileReader reader = TickFileReader.open(
                fixture("EURUSD_20260713_mt5export.csv"),
                ImportOptions.defaults().withBatchSize(1000),
                new NameTable(4),
                new NameTable(4),
                NOW_MSC)) {
            for (int n = reader.next(batch); n > 0; n = reader.next(batch)) {
                sizes.add(n);
            }
        }

        assertEquals(List.of(1000, 1000, 1000, 551), sizes);
    }

    @Test
    void shouldRejectUnknownHeader() throws Exception {
        final Path file = write(dir, "EURUSD_x.csv", "time,price", "1783944000093,1.1");

        final ImportException e = assertThrows(ImportException.class, () -> readTicks(file, ImportOptions.defaults()));

        assertEquals(1, e.line());
        assertTrue(e.getMessage().startsWith("unknown file format [file=EURUSD_x.csv, line=1, value=time,price"));
    }

    @Test
    void shouldRejectUnknownColumnOfEngineCsv() throws Exception {
        final Path file = write(dir, "x.csv", CSV_HEADER + ",colour", "EURUSD,1783944000093,1.1,1.2,0,0,6,red");

        final ImportException e = assertThrows(ImportException.class, () -> readTicks(file, ImportOptions.defaults()));

        assertEquals("bad header [file=x.csv, line=1, value=colour, reason=unknown column [column=8]]", e.getMessage());
    }

    @Test
    void shouldNameFileLineAndFieldOfBadNumber() throws Exception {
        final Path file = write(
                dir,
                "x.csv",
                CSV_HEADER,
                "EURUSD,1783944000093,1.14273,1.14277,0,0,6",
                "",
                "EURUSD,1783944000197,abc,1.14275,0,0,6");

        final ImportException e = assertThrows(ImportException.class, () -> readTicks(file, ImportOptions.defaults()));

        assertEquals("bad tick [file=x.csv, line=4, field=bid, value=abc, reason=not a number]", e.getMessage());
        assertEquals(4, e.line());
        assertEquals("bid", e.field());
    }

    @Test
    void shouldRejectNanAsNotANumber() throws Exception {
        final Path file = write(dir, "x.csv", CSV_HEADER, "EURUSD,1783944000093,NaN,1.14277,0,0,6");

        final ImportException e = assertThrows(ImportException.class, () -> readTicks(file, ImportOptions.defaults()));

        assertEquals("bid", e.field());
    }

    @Test
    void shouldNameFileLineAndFieldOfBadDate() throws Exception {
        final Path file = write(
                dir,
                "EURUSD_bad.csv",
                MT5_HEADER,
                "2026.07.13\t12:00:00.093\t1.14273\t1.14277\t\t\t6",
                "2026.02.30\t12:00:00.197\t1.14271\t1.14275\t\t\t6");

        final ImportException e = assertThrows(ImportException.class, () -> readTicks(file, ImportOptions.defaults()));

        assertEquals(
                "bad tick [file=EURUSD_bad.csv, line=3, field=date, value=2026.02.30, reason=not a date yyyy.MM.dd]",
                e.getMessage());
    }

    @Test
    void shouldNameFileLineAndFieldOfBadTime() throws Exception {
        final Path file = write(dir, "EURUSD_bad.csv", MT5_HEADER, "2026.07.13\t12:60:00.093\t1.14273\t1.14277\t\t\t6");

        final ImportException e = assertThrows(ImportException.class, () -> readTicks(file, ImportOptions.defaults()));

        assertEquals("time", e.field());
        assertEquals(2, e.line());
    }

    @Test
    void shouldNameFirstMissingFieldOfShortLine() throws Exception {
        final Path file = write(dir, "EURUSD_short.csv", MT5_HEADER, "2026.07.13\t12:00:00.093\t1.14273\t1.14277");

        final ImportException e = assertThrows(ImportException.class, () -> readTicks(file, ImportOptions.defaults()));

        assertEquals(
                "bad tick [file=EURUSD_short.csv, line=2, field=last, reason=too few fields [fields=4, columns=7]]",
                e.getMessage());
    }

    @Test
    void shouldRejectTickTheValidatorRefuses() throws Exception {
        final Path file = write(
                dir,
                "x.csv",
                CSV_HEADER,
                "EURUSD,1783944000093,-1.14273,1.14277,0,0,6",
                "EURUSD,1783944000093,0,0,0,0,6",
                "EURUSD,946684799999,1.1,1.2,0,0,6",
                "EURUSD," + (NOW_MSC + 86_400_001L) + ",1.1,1.2,0,0,6",
                "EURU$D,1783944000093,1.1,1.2,0,0,6",
                "EURUSD,1783944000093,1.1,1.2,0,0,6,",
                "EURUSD,1783944000093,1.1,1.2,0,0,128");
        final List<String> errors = new ArrayList<>();

        try (TickFileReader reader =
                TickFileReader.open(file, ImportOptions.defaults(), new NameTable(4), new NameTable(4), NOW_MSC)) {
            final TickBuffer batch = new TickBuffer(4);
            while (true) {
                try {
                    if (reader.next(batch) == 0) {
                        break;
                    }
                } catch (final ImportException e) {
                    errors.add(e.line() + ":" + e.field());
                }
            }
        }

        assertEquals(List.of("2:bid", "3:tick", "4:time_msc", "5:time_msc", "6:symbol", "7:null", "8:flags"), errors);
    }

    @Test
    void shouldReturnGoodTicksBeforeBadLineAndThrowOnNextCall() throws Exception {
        final Path file = write(
                dir,
                "EURUSD_x.csv",
                MT5_HEADER,
                "2026.07.13\t12:00:00.093\t1.14273\t1.14277\t\t\t6",
                "2026.07.13\t12:00:00.197\t-1\t\t\t\t2",
                "2026.07.13\t12:00:00.351\t\t1.14273\t\t\t4");
        final TickBuffer batch = new TickBuffer(4);

        try (TickFileReader reader =
                TickFileReader.open(file, ImportOptions.defaults(), new NameTable(4), new NameTable(4), NOW_MSC)) {
            assertEquals(1, reader.next(batch));
            final ImportException e = assertThrows(ImportException.class, () -> reader.next(batch));
            assertEquals(3, e.line());
            assertEquals("bid", e.field());
            assertEquals(0, batch.size());

            assertEquals(1, reader.next(batch));
            assertEquals(1.14273, batch.bid(0), "carried from the last good line, not the bad one");
            assertEquals(1.14273, batch.ask(0));
        }
    }

    @Test
    void shouldRefuseBarFileAsTicks() throws Exception {
        final Path file = write(
                dir,
                "EURUSD_M1_x.csv",
                "<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>",
                "2026.07.13\t12:00:00\t1.1\t1.2\t1.0\t1.1\t10\t0\t3");

        final ImportException e = assertThrows(ImportException.class, () -> readTicks(file, ImportOptions.defaults()));

        assertTrue(e.getMessage().startsWith("not a tick file [file=EURUSD_M1_x.csv, line=1"), e.getMessage());
    }

    @Test
    void shouldRefuseEmptyFile() throws Exception {
        final Path file = Files.writeString(dir.resolve("EURUSD_empty.csv"), "\r\n");

        final ImportException e = assertThrows(ImportException.class, () -> readTicks(file, ImportOptions.defaults()));

        assertEquals("bad header [file=EURUSD_empty.csv, reason=empty file]", e.getMessage());
    }

    private static List<String> timesAndPrices(final List<Tick> ticks) {
        final List<String> rows = new ArrayList<>(ticks.size());
        for (final Tick t : ticks) {
            rows.add(t.timeMsc() + "," + t.bid() + "," + t.ask());
        }
        return rows;
    }
}
