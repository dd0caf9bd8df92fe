package io.tickengine.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.LoopbackPorts;
import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.edge.cli.StatusCommand;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code edge-agent status}: from the running agent's {@code /health}, or from the buffer when it is stopped. */
class StatusCommandTest {
    @TempDir
    Path engineDir;

    @TempDir
    Path agentDir;

    @Test
    void shouldReportBacklogAndLastErrorFromTheBufferWhenTheAgentIsStopped() throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks("EURUSD_20260713");
        try (EdgeAgent agent = AgentFixture.start(agentDir, AgentFixture.deadEngineUrl())) {
            new TickSender(ticks, 0, 100, agent.port(), 50, "ea-1").run();
            final HttpResponse<String> symbols = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + "/symbols"))
                                    .header("X-API-Key", TickSender.EA_KEY)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "[{\"name\":\"EURUSD\",\"digits\":5,\"point\":0.00001},"
                                                    + "{\"name\":\"GBPUSD\",\"digits\":5,\"point\":0.00001}]"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(202, symbols.statusCode(), symbols.body());
            Await.until(
                    () -> agent.stats().failures.get() >= 1,
                    Duration.ofSeconds(30),
                    () -> agent.status().toJson());
        }
        final String port = Integer.toString(LoopbackPorts.free());
        final CommandOutput text =
                CommandOutput.run(StatusCommand::new, "--data-dir", agentDir.toString(), "--port", port);
        assertEquals(1, text.exitCode(), "forwarding is failing: " + text.text());
        assertTrue(text.text().contains("not running (read from the buffer)"), text.text());
        assertTrue(text.text().contains("state         retrying"), text.text());
        assertTrue(text.text().contains("backlog       100 ticks, oldest waiting 0:0"), text.text());
        assertTrue(text.text().contains("last error    engine unreachable: "), text.text());
        assertTrue(text.text().contains("bars, symbols 0 bars, 2 symbol entries waiting"), text.text());
        final CommandOutput json =
                CommandOutput.run(StatusCommand::new, "--data-dir", agentDir.toString(), "--port", port, "--json");
        final AgentStatus status = AgentStatus.fromJson(json.text());
        assertEquals(100, status.backlog());
        assertEquals(0, status.barBacklog());
        assertEquals(2, status.symbolBacklog());
        assertFalse(status.running());
    }

    @Test
    void shouldAskTheRunningAgent() throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks("EURUSD_20260713");
        try (EngineFixture engine = new EngineFixture(engineDir);
                EdgeAgent agent = AgentFixture.start(agentDir, engine.url())) {
            new TickSender(ticks, 0, 500, agent.port(), 50, "ea-1").run();
            Await.until(
                    () -> agent.store().forwardedSeq() == 500,
                    Duration.ofSeconds(30),
                    () -> agent.status().toJson());
            final CommandOutput text = CommandOutput.run(
                    StatusCommand::new, "--data-dir", agentDir.toString(), "--port", Integer.toString(agent.port()));
            assertEquals(0, text.exitCode(), text.text());
            assertTrue(text.text().contains("edge agent " + agent.agentId() + ": running on port"), text.text());
            assertTrue(text.text().contains("state         ok"), text.text());
            assertTrue(text.text().contains("backlog       0 ticks"), text.text());
            assertTrue(text.text().contains("forwarded     through seq 500 of 500"), text.text());
            assertTrue(text.text().contains("500 forwarded since start"), text.text());
        }
    }
}
