package io.tickengine.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tickengine.core.testsupport.TickFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Forwarded ticks are deleted after the retention period, unforwarded ones never, and no seq is ever reused. */
class RetentionTest {
    private static final String FIXTURE = "EURUSD_20260713";

    @TempDir
    Path engineDir;

    @TempDir
    Path agentDir;

    @Test
    void shouldDeleteForwardedTicksAfterRetentionAndNeverReuseTheirSeqs() throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks(FIXTURE);
        final int firstPart = 1000;
        final EngineFixture engine = new EngineFixture(engineDir);
        final String agentId;
        try (engine) {
            try (EdgeAgent agent =
                    AgentFixture.start(agentDir, engine.url(), "retention.hours=0", "retention.prune.interval.ms=20")) {
                agentId = agent.agentId();
                new TickSender(ticks, 0, firstPart, agent.port(), 100, "ea-1").run();
                Await.until(
                        () -> agent.store().forwardedSeq() == firstPart && storedRows() == 0,
                        Duration.ofSeconds(30),
                        () -> "forwarded and pruned: " + agent.status().toJson());
            }
            // Every row is gone; a restart must still continue the seqs, or the engine would drop new ticks as
            // duplicates of the pruned ones.
            try (EdgeAgent agent =
                    AgentFixture.start(agentDir, engine.url(), "retention.hours=0", "retention.prune.interval.ms=20")) {
                new TickSender(ticks, firstPart, ticks.size(), agent.port(), 100, "ea-1").run();
                Await.until(
                        () -> agent.store().forwardedSeq() == ticks.size(),
                        Duration.ofSeconds(30),
                        () -> "the rest forwarded: " + agent.status().toJson());
                assertEquals(ticks.size(), agent.store().lastSeq());
            }
        }
        engine.assertJournaledExactlyOnce(agentId, ticks.size());
        engine.assertExpectedM1(FIXTURE);
    }

    @Test
    void shouldKeepUnforwardedTicksWhateverTheRetention() throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks(FIXTURE);
        try (EdgeAgent agent = AgentFixture.start(
                agentDir, AgentFixture.deadEngineUrl(), "retention.hours=0", "retention.prune.interval.ms=20")) {
            new TickSender(ticks, 0, 500, agent.port(), 100, "ea-1").run();
            Await.until(
                    () -> agent.stats().failures.get() >= 3,
                    Duration.ofSeconds(30),
                    () -> "several attempts, several prunes: " + agent.status().toJson());
            assertEquals(500, storedRows());
            assertEquals(500, agent.status().backlog());
        }
    }

    private long storedRows() {
        try {
            return StoredTicks.queryLong(agentDir, "SELECT count(*) FROM ticks");
        } catch (final Exception e) {
            throw new AssertionError(e);
        }
    }
}
