package io.tickengine.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.security.ApiKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's {@code /ingest/tick} answers as the engine does (so an EA can point at either), and stores a request
 * only when it answers 202. The engine is down here, so whatever is stored stays in the buffer.
 */
class IngestContractTest {
    private static final String READ_KEY = "read-only-key-0123456789";
    private static final String TICK =
            "{\"symbol\":\"EURUSD\",\"time_msc\":1783944000093,\"bid\":1.14273," + "\"ask\":1.14277,\"flags\":6}";

    @TempDir
    Path agentDir;

    private EdgeAgent agent;
    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void startAgent() throws Exception {
        agent = AgentFixture.start(
                agentDir,
                AgentFixture.deadEngineUrl(),
                ApiKeys.parse(AgentFixture.EA_KEYS + "," + READ_KEY + "=read"),
                "agent.max.body.bytes=2048",
                "agent.max.ticks.per.request=10",
                "buffer.max.ticks=25");
    }

    @AfterEach
    void stopAgent() {
        agent.close();
    }

    @Test
    void shouldAnswerAnInvalidTickLikeTheEngineAndStoreNothingOfTheRequest() throws Exception {
        final HttpResponse<String> r =
                post("application/json", "[" + TICK + "," + TICK.replace("1.14273", "-1") + "]", TickSender.EA_KEY);
        assertEquals(400, r.statusCode());
        assertEquals("{\"error\":\"negative price\",\"index\":1,\"field\":\"bid\",\"status\":400}", r.body());
        assertEquals(0, agent.store().lastSeq());
    }

    @Test
    void shouldAcceptJsonNdjsonAndCsvAndATrailingNul() throws Exception {
        assertEquals(
                "{\"accepted\":1,\"duplicates\":0}",
                post("application/json; charset=utf-8", TICK + "\0", TickSender.EA_KEY)
                        .body());
        assertEquals(
                "{\"accepted\":2,\"duplicates\":0}",
                post("application/x-ndjson", TICK + "\n" + TICK + "\n", TickSender.EA_KEY)
                        .body());
        assertEquals(
                "{\"accepted\":2,\"duplicates\":0}",
                post(
                                "text/csv",
                                "symbol,time_msc,bid,ask,last,volume,flags\n"
                                        + "EURUSD,1783944000093,1.14273,1.14277,0,0,6\n"
                                        + "EURUSD,1783944000197,1.14271,1.14275,0,0,6\n",
                                TickSender.EA_KEY)
                        .body());
        assertEquals(5, agent.store().lastSeq());
        assertEquals(5, AgentStatus.fromJson(get("/health").body()).backlog());
    }

    @Test
    void shouldDropTicksTheirSenderAlreadySent() throws Exception {
        final String batch = "[" + TICK.replace("}", ",\"source\":\"ea-7\",\"seq\":1}") + ","
                + TICK.replace("}", ",\"source\":\"ea-7\",\"seq\":2}") + "]";
        assertEquals(
                "{\"accepted\":2,\"duplicates\":0}",
                post("application/json", batch, TickSender.EA_KEY).body());
        assertEquals(
                "{\"accepted\":0,\"duplicates\":2}",
                post("application/json", batch, TickSender.EA_KEY).body());
        final String next = "[" + TICK.replace("}", ",\"source\":\"ea-7\",\"seq\":2}") + ","
                + TICK.replace("}", ",\"source\":\"ea-7\",\"seq\":3}") + "]";
        assertEquals(
                "{\"accepted\":1,\"duplicates\":1}",
                post("application/json", next, TickSender.EA_KEY).body());
        assertEquals(3, agent.store().lastSeq());
    }

    @Test
    void shouldRefuseRequestsWithoutAnIngestKey() throws Exception {
        final HttpResponse<String> missing = post("application/json", TICK, null);
        assertEquals(401, missing.statusCode());
        assertEquals("{\"error\":\"missing API key: send X-API-Key\",\"status\":401}", missing.body());
        assertEquals(401, post("application/json", TICK, "not-a-key-0123456789").statusCode());
        final HttpResponse<String> readOnly = post("application/json", TICK, READ_KEY);
        assertEquals(403, readOnly.statusCode());
        assertTrue(readOnly.body().contains("scope=ingest"), readOnly.body());
        assertEquals(0, agent.store().lastSeq());
    }

    @Test
    void shouldRefuseWrongMediaTypesMethodsPathsAndSizes() throws Exception {
        assertEquals(415, post("text/plain", TICK, TickSender.EA_KEY).statusCode());
        assertEquals(
                413,
                post("application/json", " ".repeat(3000) + TICK, TickSender.EA_KEY)
                        .statusCode());
        assertEquals(
                413,
                post("application/x-ndjson", (TICK + "\n").repeat(11), TickSender.EA_KEY)
                        .statusCode());
        assertEquals(405, get("/ingest/tick").statusCode());
        assertEquals(404, get("/candles").statusCode());
        assertEquals(0, agent.store().lastSeq());
    }

    @Test
    void shouldAnswer507RatherThanGrowPastTheBufferCap() throws Exception {
        final String ten = (TICK + "\n").repeat(10);
        assertEquals(202, post("application/x-ndjson", ten, TickSender.EA_KEY).statusCode());
        assertEquals(202, post("application/x-ndjson", ten, TickSender.EA_KEY).statusCode());
        final HttpResponse<String> full = post("application/x-ndjson", ten, TickSender.EA_KEY);
        assertEquals(507, full.statusCode());
        assertTrue(full.body().contains("buffer full"), full.body());
        assertEquals(
                202,
                post("application/x-ndjson", (TICK + "\n").repeat(5), TickSender.EA_KEY)
                        .statusCode());
        assertEquals(25, agent.store().lastSeq());
        final HttpResponse<String> health = get("/health");
        assertEquals(503, health.statusCode(), "not accepting ticks: " + health.body());
        assertEquals("buffer full", AgentStatus.fromJson(health.body()).state());
    }

    @Test
    void shouldSayBufferDiskFullOnHealthAndAnswer507WhenTheDiskHasLessFreeSpaceThanWanted() throws Exception {
        agent.close();
        // More free space wanted than any disk has: the disk of the buffer counts as full.
        agent = AgentFixture.start(agentDir, AgentFixture.deadEngineUrl(), "buffer.min.free.mb=1000000000");

        final HttpResponse<String> refused = post("application/json", TICK, TickSender.EA_KEY);
        final HttpResponse<String> health = get("/health");

        assertEquals(507, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("disk nearly full [buffer.min.free.mb=1000000000]"), refused.body());
        assertEquals(503, health.statusCode(), health.body());
        final AgentStatus status = AgentStatus.fromJson(health.body());
        assertEquals("buffer disk full", status.state(), health.body());
        assertTrue(status.diskFreeBytes() >= 0, health.body());
        assertEquals(1_000_000_000L * 1024 * 1024, status.diskMinFreeBytes(), health.body());
        assertEquals(0, agent.store().lastSeq());
    }

    private HttpResponse<String> post(final String contentType, final String body, final String key) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + agent.port() + "/ingest/tick"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (key != null) {
            request.header("X-API-Key", key);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(final String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
