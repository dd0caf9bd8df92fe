package io.tickengine.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.TickFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 4: a tick the engine rejects goes to quarantine with the engine's reason, and the rest of its batch
 * and everything after it flows on.
 */
class QuarantineTest {
    private static final String FIXTURE = "EURUSD_20260713";

    @TempDir
    Path engineDir;

    @TempDir
    Path agentDir;

    @Test
    void shouldQuarantineARejectedTickWithItsReasonAndForwardTheRest() throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks(FIXTURE);
        final int half = ticks.size() / 2;
        // A row the agent's listener would never accept (it validates like the engine), as a damaged file or an
        // older agent might hold it: half the file, the bad tick, then the rest, so it lands mid-batch.
        StoredTicks.append(agentDir, ticks, 0, half);
        StoredTicks.execute(
                agentDir,
                "INSERT INTO ticks(symbol_id, time_msc, bid, ask, last, volume, volume_real, flags, received_msc)"
                        + " SELECT symbol_id, time_msc, -1.0, ask, last, volume, volume_real, flags, received_msc"
                        + " FROM ticks WHERE seq = " + half);
        final long badSeq = half + 1;
        StoredTicks.append(agentDir, ticks, half, ticks.size());
        final long lastSeq = ticks.size() + 1;

        final EngineFixture engine = new EngineFixture(engineDir);
        final String agentId;
        try (engine;
                EdgeAgent agent = AgentFixture.start(agentDir, engine.url(), "forward.batch.size=1000")) {
            agentId = agent.agentId();
            Await.until(
                    () -> agent.store().forwardedSeq() == lastSeq,
                    Duration.ofSeconds(60),
                    () -> "everything else forwarded: " + agent.status().toJson());
            final AgentStatus status = agent.status();
            assertEquals(0, status.backlog(), status.toJson());
            assertEquals(1, status.quarantined(), status.toJson());
            assertEquals(1, agent.stats().quarantined.get());
            assertEquals(ticks.size(), engine.journaled());
        }
        assertEquals(badSeq, StoredTicks.queryLong(agentDir, "SELECT seq FROM quarantine"));
        final String reason = StoredTicks.queryString(agentDir, "SELECT reason FROM quarantine");
        assertTrue(reason.startsWith("engine answered 400") && reason.contains("field=bid"), reason);
        assertEquals("EURUSD", StoredTicks.queryString(agentDir, "SELECT symbol FROM quarantine"));
        assertEquals(0, StoredTicks.queryLong(agentDir, "SELECT count(*) FROM ticks WHERE seq = " + badSeq));
        engine.assertJournaledExactlyOnce(agentId, lastSeq, badSeq);
        engine.assertExpectedM1(FIXTURE);
    }

    @Test
    void shouldQuarantineTicksOfASymbolTheEngineHasNoRoomForAndForwardTheRest() throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks(FIXTURE);
        final int half = ticks.size() / 2;
        final List<TickFiles.Tick> other = ticks.subList(0, 3).stream()
                .map(t -> new TickFiles.Tick("GBPUSD", t.timeMsc(), t.bid(), t.ask(), t.last(), t.volume(), t.flags()))
                .toList();
        StoredTicks.append(agentDir, ticks, 0, half);
        StoredTicks.append(agentDir, other, 0, other.size());
        StoredTicks.append(agentDir, ticks, half, ticks.size());
        final long lastSeq = ticks.size() + other.size();

        // Room for one symbol only: EURUSD takes it, GBPUSD is a permanent 422.
        final EngineFixture engine = new EngineFixture(engineDir, "names.capacity=1");
        final String agentId;
        try (engine;
                EdgeAgent agent = AgentFixture.start(agentDir, engine.url(), "forward.batch.size=1000")) {
            agentId = agent.agentId();
            Await.until(
                    () -> agent.store().forwardedSeq() == lastSeq,
                    Duration.ofSeconds(60),
                    () -> "everything else forwarded: " + agent.status().toJson());
            final AgentStatus status = agent.status();
            assertEquals(0, status.backlog(), status.toJson());
            assertEquals(other.size(), status.quarantined(), status.toJson());
            assertTrue(
                    status.lastQuarantineReason()
                            .startsWith(
                                    "engine answered 422: symbol table full [limit=1, " + "setting=names.capacity]"),
                    status.toJson());
            assertTrue(status.toJson().contains("\"quarantined\":3"), status.toJson());
            assertEquals(ticks.size(), engine.journaled());
        }
        assertEquals(
                other.size(),
                StoredTicks.queryLong(agentDir, "SELECT count(*) FROM quarantine WHERE symbol = 'GBPUSD'"));
        engine.assertJournaledExactlyOnce(agentId, lastSeq, half + 1, half + 2, half + 3);
        engine.assertExpectedM1(FIXTURE);
    }
}
