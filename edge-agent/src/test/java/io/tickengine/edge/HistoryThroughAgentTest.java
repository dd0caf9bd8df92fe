package io.tickengine.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tickengine.core.testsupport.TickFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An EA's live ticks, then that day's history from BackfillHistory, both through the edge agent: the engine gets
 * the history after the live ticks and rebuilds the bars it falls in, so the candles are exact.
 */
class HistoryThroughAgentTest {
    @TempDir
    Path engineDir;

    @TempDir
    Path agentDir;

    @Test
    void shouldDeliverExactCandlesWhenTheHistoryFollowsTheLiveTicks() throws Exception {
        final EngineFixture engine = new EngineFixture(engineDir);
        long total = 0;
        try (engine;
                EdgeAgent agent = AgentFixture.start(agentDir, engine.url())) {
            for (final String fixture : TickFiles.FIXTURES) {
                final List<TickFiles.Tick> ticks = TickFiles.ticks(fixture);
                final int split = ticks.size() * 2 / 3;
                send(new TickSender(ticks, split, ticks.size(), agent.port(), 50, "live-" + fixture), ticks.size());
                total += ticks.size() - split;
                awaitForwarded(agent, total);
                send(new TickSender(ticks, 0, split, agent.port(), 500, "backfill-" + fixture), split);
                total += split;
                awaitForwarded(agent, total);
            }
            assertEquals(total, engine.journaled());
            assertEquals(0, engine.duplicates());
        }
        // Stopped: the engine has stored every tick and rebuilt every bar the history fell in.
        for (final String fixture : TickFiles.FIXTURES) {
            engine.assertExpectedM1(fixture);
        }
    }

    private static void send(final TickSender sender, final int end) {
        sender.run();
        assertEquals(end, sender.acknowledged.get(), "all posted: " + sender.stoppedBy());
    }

    private static void awaitForwarded(final EdgeAgent agent, final long ticks) throws Exception {
        Await.until(
                () -> agent.store().forwardedSeq() == ticks,
                Duration.ofSeconds(60),
                () -> "all forwarded: " + agent.status().toJson());
    }
}
