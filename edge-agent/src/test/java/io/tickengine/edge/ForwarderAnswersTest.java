package io.tickengine.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.TickFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the forwarder handles each kind of answer, against a scripted engine over real HTTP. */
class ForwarderAnswersTest {
    private static final int TICKS = 30;

    @TempDir
    Path agentDir;

    @BeforeEach
    void storeTicks() throws Exception {
        StoredTicks.append(agentDir, TickFiles.ticks("EURUSD_20260713"), 0, TICKS);
    }

    @Test
    void shouldSendTheSameBatchAgainAfter503HonouringRetryAfter() throws Exception {
        try (StubEngine engine = new StubEngine((n, request) -> n == 0
                        ? new StubEngine.Answer(503, "{\"error\":\"ring full: try again\",\"status\":503}", "1")
                        : StubEngine.Answer.accepted(request));
                EdgeAgent agent = AgentFixture.start(agentDir, engine.url())) {
            awaitForwarded(agent, TICKS);
            final List<StubEngine.Received> received = List.copyOf(engine.received);
            assertEquals(2, received.size());
            assertEquals(received.get(0).body(), received.get(1).body(), "the same batch, unchanged");
            final long waitedNs = received.get(1).atNs() - received.get(0).atNs();
            assertTrue(waitedNs >= 1_000_000_000L, "waited for Retry-After: 1 [waitedMs=" + waitedNs / 1_000_000 + "]");
            assertEquals(1, agent.stats().failures.get());
            assertEquals(0, agent.status().quarantined());
        }
    }

    @Test
    void shouldKeepRetryingWithoutQuarantineWhileTheEngineRefusesTheKey() throws Exception {
        try (StubEngine engine = new StubEngine((n, request) -> n < 3
                        ? new StubEngine.Answer(401, "{\"error\":\"unknown API key\",\"status\":401}", null)
                        : StubEngine.Answer.accepted(request));
                EdgeAgent agent = AgentFixture.start(agentDir, engine.url())) {
            Await.until(
                    () -> agent.stats().failures.get() == 3
                            && agent.status().state().equals("retrying"),
                    Duration.ofSeconds(30),
                    () -> agent.status().toJson());
            awaitForwarded(agent, TICKS);
            final AgentStatus status = agent.status();
            assertEquals(0, status.quarantined(), status.toJson());
            assertTrue(
                    status.lastError().contains("401") && status.lastError().contains("unknown API key"),
                    status.toJson());
            assertEquals("ok", status.state());
            assertEquals(4, engine.received.size());
        }
    }

    @Test
    void shouldQuarantineTheWholeBatchWhenTheEngineNamesNoTickAndSendTheNext() throws Exception {
        try (StubEngine engine = new StubEngine((n, request) -> n == 0
                        ? new StubEngine.Answer(400, "{\"error\":\"not CSV\",\"status\":400}", null)
                        : StubEngine.Answer.accepted(request));
                EdgeAgent agent = AgentFixture.start(agentDir, engine.url(), "forward.batch.size=10")) {
            awaitForwarded(agent, TICKS);
            assertEquals(10, agent.status().quarantined());
            assertEquals(11, engine.received.get(1).firstSeq(), "the next batch follows the quarantined one");
        }
        assertEquals(10, StoredTicks.queryLong(agentDir, "SELECT count(*) FROM quarantine WHERE seq BETWEEN 1 AND 10"));
        assertEquals(
                "engine answered 400: not CSV",
                StoredTicks.queryString(agentDir, "SELECT DISTINCT reason FROM quarantine"));
    }

    @Test
    void shouldQuarantineTheTickTheEngineRefusesAsBelowItsDedupWindowAndResendTheRest() throws Exception {
        try (StubEngine engine = new StubEngine((n, request) -> n == 0
                        ? new StubEngine.Answer(
                                409,
                                "{\"error\":\"seq below the dedup window [source=agent, seq=3, window=4..40003]\","
                                        + "\"index\":2,\"field\":\"seq\",\"status\":409}",
                                null)
                        : StubEngine.Answer.accepted(request));
                EdgeAgent agent = AgentFixture.start(agentDir, engine.url(), "forward.batch.size=10")) {
            awaitForwarded(agent, TICKS);
            assertEquals(1, agent.status().quarantined());
            assertEquals(1, engine.received.get(1).firstSeq(), "the ticks before it are sent again");
        }
        assertEquals(1, StoredTicks.queryLong(agentDir, "SELECT count(*) FROM quarantine WHERE seq = 3"));
    }

    @Test
    void shouldHalveBatchesTheEngineRefusesAsTooLarge() throws Exception {
        try (StubEngine engine = new StubEngine((n, request) -> request.ticks() > 8
                        ? new StubEngine.Answer(413, "{\"error\":\"too many ticks\",\"status\":413}", null)
                        : StubEngine.Answer.accepted(request));
                EdgeAgent agent = AgentFixture.start(agentDir, engine.url(), "forward.batch.size=30")) {
            awaitForwarded(agent, TICKS);
            assertEquals(0, agent.status().quarantined());
            assertEquals(
                    List.of(30, 15, 7),
                    engine.received.stream()
                            .limit(3)
                            .map(StubEngine.Received::ticks)
                            .toList());
        }
    }

    @Test
    void shouldNotMoveTheMarkWhileTheEngineFails() throws Exception {
        try (StubEngine engine = new StubEngine(
                        (n, request) -> new StubEngine.Answer(500, "{\"error\":\"boom\",\"status\":500}", null));
                EdgeAgent agent = AgentFixture.start(agentDir, engine.url())) {
            Await.until(
                    () -> engine.received.size() >= 3,
                    Duration.ofSeconds(30),
                    () -> agent.status().toJson());
            assertEquals(0, agent.store().forwardedSeq());
            assertEquals(TICKS, agent.status().backlog());
            assertEquals(0, agent.status().quarantined());
        }
    }

    private static void awaitForwarded(final EdgeAgent agent, final long seq) {
        Await.until(
                () -> agent.store().forwardedSeq() == seq,
                Duration.ofSeconds(30),
                () -> "forwarded to " + seq + ": " + agent.status().toJson());
    }
}
