package io.tickengine.ml.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tickengine.core.EngineContext;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.Stores;
import io.tickengine.core.testsupport.LocalPostgres;
import io.tickengine.core.testsupport.PostgresExtension;
import io.tickengine.ml.Cli;
import io.tickengine.ml.RealBars;
import io.tickengine.ml.TrainedModelTest;
import io.tickengine.ml.signal.Backoff;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code backtest} on the real bars, and {@code schedule} riding out a PostgreSQL outage. */
class ScheduleAndBacktestTest extends TrainedModelTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldBacktestTheHeldOutDayAgainstBuyAndHold() throws Exception {
        final Path png = work.resolve("equity.png");
        final Cli cli = Cli.run(
                        "backtest",
                        "--data-dir",
                        dataDir.toString(),
                        "--model",
                        model.toString(),
                        "--from",
                        TEST_FROM,
                        "--to",
                        "2017-11-15",
                        "--plot",
                        png.toString())
                .ok();
        final JsonNode out = JSON.readTree(cli.out());
        assertTrue(out.get("trades").asInt() > 0, cli.out());
        assertTrue(out.get("bars").asInt() > 1000, cli.out());
        assertTrue(out.get("win_rate").asDouble() >= 0 && out.get("win_rate").asDouble() <= 1, cli.out());
        assertTrue(out.get("max_drawdown").asDouble() >= 0, cli.out());
        assertTrue(out.has("sharpe") && out.get("buy_and_hold").has("total_log_return"), cli.out());
        assertTrue(Files.size(png) > 1000);
    }

    @Test
    void shouldDoubleTheRetryDelayUpToItsMaximumAndStartAgainAfterASuccess() {
        final Backoff backoff = new Backoff(1_000, 5_000);
        assertEquals(1_000, backoff.nextDelayMs());
        assertEquals(2_000, backoff.nextDelayMs());
        assertEquals(4_000, backoff.nextDelayMs());
        assertEquals(5_000, backoff.nextDelayMs());
        backoff.reset();
        assertEquals(1_000, backoff.nextDelayMs());
    }

    @Test
    void shouldScheduleOnTheNextBarClosePlusTheDelay() {
        final ScheduleCommand schedule = new ScheduleCommand();
        schedule.delayMs = 3_000;
        assertEquals(58_000, schedule.untilNextRun(5_000));
        assertEquals(2_000, schedule.untilNextRun(1_000));
        schedule.everyMinutes = 5;
        assertEquals(298_000, schedule.untilNextRun(5_000));
    }

    @Test
    void shouldRetryWhileThePostgresServerIsDownAndPredictWhenItIsBack() throws Exception {
        try (LocalPostgres server = PostgresExtension.startDedicated()) {
            server.createDatabase("ml_schedule");
            final String url = server.jdbcUrl("ml_schedule");
            try (CandleStore store = Stores.openStore(new EngineContext().set("db.url", url))) {
                store.describe();
            }
            try (Connection c = DriverManager.getConnection(url);
                    PreparedStatement ps = c.prepareStatement("INSERT INTO market_data (symbol, timeframe, open_time,"
                            + " open, high, low, close, tick_volume) VALUES (?, 'M1', to_timestamp(? / 1000.0), ?,"
                            + " ?, ?, ?, 0)")) {
                for (final String line : RealBars.lines().subList(13_000, 13_681)) {
                    final String[] f = line.split(",");
                    ps.setString(1, RealBars.SYMBOL);
                    ps.setLong(2, Long.parseLong(f[0]));
                    for (int i = 1; i <= 4; i++) {
                        ps.setDouble(2 + i, Double.parseDouble(f[i]));
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            server.stopImmediate();

            final CountingSchedule schedule = new CountingSchedule();
            final AtomicInteger exit = new AtomicInteger(-1);
            final Thread runner = new Thread(() -> exit.set(new CommandLine(schedule)
                    .execute(
                            "--db-url",
                            url,
                            "--model",
                            model.toString(),
                            "--max-runs",
                            "1",
                            "--backoff-max-ms",
                            "1000")));
            runner.start();
            final long deadlineNs = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (schedule.failures.get() == 0 && deadlineNs - System.nanoTime() > 0) {
                runner.join(50);
            }
            assertTrue(schedule.failures.get() > 0, "the first run met the server down");
            assertTrue(runner.isAlive(), "schedule keeps retrying");
            server.startAgain();
            runner.join(Duration.ofSeconds(60).toMillis());
            assertFalse(runner.isAlive(), "schedule predicted once the server was back");
            assertEquals(0, exit.get());
        }
    }

    /** Counts the runs that met the database down. */
    private static final class CountingSchedule extends ScheduleCommand {
        final AtomicInteger failures = new AtomicInteger();

        @Override
        void onDatabaseDown() {
            failures.incrementAndGet();
        }
    }
}
