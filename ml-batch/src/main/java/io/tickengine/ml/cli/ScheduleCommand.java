package io.tickengine.ml.cli;

import io.tickengine.ml.MlException;
import io.tickengine.ml.data.MlStore;
import io.tickengine.ml.model.ForestModel;
import io.tickengine.ml.signal.Backoff;
import io.tickengine.ml.signal.Predictor;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code schedule}: {@code predict --latest} on every newly closed bar (or every N minutes) until SIGTERM. */
@Command(
        name = "schedule",
        mixinStandardHelpOptions = true,
        description = "Run predict --latest on every newly closed M1 bar (a few seconds after each minute, so the"
                + " engine has written the bar), or every --every-minutes N, until SIGTERM/SIGINT. A database that is"
                + " down is retried with backoff; progress is logged.")
public class ScheduleCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleCommand.class);

    @Mixin
    StoreOptions store;

    @Mixin
    ModelOptions model;

    @Option(
            names = "--every-minutes",
            defaultValue = "0",
            description = "run every N minutes; 0 (default) = on every newly closed bar")
    int everyMinutes;

    @Option(
            names = "--delay-ms",
            defaultValue = "3000",
            description = "wait after a minute boundary before reading the closed bar (default ${DEFAULT-VALUE})")
    long delayMs;

    @Mixin
    SignalOptions signal;

    @Option(
            names = "--backoff-max-ms",
            defaultValue = "60000",
            description = "longest wait between retries while the database is down (default ${DEFAULT-VALUE})")
    long backoffMaxMs;

    @Option(names = "--max-runs", defaultValue = "0", description = "stop after N successful runs; 0 = until SIGTERM")
    int maxRuns;

    private final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread hook = new Thread(
                () -> {
                    stop.countDown();
                    try {
                        stopped.await(30, TimeUnit.SECONDS);
                    } catch (final InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "ml-schedule-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (MlStore s = store.open(false)) {
            return loop(s);
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (final IllegalStateException e) {
                // already shutting down: the hook is running
            }
        }
    }

    private int loop(final MlStore s) throws InterruptedException {
        LOG.info(
                "schedule started [model={}, store={}, every={}]",
                model.modelDir,
                s.describe(),
                everyMinutes == 0 ? "closed bar" : everyMinutes + " min");
        final Backoff backoff = new Backoff(1_000, Math.max(1_000, backoffMaxMs));
        boolean down = false;
        int runs = 0;
        long lastBarMsc = Long.MIN_VALUE;
        while (stop.getCount() > 0) {
            long waitMs;
            try (ForestModel forest = ForestModel.load(model.modelDir)) {
                final String sym = model.symbolOf(forest);
                final long nowMsc = System.currentTimeMillis();
                final Predictor.Result result = Predictor.predictLatest(s, forest, sym, signal.at(nowMsc));
                if (down) {
                    LOG.info("database up again [store={}]", s.describe());
                    down = false;
                }
                backoff.reset();
                final long barMsc = (nowMsc / Predictor.BAR_MSC - 1) * Predictor.BAR_MSC;
                if (barMsc != lastBarMsc) {
                    LOG.info(
                            "predicted [model={}, symbol={}, scored={}, signals={}, added={}]",
                            forest.id(),
                            sym,
                            result.scored(),
                            result.signals(),
                            result.added());
                }
                lastBarMsc = barMsc;
                runs++;
                waitMs = untilNextRun(System.currentTimeMillis());
            } catch (final SQLException e) {
                onDatabaseDown();
                waitMs = backoff.nextDelayMs();
                if (!down) {
                    LOG.warn("database down, retrying with backoff [store={}, cause={}]", s.describe(), e.getMessage());
                    down = true;
                } else {
                    LOG.info("database still down [retryInMs={}]", waitMs);
                }
            } catch (final MlException e) {
                LOG.warn("predict skipped [cause={}]", e.getMessage());
                waitMs = untilNextRun(System.currentTimeMillis());
            }
            if (maxRuns > 0 && runs >= maxRuns) {
                break;
            }
            stop.await(waitMs, TimeUnit.MILLISECONDS);
        }
        LOG.info("schedule stopped [runs={}]", runs);
        return 0;
    }

    /** @return milliseconds until the next run: the next bar close (plus the delay), or the next N-minute mark. */
    long untilNextRun(final long nowMsc) {
        final long periodMsc = (everyMinutes == 0 ? 1 : everyMinutes) * Predictor.BAR_MSC;
        final long next = Math.floorDiv(nowMsc - delayMs, periodMsc) * periodMsc + periodMsc + delayMs;
        return Math.max(1, next - nowMsc);
    }

    /** Called on each run that found the database down. */
    void onDatabaseDown() {}

    /** Stops the loop (as SIGTERM does). */
    void requestStop() {
        stop.countDown();
    }
}
