package io.tickengine.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tickengine.core.testsupport.TickFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance 1, in-process: real tick files posted to the agent reach the engine exactly, over real HTTP. */
class ForwardingTest {
    @TempDir
    Path engineDir;

    @TempDir
    Path agentDir;

    @Test
    void shouldDeliverExactlyTheExpectedCandlesOfRealTickFiles() throws Exception {
        final EngineFixture engine = new EngineFixture(engineDir);
        long total = 0;
        final String agentId;
        try (engine;
                EdgeAgent agent = AgentFixture.start(agentDir, engine.url())) {
            agentId = agent.agentId();
            for (final String fixture : TickFiles.FIXTURES) {
                final List<TickFiles.Tick> ticks = TickFiles.ticks(fixture);
                final TickSender sender = new TickSender(ticks, 0, ticks.size(), agent.port(), 50, "ea-" + fixture);
                sender.run();
                assertEquals(ticks.size(), sender.acknowledged.get(), "all posted: " + sender.stoppedBy());
                total += ticks.size();
            }
            final long stored = total;
            Await.until(
                    () -> agent.store().forwardedSeq() == stored,
                    Duration.ofSeconds(60),
                    () -> "all forwarded: " + agent.status().toJson());
            assertEquals(0, agent.status().backlog());
            assertEquals(stored, engine.journaled());
            assertEquals(0, engine.duplicates());
        }
        engine.assertJournaledExactlyOnce(agentId, total);
        for (final String fixture : TickFiles.FIXTURES) {
            engine.assertExpectedM1(fixture);
        }
    }
}
