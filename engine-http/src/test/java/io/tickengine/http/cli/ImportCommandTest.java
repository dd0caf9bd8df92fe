package io.tickengine.http.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.core.TickEngine;
import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.journal.TickJournal;
import io.tickengine.core.store.CandleRow;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.Stores;
import io.tickengine.core.testsupport.Candles;
import io.tickengine.core.testsupport.Feeder;
import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.core.testsupport.TimescaleDb;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import picocli.CommandLine;

/** {@code tick-engine import} run through picocli on real history files, then the store read back. */
class ImportCommandTest {
    static final List<String> FIXTURES = TickFiles.FIXTURES;

    private static final DateTimeFormatter MT5_DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy.MM.dd\tHH:mm:ss").withZone(ZoneOffset.UTC);

    @TempDir
    Path tmp;

    /** The store of the imports: the embedded SQLite file of the data dir, or PostgreSQL ({@link OnPostgres}). */
    private String dbUrl;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void shouldImportAnMt5TickExportIntoTheExpectedCandles(final String fixture) throws Exception {
        final int code = importFiles(TickFiles.dataDir().resolve(fixture + "_mt5export.csv"));

        assertEquals(0, code, output());
        assertExpectedM1(fixture);
    }

    @Test
    void shouldCountEveryTickOnceThroughDukascopyThenMt5ExportThenARenamedCopy() throws Exception {
        final String fixture = "EURUSD_20260713";
        final int n = TickFiles.ticks(fixture).size();
        final Path mt5 = TickFiles.dataDir().resolve(fixture + "_mt5export.csv");
        final Path renamed = Files.copy(mt5, tmp.resolve("EURUSD_monday_copy.csv"));

        assertEquals(0, importFiles(TickFiles.dataDir().resolve(fixture + "_dukascopy.csv")), output());
        assertExpectedM1(fixture);
        assertTrue(output().contains("import: " + n + " ticks, " + n + " new, 0 replaced"), output());
        for (final Path again : List.of(mt5, renamed)) {
            out.reset();
            assertEquals(0, importFiles(again), output());
            assertTrue(output().contains("import: " + n + " ticks, 0 new, " + n + " replaced"), output());
            assertExpectedM1(fixture);
            assertEquals(n, storedTicks("EURUSD"), "every tick stored once after importing " + again.getFileName());
        }
    }

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void shouldGiveExactCandlesWhenTheDayIsImportedAfterItsLiveTicks(final String fixture) throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks(fixture);
        final int split = ticks.size() * 2 / 3;
        try (TickEngine engine = TickEngine.start(context())) {
            new Feeder(engine).feed(ticks, split, ticks.size(), 100, "ea-live", 1);
        }

        assertEquals(0, importFiles(TickFiles.dataDir().resolve(fixture + "_dukascopy.csv")), output());

        assertTrue(
                output().contains("import: " + ticks.size() + " ticks, " + split + " new, " + (ticks.size() - split)
                        + " replaced"),
                output());
        assertExpectedM1(fixture);
        assertEquals(ticks.size(), storedTicks(ticks.get(0).symbol()));
        try (CandleStore store = openStore()) {
            Candles.assertHigherTimeframesMatchM1(
                    store, ticks.get(0).symbol(), context().timeframes(), 0);
        }
    }

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void shouldImportTheEngineCsvIntoTheSameCandles(final String fixture) throws Exception {
        final int code = importFiles(TickFiles.dataDir().resolve(fixture + "_dukascopy.csv"));

        assertEquals(0, code, output());
        assertExpectedM1(fixture);
    }

    @Test
    void shouldExitWith2NamingFileLineAndFieldOfABadLine() throws Exception {
        final List<String> lines = Files.readAllLines(TickFiles.dataDir().resolve("EURUSD_20260713_mt5export.csv"));
        final List<String> bad = new ArrayList<>(lines.subList(0, 4));
        bad.add("2026.07.13\t12:00:01.000\tabc\t1.14277\t\t\t6"); // line 5
        bad.addAll(lines.subList(4, 20));
        final Path file = Files.write(tmp.resolve("EURUSD_bad.csv"), bad, StandardCharsets.UTF_8);

        final int code = importFiles(file);

        assertEquals(2, code, output());
        final String errors = err.toString(StandardCharsets.UTF_8);
        assertTrue(errors.contains("file=EURUSD_bad.csv"), errors);
        assertTrue(errors.contains("line=5"), errors);
        assertTrue(errors.contains("field=bid"), errors);
        assertTrue(errors.contains("value=abc"), errors);
    }

    @Test
    void shouldImportAnMt5BarExportGivenAfterATickFileInOneRun() throws Exception {
        final List<String> lines = new ArrayList<>();
        lines.add("<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>");
        for (final TickFiles.Candle c : TickFiles.expectedM1("EURUSD_20260713")) {
            lines.add(MT5_DATE_TIME.format(Instant.ofEpochMilli(c.openTimeMsc())) + "\t" + c.open() + "\t" + c.high()
                    + "\t" + c.low() + "\t" + c.close() + "\t" + c.tickVolume() + "\t0\t4");
        }
        assertEquals("2026.07.13\t12:00:00", lines.get(1).substring(0, 19));
        final Path bars = Files.writeString(
                tmp.resolve("EURUSD_M1_export.csv"), String.join("\r\n", lines) + "\r\n", StandardCharsets.UTF_8);
        final Path ticks = TickFiles.dataDir().resolve("BTCUSD_20230220_mt5export.csv");

        final int code = importFiles(List.of(ticks, bars), "--point", "0.00001");

        assertEquals(0, code, output());
        assertExpectedM1("EURUSD_20260713");
        assertExpectedM1("BTCUSD_20230220");
        try (CandleStore store = openStore()) {
            for (final CandleRow bar : Candles.all(store, "EURUSD", Timeframe.M1)) {
                assertEquals(4 * 0.00001, bar.spread(), 1e-12, "spread in points times --point");
            }
        }
    }

    @Test
    void shouldStoreTheBarOfAOneBarFileImportedRightAfterTheEngineStarts() throws Exception {
        final Path file = Files.writeString(
                tmp.resolve("EURUSD_M1_one.csv"),
                "<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>\r\n"
                        + "2026.07.13\t12:00:00\t1.14273\t1.14306\t1.14271\t1.14297\t102\t0\t4\r\n",
                StandardCharsets.UTF_8);
        int lost = 0;
        for (int run = 0; run < 30; run++) {
            final Path data = tmp.resolve("data-" + run);
            final int code = new CommandLine(new ImportCommand(
                            new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(err, true, StandardCharsets.UTF_8)))
                    .execute("--data-dir", data.toString(), file.toString());
            assertEquals(0, code, output());
            try (CandleStore store = Stores.openStore(new EngineContext().set("data.dir", data.toString()))) {
                if (Candles.all(store, "EURUSD", Timeframe.M1).size() != 1) {
                    lost++;
                }
            }
        }
        assertEquals(0, lost, "imports that exited 0 but stored nothing, of 30");
    }

    @Test
    void shouldImportEveryTickOfTwoFilesWhoseLongNamesShareAPrefix() throws Exception {
        final List<String> lines = Files.readAllLines(TickFiles.dataDir().resolve("EURUSD_20260713_mt5export.csv"));
        final int half = lines.size() / 2;
        final List<String> first = new ArrayList<>(lines.subList(0, half));
        final List<String> second = new ArrayList<>(List.of(lines.get(0)));
        second.addAll(lines.subList(half, lines.size()));
        final Path a = Files.write(tmp.resolve("EURUSD_20260713_mt5export_part1.csv"), first, StandardCharsets.UTF_8);
        final Path b = Files.write(tmp.resolve("EURUSD_20260713_mt5export_part2.csv"), second, StandardCharsets.UTF_8);

        assertEquals(0, importFiles(a, b), output());

        assertExpectedM1("EURUSD_20260713");
    }

    /** The import's range replacement and the history-after-live case on PostgreSQL. */
    @Nested
    @ExtendWith(PostgresExtension.class)
    class OnPostgres {
        private final PgDatabase database;

        OnPostgres(final PgDatabase database) {
            this.database = database;
        }

        @BeforeEach
        void useThePostgresStore() throws Exception {
            database.dropEngineTables();
            dbUrl = database.jdbcUrl();
        }

        @Test
        void shouldCountEveryTickOnceThroughDukascopyThenMt5ExportThenARenamedCopy() throws Exception {
            ImportCommandTest.this.shouldCountEveryTickOnceThroughDukascopyThenMt5ExportThenARenamedCopy();
        }

        @ParameterizedTest
        @FieldSource("io.tickengine.http.cli.ImportCommandTest#FIXTURES")
        void shouldGiveExactCandlesWhenTheDayIsImportedAfterItsLiveTicks(final String fixture) throws Exception {
            ImportCommandTest.this.shouldGiveExactCandlesWhenTheDayIsImportedAfterItsLiveTicks(fixture);
        }
    }

    /** The same scenarios on TimescaleDB: {@code market_data} and {@code ticks} are hypertables. */
    @Nested
    @TimescaleDb
    class OnTimescale extends OnPostgres {
        OnTimescale(final PgDatabase database) {
            super(database);
        }
    }

    private int importFiles(final Path... files) {
        return importFiles(List.of(files));
    }

    /** Runs {@code import --data-dir TMP/data OPTIONS FILES} through picocli, capturing what it prints. */
    private int importFiles(final List<Path> files, final String... options) {
        final List<String> args =
                new ArrayList<>(List.of("--data-dir", tmp.resolve("data").toString()));
        if (dbUrl != null) {
            args.addAll(List.of("--db-url", dbUrl));
        }
        args.addAll(List.of(options));
        for (final Path file : files) {
            args.add(file.toString());
        }
        final CommandLine cli = new CommandLine(new ImportCommand(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
        return cli.execute(args.toArray(new String[0]));
    }

    private EngineContext context() {
        final EngineContext context =
                new EngineContext().set("data.dir", tmp.resolve("data").toString());
        return dbUrl == null ? context : context.set("db.url", dbUrl);
    }

    /** @return the number of ticks of a symbol in the tick store. */
    private long storedTicks(final String symbol) throws Exception {
        try (io.tickengine.core.store.Database database = Stores.openDatabase(context());
                io.tickengine.core.store.TickStore tickStore = Stores.openTickStore(database)) {
            return tickStore.ticks(symbol, 0, Long.MAX_VALUE, 1_000_000).size();
        }
    }

    private CandleStore openStore() throws Exception {
        return Stores.openStore(context());
    }

    private void assertExpectedM1(final String fixture) throws Exception {
        try (CandleStore store = openStore()) {
            Candles.assertExpectedM1(store, fixture);
        }
    }

    private long journalLastIndex() {
        try (TickJournal journal = TickJournal.open(tmp.resolve("data").resolve("journal"), "FAST_DAILY")) {
            return journal.lastIndex();
        }
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }
}
