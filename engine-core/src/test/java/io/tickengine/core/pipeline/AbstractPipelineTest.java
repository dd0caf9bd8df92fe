package io.tickengine.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.core.TickEngine;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.Stores;
import io.tickengine.core.testsupport.Candles;
import io.tickengine.core.testsupport.ChildJvm;
import io.tickengine.core.testsupport.Feeder;
import io.tickengine.core.testsupport.TickFiles;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine-core acceptance tests, run against each store: real ticks in, exact candles out, through shuffles,
 * duplicates and a crash.
 */
abstract class AbstractPipelineTest {
    @TempDir
    Path dataDir;

    /** @return the store URL, {@code null} for the embedded SQLite default. */
    abstract String dbUrl();

    static List<String> fixtures() {
        return TickFiles.FIXTURES;
    }

    EngineContext context() {
        return PipelineFixture.context(dataDir, dbUrl());
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void shouldBuildExactlyTheExpectedCandlesFromRealTicks(final String fixture) throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks(fixture);
        final EngineContext context = context();
        try (TickEngine engine = TickEngine.start(context)) {
            final Feeder feeder = new Feeder(engine);
            feeder.feed(ticks, 0, ticks.size(), 100, null, 0);
            assertEquals(ticks.size(), feeder.accepted.get());
        }
        try (TickEngine restarted = TickEngine.start(context())) {
            // A restart replays the open bars and rewrites them: the committed candles must not change.
            assertTrue(restarted.metrics().ticksReplayed.get() > 0);
        }
        try (CandleStore store = Stores.openStore(context())) {
            Candles.assertExpectedM1(store, fixture);
            Candles.assertHigherTimeframesMatchM1(
                    store, ticks.get(0).symbol(), context.timeframes(), context.sessionOffsetMsc());
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void shouldGiveTheSameCandlesForTicksShuffledWithinTheLateWindow(final String fixture) throws Exception {
        final List<TickFiles.Tick> shuffled = shuffleWithin(TickFiles.ticks(fixture), 20_000L, new Random(42));
        try (TickEngine engine = TickEngine.start(context())) {
            new Feeder(engine).feed(shuffled, 0, shuffled.size(), 37, null, 0);
            assertEquals(0, engine.metrics().ticksLate.get(), "no tick inside the late window may count as late");
        }
        try (CandleStore store = Stores.openStore(context())) {
            Candles.assertExpectedM1(store, fixture);
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void shouldDropTicksSentTwiceWithTheSameSourceAndSeq(final String fixture) throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks(fixture);
        try (TickEngine engine = TickEngine.start(context())) {
            final Feeder feeder = new Feeder(engine);
            feeder.feed(ticks, 0, ticks.size(), 100, "edge-01", 1);
            feeder.feed(ticks, 0, ticks.size(), 100, "edge-01", 1);
            assertEquals(ticks.size(), feeder.accepted.get());
            assertEquals(ticks.size(), feeder.duplicates.get());
            assertEquals(ticks.size(), engine.metrics().ticksDuplicate.get());
        }
        // The high-water marks survive a restart: a third copy is all duplicates too.
        try (TickEngine engine = TickEngine.start(context())) {
            final Feeder feeder = new Feeder(engine);
            feeder.feed(ticks, 0, ticks.size(), 100, "edge-01", 1);
            assertEquals(0, feeder.accepted.get());
            assertEquals(ticks.size(), feeder.duplicates.get());
            Candles.assertExpectedM1(engine.store(), fixture);
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void shouldRebuildOpenBarsExactlyAfterACrash(final String fixture) throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks(fixture);
        final long acked = runAndKill(fixture, ticks.size() / 2);
        assertTrue(acked >= ticks.size() / 2 && acked < ticks.size(), "killed mid-file [acked=" + acked + "]");
        try (TickEngine engine = TickEngine.start(context())) {
            assertTrue(engine.metrics().ticksReplayed.get() > 0, "the restart replays the journal");
            final Feeder feeder = new Feeder(engine);
            // Resend from the last acknowledged tick on: what the dead engine journaled but never acknowledged
            // must come back as duplicates, not as second copies.
            feeder.feed(ticks, (int) acked, ticks.size(), 50, "crash-src", 1);
        }
        try (CandleStore store = Stores.openStore(context())) {
            Candles.assertExpectedM1(store, fixture);
            Candles.assertHigherTimeframesMatchM1(
                    store, ticks.get(0).symbol(), context().timeframes(), 0);
        }
    }

    /**
     * Runs {@link CrashingFeeder} in a child JVM on this test's journal and store, and kills it with SIGKILL once it
     * has had at least {@code killAfter} ticks acknowledged.
     *
     * @return the number of ticks it reported acknowledged before the kill.
     */
    private long runAndKill(final String fixture, final int killAfter) throws Exception {
        final List<String> command = ChildJvm.javaCommand("1g");
        command.add(CrashingFeeder.class.getName());
        command.add(dataDir.toString());
        command.add(dbUrl() == null ? "" : dbUrl());
        command.add(fixture);
        command.add(TickFiles.dataDir().toString());
        final Process child =
                new ProcessBuilder(command).redirectErrorStream(true).start();
        long acked = 0;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            final StringBuilder log = new StringBuilder();
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ACKED ")) {
                    acked = Long.parseLong(line.substring(6).trim());
                    if (acked >= killAfter) {
                        child.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no close
                        break;
                    }
                } else {
                    log.append(line).append('\n');
                }
            }
            assertTrue(acked >= killAfter, "child feeder ended early:\n" + log);
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
        }
        return acked;
    }

    /** Shuffles consecutive runs of ticks spanning at most {@code spanMsc}: no tick moves further than that. */
    static List<TickFiles.Tick> shuffleWithin(
            final List<TickFiles.Tick> ticks, final long spanMsc, final Random random) {
        final List<TickFiles.Tick> out = new ArrayList<>(ticks.size());
        int start = 0;
        while (start < ticks.size()) {
            int end = start;
            while (end < ticks.size()
                    && ticks.get(end).timeMsc() - ticks.get(start).timeMsc() <= spanMsc) {
                end++;
            }
            final List<TickFiles.Tick> run = new ArrayList<>(ticks.subList(start, end));
            Collections.shuffle(run, random);
            out.addAll(run);
            start = end;
        }
        return out;
    }
}
