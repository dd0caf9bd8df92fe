package io.tickengine.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.TickFiles;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 2: the engine goes away mid-file and comes back later on the same port and data dir; the agent keeps
 * accepting, buffers, catches up, and the engine ends up with every tick exactly once.
 */
class EngineOutageTest {
    private static final String FIXTURE = "BTCUSD_20230220";

    @TempDir
    Path engineDir;

    @TempDir
    Path agentDir;

    @Test
    void shouldBufferWhileTheEngineIsDownThenDeliverEveryTickExactlyOnce() throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks(FIXTURE);
        final int stopAt = ticks.size() * 3 / 10;
        final int sentBeforeStop = ticks.size() * 6 / 10;
        final EngineFixture engine = new EngineFixture(engineDir);
        final String agentId;
        try (engine;
                EdgeAgent agent = AgentFixture.start(agentDir, engine.url(), "forward.batch.size=100")) {
            agentId = agent.agentId();
            final TickSender client = new TickSender(ticks, 0, sentBeforeStop, agent.port(), 40, "ea-1");
            final Thread ea = new Thread(client, "ea");
            ea.start();
            Await.until(
                    () -> agent.store().forwardedSeq() >= stopAt,
                    Duration.ofSeconds(60),
                    () -> "forwarding under way: " + agent.status().toJson());

            engine.stop();
            ea.join(60_000);
            assertEquals(
                    sentBeforeStop, client.acknowledged.get(), "accepted while the engine went: " + client.stoppedBy());
            final TickSender rest = new TickSender(ticks, sentBeforeStop, ticks.size(), agent.port(), 40, "ea-1");
            rest.run();
            assertEquals(
                    ticks.size(), rest.acknowledged.get(), "accepted while the engine is down: " + rest.stoppedBy());
            Await.until(
                    () -> agent.status().state().equals("retrying"),
                    Duration.ofSeconds(30),
                    () -> "the agent notices the engine is gone: "
                            + agent.status().toJson());
            final AgentStatus down =
                    AgentStatus.fromJson(rest.health(agent.port()).body());
            assertTrue(down.backlog() > 0 && down.backlog() <= ticks.size() - stopAt, down.toJson());
            assertTrue(down.lastError() != null && down.backlogAgeMs() >= 0, down.toJson());
            final long forwardedWhileDown = agent.store().forwardedSeq();

            engine.start();
            Await.until(
                    () -> agent.store().forwardedSeq() == ticks.size(),
                    Duration.ofSeconds(60),
                    () -> "caught up: " + agent.status().toJson());
            assertTrue(forwardedWhileDown < ticks.size());
            final AgentStatus caughtUp =
                    AgentStatus.fromJson(rest.health(agent.port()).body());
            assertEquals(0, caughtUp.backlog(), caughtUp.toJson());
            assertEquals("ok", caughtUp.state(), caughtUp.toJson());
            // A batch in flight when the engine stopped may have been journaled with its answer lost: it was resent
            // and dropped there, and both sides counted the same ticks.
            assertEquals(engine.duplicates(), agent.stats().duplicates.get(), "duplicates seen by engine and agent");
            assertEquals(ticks.size(), engine.journaled());
        }
        engine.assertJournaledExactlyOnce(agentId, ticks.size());
        engine.assertExpectedM1(FIXTURE);
    }

    @Test
    void shouldHaveTheEngineDropTicksResentAfterTheForwardedMarkWasLost() throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks(FIXTURE);
        final EngineFixture engine = new EngineFixture(engineDir);
        final String agentId;
        try (engine) {
            try (EdgeAgent agent = AgentFixture.start(agentDir, engine.url())) {
                agentId = agent.agentId();
                final TickSender client = new TickSender(ticks, 0, ticks.size(), agent.port(), 200, "ea-1");
                client.run();
                assertEquals(ticks.size(), client.acknowledged.get(), "posted: " + client.stoppedBy());
                Await.until(
                        () -> agent.store().forwardedSeq() == ticks.size(),
                        Duration.ofSeconds(60),
                        () -> "forwarded: " + agent.status().toJson());
            }
            // What a crash between the engine's answer and the commit of the mark leaves behind.
            try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + agentDir.resolve("edge-agent.db"));
                    Statement s = db.createStatement()) {
                s.executeUpdate("UPDATE meta SET value = '0' WHERE key = 'forwarded_seq'");
            }
            try (EdgeAgent agent = AgentFixture.start(agentDir, engine.url())) {
                Await.until(
                        () -> agent.store().forwardedSeq() == ticks.size(),
                        Duration.ofSeconds(60),
                        () -> "forwarded again: " + agent.status().toJson());
                assertEquals(ticks.size(), agent.stats().duplicates.get(), "every resent tick is a duplicate");
            }
            assertEquals(ticks.size(), engine.duplicates());
            assertEquals(ticks.size(), engine.journaled());
        }
        engine.assertJournaledExactlyOnce(agentId, ticks.size());
        engine.assertExpectedM1(FIXTURE);
    }
}
