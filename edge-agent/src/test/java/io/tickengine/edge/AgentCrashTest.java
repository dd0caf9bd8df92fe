package io.tickengine.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.TickFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 3: the agent process is killed with SIGKILL twice while an EA posts a real tick file and while it
 * forwards; after each restart the EA resends what was not acknowledged. No acknowledged tick is lost, none is
 * stored twice, none reaches the engine twice.
 */
class AgentCrashTest {
    private static final String FIXTURE = "BTCUSD_20230220";

    @TempDir
    Path engineDir;

    @TempDir
    Path agentDir;

    @Test
    void shouldLoseAndDuplicateNothingWhenTheAgentIsKilledMidFile() throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks(FIXTURE);
        final EngineFixture engine = new EngineFixture(engineDir);
        final AgentStatus last;
        try (engine) {
            int acknowledged = 0;
            for (final double killAt : new double[] {0.3, 0.6}) {
                try (AgentProcess agent =
                        AgentProcess.start(agentDir, engine.url(), "--set", "forward.batch.size=50")) {
                    final TickSender ea = new TickSender(ticks, acknowledged, ticks.size(), agent.port(), 20, "ea-1");
                    final Thread posting = new Thread(ea, "ea");
                    posting.start();
                    final int target = (int) (ticks.size() * killAt);
                    Await.until(
                            () -> ea.acknowledged.get() >= target,
                            Duration.ofSeconds(120),
                            () -> "posted to " + target + " [at=" + ea.acknowledged.get() + "]\n" + agent.output());
                    agent.kill();
                    posting.join(30_000);
                    acknowledged = ea.acknowledged.get();
                    assertTrue(
                            acknowledged >= target, "killed after " + target + " [acknowledged=" + acknowledged + "]");
                }
            }
            try (AgentProcess agent = AgentProcess.start(agentDir, engine.url())) {
                // The EA resends from its last acknowledged tick, including the request cut short by the kill,
                // whose ticks the agent may have committed before it died.
                final TickSender ea = new TickSender(ticks, acknowledged, ticks.size(), agent.port(), 20, "ea-1");
                ea.run();
                assertEquals(ticks.size(), ea.acknowledged.get(), "rest posted: " + ea.stoppedBy());
                Await.until(
                        () -> health(ea, agent).backlog() == 0
                                && health(ea, agent).forwardedSeq()
                                        == health(ea, agent).lastSeq(),
                        Duration.ofSeconds(60),
                        () -> "caught up:\n" + agent.output());
                last = health(ea, agent);
                assertEquals(0, agent.terminate(), "clean stop on SIGTERM:\n" + agent.output());
            }
            assertEquals(ticks.size(), last.lastSeq(), "every tick stored once: " + last.toJson());
            assertEquals(ticks.size(), engine.journaled(), "every tick journaled once");
        }
        engine.assertJournaledExactlyOnce(last.agentId(), ticks.size());
        engine.assertExpectedM1(FIXTURE);
    }

    private static AgentStatus health(final TickSender client, final AgentProcess agent) {
        try {
            return AgentStatus.fromJson(client.health(agent.port()).body());
        } catch (final IOException e) {
            throw new AssertionError("health of the agent:\n" + agent.output(), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
