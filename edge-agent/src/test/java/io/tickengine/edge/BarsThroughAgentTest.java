package io.tickengine.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.TickFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /ingest} (bars) and {@code POST /symbols} through the agent: checked as the engine checks them, stored
 * before the answer, passed on in order and deleted only once the engine acknowledged them, so an agent restart and
 * an engine outage lose nothing and double nothing (a bar replaces its bar).
 */
class BarsThroughAgentTest {
    private static final String FIXTURE = "EURUSD_20260713";
    private static final String SYMBOL =
            "{\"name\":\"EURUSD\",\"canonical\":\"EURUSD\",\"digits\":5,\"point\":0.00001}";

    @TempDir
    Path engineDir;

    @TempDir
    Path agentDir;

    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void shouldForwardBarsAndSymbolsExactlyOnceAcrossAnAgentRestartAndAnEngineOutage() throws Exception {
        final EngineFixture engine = new EngineFixture(engineDir);
        engine.stop(); // down from the start
        final List<String> batches = barBatches(20);
        EdgeAgent agent = AgentFixture.start(agentDir, engine.url());
        try {
            assertEquals(202, post(agent, "/symbols", SYMBOL).statusCode());
            final HttpResponse<String> first = post(agent, "/ingest", batches.get(0));
            assertEquals(202, first.statusCode(), first.body());
            assertEquals("{\"accepted\":20,\"duplicates\":0}", first.body());
            agent.close(); // the agent restarts with both requests on disk only
            agent = AgentFixture.start(agentDir, engine.url());
            assertEquals(2, agent.bodies().backlog(), "kept across the restart");
            for (final String batch : batches.subList(1, batches.size())) {
                assertEquals(202, post(agent, "/ingest", batch).statusCode());
            }
            final EdgeAgent down = agent;
            Await.until(
                    () -> down.status().barForwardError() != null,
                    Duration.ofSeconds(30),
                    () -> "the bar forwarder's failure shown");
            final AgentStatus waiting = health(agent);
            assertEquals(TickFiles.expectedM1(FIXTURE).size(), waiting.barBacklog(), "/health: bars waiting");
            assertEquals(1, waiting.symbolBacklog(), "/health: symbol entries waiting");
            assertEquals(0, waiting.backlog(), "no ticks waiting");
            assertEquals("retrying", waiting.state(), "not ok while bars cannot be forwarded, with no tick waiting");
            engine.start();
            final EdgeAgent running = agent;
            final long items = 1 + TickFiles.expectedM1(FIXTURE).size();
            Await.until(
                    () -> backlog(running) == 0 && running.forwardedBodyItems() == items,
                    Duration.ofSeconds(30),
                    () -> "all forwarded: " + running.forwardedBodyItems() + " of " + items);
            assertEquals(0, agent.bodies().quarantined());
            final AgentStatus forwarded = health(agent);
            assertEquals(0, forwarded.barBacklog());
            assertEquals(0, forwarded.symbolBacklog());
            assertNull(forwarded.barForwardError());
            assertEquals("ok", forwarded.state());
        } finally {
            agent.close();
            engine.close();
        }
        engine.assertExpectedM1(FIXTURE);
    }

    @Test
    void shouldRefuseWhatTheEngineWouldRefuseAndStoreNothing() throws Exception {
        try (EngineFixture engine = new EngineFixture(engineDir);
                EdgeAgent agent = AgentFixture.start(agentDir, engine.url())) {
            final String bad = "[{\"symbol\":\"EURUSD\",\"timeframe\":\"M1\",\"time_msc\":1783944000000,\"open\":1.1,"
                    + "\"high\":1.0,\"low\":1.0,\"close\":1.05,\"tick_volume\":3,\"real_volume\":0,\"spread\":0.0001}]";
            final HttpResponse<String> refused = post(agent, "/ingest", bad);
            assertEquals(400, refused.statusCode());
            assertTrue(refused.body().contains("\"index\":0,\"field\":\"high\""), refused.body());
            final HttpResponse<String> notJson = post(agent, "/symbols", "EURUSD");
            assertEquals(400, notJson.statusCode(), notJson.body());
            // POST /symbols as the engine checks it: digits 0..10, a point that matches them, one digits per name.
            for (final String[] entry : List.of(
                    new String[] {"{\"name\":\"GBPUSD\",\"digits\":11,\"point\":1e-11}", "digits"},
                    new String[] {"{\"name\":\"GBPUSD\",\"digits\":5,\"point\":0.0001}", "point"},
                    new String[] {
                        "[{\"name\":\"GBPUSD\",\"digits\":5,\"point\":0.00001},"
                                + "{\"name\":\"GBPUSD.m\",\"canonical\":\"GBPUSD\",\"digits\":3,\"point\":0.001}]",
                        "digits"
                    })) {
                final HttpResponse<String> r = post(agent, "/symbols", entry[0]);
                assertEquals(400, r.statusCode(), r.body());
                assertTrue(r.body().contains("\"field\":\"" + entry[1] + "\""), r.body());
            }
            final HttpResponse<String> unaligned = post(
                    agent,
                    "/ingest",
                    bad.replace("1783944000000", "1783944000001").replace("\"high\":1.0", "\"high\":1.2"));
            assertEquals(400, unaligned.statusCode());
            assertTrue(unaligned.body().contains("\"field\":\"time_msc\""), unaligned.body());
            assertEquals(0, agent.bodies().backlog(), "nothing stored");
            assertEquals(0, agent.forwardedBodyItems());
        }
    }

    private static long backlog(final EdgeAgent agent) {
        try {
            return agent.bodies().backlog();
        } catch (final SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fixture's expected M1 bars as {@code POST /ingest} bodies of {@code size} bars. */
    static List<String> barBatches(final int size) {
        final List<TickFiles.Candle> bars = TickFiles.expectedM1(FIXTURE);
        final List<String> batches = new ArrayList<>();
        for (int from = 0; from < bars.size(); from += size) {
            final StringBuilder body = new StringBuilder("[");
            for (int i = from; i < Math.min(bars.size(), from + size); i++) {
                final TickFiles.Candle c = bars.get(i);
                body.append(i == from ? "" : ",")
                        .append("{\"symbol\":\"")
                        .append(c.symbol())
                        .append("\",\"timeframe\":\"M1\",\"time_msc\":")
                        .append(c.openTimeMsc())
                        .append(",\"open\":")
                        .append(c.open())
                        .append(",\"high\":")
                        .append(c.high())
                        .append(",\"low\":")
                        .append(c.low())
                        .append(",\"close\":")
                        .append(c.close())
                        .append(",\"tick_volume\":")
                        .append(c.tickVolume())
                        .append(",\"real_volume\":0,\"spread\":0.00001}");
            }
            batches.add(body.append(']').toString());
        }
        return batches;
    }

    private AgentStatus health(final EdgeAgent agent) throws Exception {
        final HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + "/health"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(response.body().contains("\"bar_backlog\":"), response.body());
        return AgentStatus.fromJson(response.body());
    }

    private HttpResponse<String> post(final EdgeAgent agent, final String path, final String body) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + path))
                        .header("X-API-Key", TickSender.EA_KEY)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
