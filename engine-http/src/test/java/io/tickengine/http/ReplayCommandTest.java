package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tickengine.core.EngineContext;
import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.Stores;
import io.tickengine.core.testsupport.Candles;
import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.http.cli.ReplayCommand;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import picocli.CommandLine;

/** {@code tick-engine replay} rebuilds the store from the journal alone, whole or for a time range. */
class ReplayCommandTest {
    static final List<String> FIXTURES = TickFiles.FIXTURES;

    @TempDir
    Path dataDir;

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void shouldRebuildTheExpectedCandlesFromTheJournalOnceTheDatabaseIsDeleted(final String fixture) throws Exception {
        ingest(fixture);
        deleteDatabase();

        assertEquals(0, replay("--data-dir", dataDir.toString()));

        try (CandleStore store = openStore()) {
            Candles.assertExpectedM1(store, fixture);
        }
    }

    @Test
    void shouldRebuildEverySymbolWhateverOrderItsHistoryWasJournaledIn() throws Exception {
        // A backfill of older history after live ticks: the journal is not in time order across symbols.
        ingest("EURUSD_20260713");
        ingest("BTCUSD_20230220");
        deleteDatabase();

        assertEquals(0, replay("--data-dir", dataDir.toString()));

        try (CandleStore store = openStore()) {
            Candles.assertExpectedM1(store, "BTCUSD_20230220");
        }
    }

    @Test
    void shouldWriteOnlyTheBarsBetweenFromAndTo() throws Exception {
        ingest("BTCUSD_20230220");
        ingest("EURUSD_20260713");
        deleteDatabase();
        final List<TickFiles.Candle> eurusd = TickFiles.expectedM1("EURUSD_20260713");

        // The hour of the EURUSD ticks, in both accepted notations.
        assertEquals(
                0,
                replay(
                        "--data-dir",
                        dataDir.toString(),
                        "--from",
                        "2026-07-13T12:00:00Z",
                        "--to",
                        Long.toString(eurusd.get(eurusd.size() - 1).openTimeMsc())));

        try (CandleStore store = openStore()) {
            Candles.assertExpectedM1(store, "EURUSD_20260713");
            assertEquals(List.of(), Candles.all(store, "BTCUSD", Timeframe.M1), "bars outside the range");
        }
    }

    private void ingest(final String fixture) throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks(fixture);
        try (HttpFixture http = new HttpFixture(dataDir, null)) {
            for (int from = 0; from < ticks.size(); from += 500) {
                final int to = Math.min(ticks.size(), from + 500);
                final HttpResponse<String> r =
                        http.post("/ingest/tick", "application/json", HttpFixture.jsonArray(ticks, from, to, null));
                assertEquals(202, r.statusCode(), r.body());
            }
        }
    }

    private void deleteDatabase() throws Exception {
        for (final String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(dataDir.resolve("tick-engine.db" + suffix));
        }
        try (CandleStore store = openStore()) {
            assertEquals(List.of(), Candles.all(store, "EURUSD", Timeframe.M1), "a new, empty database");
        }
    }

    private int replay(final String... args) {
        return new CommandLine(new ReplayCommand()).execute(args);
    }

    private CandleStore openStore() throws Exception {
        return Stores.openStore(new EngineContext().set("data.dir", dataDir.toString()));
    }
}
