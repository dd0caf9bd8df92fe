package io.tickengine.http;

import static io.tickengine.http.PromText.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.journal.TickRecordDescriptor;
import io.tickengine.core.testsupport.LoopbackPorts;
import io.tickengine.core.testsupport.TickFiles;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} after a real tick file: the counters equal what was sent, each histogram counts every
 * request, and {@code promtool check metrics} finds nothing to complain about.
 */
class MetricsEndpointTest {
    private static final String FIXTURE = "EURUSD_20260713";
    private static final int BATCH = 250;

    @TempDir
    Path dataDir;

    @Test
    void shouldExportCountsEqualToWhatWasSentAndPassPromtool() throws Exception {
        final Path promtool = Tools.require("promtool", "prometheus");
        final List<TickFiles.Tick> ticks = TickFiles.ticks(FIXTURE);
        final String symbol = ticks.get(0).symbol();
        try (HttpFixture http = new HttpFixture(dataDir, null)) {
            int requests = 0;
            for (int from = 0; from < ticks.size(); from += BATCH) {
                final int to = Math.min(ticks.size(), from + BATCH);
                final HttpResponse<String> r =
                        http.post("/ingest/tick", "application/json", HttpFixture.jsonArray(ticks, from, to, "ea-1"));
                assertEquals(202, r.statusCode(), r.body());
                requests++;
            }
            // The first batch again: duplicates, still acknowledged.
            assertEquals(
                    "{\"accepted\":0,\"duplicates\":" + BATCH + "}",
                    http.post("/ingest/tick", "application/json", HttpFixture.jsonArray(ticks, 0, BATCH, "ea-1"))
                            .body());
            requests++;
            final String bad = "{\"symbol\":\"" + symbol + "\",\"time_msc\":1783944000093,\"bid\":-1,\"flags\":6}";
            assertEquals(400, http.post("/ingest/tick", "application/json", bad).statusCode());
            final HttpResponse<String> noKey = http.client.send(
                    HttpRequest.newBuilder(http.uri("/ingest/tick"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(bad))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, noKey.statusCode());
            http.awaitCommitted();

            final HttpResponse<String> scrape = http.get("/metrics", HttpFixture.READ_KEY);
            assertEquals(200, scrape.statusCode(), scrape.body());
            assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            final Map<String, Double> m = PromText.parse(scrape.body());

            assertEquals(ticks.size(), m.get("tick_ticks_journaled_total"));
            assertEquals(BATCH, m.get("tick_ticks_duplicate_total"));
            assertEquals(ticks.size(), m.get(key("tick_symbol_ticks_total", "symbol", symbol)));
            assertEquals(
                    ticks.stream().mapToLong(TickFiles.Tick::timeMsc).max().orElseThrow() / 1000.0,
                    m.get(key("tick_symbol_last_tick_timestamp_seconds", "symbol", symbol)));
            assertEquals(requests, m.get(key("tick_http_requests_total", "route", "/ingest/tick", "code", "202")));
            assertEquals(1, m.get(key("tick_http_requests_total", "route", "/ingest/tick", "code", "400")));
            assertEquals(1, m.get(key("tick_http_requests_total", "route", "/ingest/tick", "code", "401")));
            assertEquals(0, m.get(key("tick_http_requests_total", "route", "/ingest/tick", "code", "429")));
            assertEquals(0, m.get(key("tick_http_requests_total", "route", "/ingest/tick", "code", "503")));
            assertEquals(0, m.get("tick_http_internal_errors_total"), "shown from start");
            assertEquals(1, m.get(key("tick_ingest_rejected_requests_total", "reason", "invalid")));
            assertEquals(1, m.get(key("tick_ingest_rejected_requests_total", "reason", "unauthorized")));
            assertEquals(0, m.get(key("tick_ticks_rejected_total", "reason", "ring_full")));

            assertEquals(
                    requests, m.get("tick_ingest_ack_latency_seconds_count"), "one value per acknowledged request");
            assertEquals(requests, m.get(key("tick_ingest_ack_latency_seconds_bucket", "le", "+Inf")));
            assertEquals(requests, m.get("tick_journal_latency_seconds_count"), "one value per published request");
            assertTrue(m.get("tick_ingest_ack_latency_seconds_sum") > 0);
            assertTrue(m.get("tick_candle_freshness_seconds_count") > 0);
            assertEquals(m.get("tick_store_batches_total"), m.get("tick_store_batch_bars_count"));
            assertEquals(1, m.get("tick_journal_replay_duration_seconds_count"), "one replay at start");

            assertEquals(1, m.get("tick_store_up"));
            assertEquals(
                    m.get("tick_journal_last_index"),
                    m.get("tick_journal_committed_index"),
                    "everything journaled is committed");
            // The hour's bars (H1, H4, D1) are still open: a restart would replay their ticks, and no more.
            assertTrue(m.get("tick_replay_lag_records") <= ticks.size());
            assertEquals(
                    m.get("tick_journal_last_index"),
                    m.get("tick_tick_store_committed_index"),
                    "every journaled tick is in the tick store");
            assertEquals(m.get("tick_ring_slots"), m.get("tick_ring_remaining_slots"), "the ring is drained");
            // Every tick takes at least the part of a packed record that is always there.
            assertTrue(m.get("tick_journal_appended_bytes_total")
                    >= ticks.size() * (double) TickRecordDescriptor.PACKED_HEADER_LENGTH);
            assertTrue(m.get("tick_candles_written_total") > 0);

            assertPromtoolFindsNoProblem(promtool, scrape.body());
        }
    }

    @Test
    void shouldNegotiateOpenMetricsAndAcceptABearerKey() throws Exception {
        try (HttpFixture http = new HttpFixture(dataDir, null)) {
            final HttpResponse<String> r = http.client.send(
                    HttpRequest.newBuilder(http.uri("/metrics"))
                            .header("Authorization", "Bearer " + HttpFixture.READ_KEY)
                            .header("Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
            assertTrue(r.body().endsWith("# EOF\n"));
            assertEquals(401, http.get("/metrics", null).statusCode(), "a key is needed unless http.metrics.open");
            assertEquals(403, http.get("/metrics", HttpFixture.INGEST_KEY).statusCode(), "the read scope is needed");
        }
    }

    @Test
    void shouldCountUnknownPathsUnderOneLabelWhateverTheClientSends() throws Exception {
        try (HttpFixture http = new HttpFixture(dataDir, null)) {
            for (int i = 0; i < 20; i++) {
                assertEquals(
                        404,
                        http.get("/no-such-path-" + i, HttpFixture.READ_KEY).statusCode());
            }
            final int queryCode =
                    http.get("/query/no-such-view-1", HttpFixture.READ_KEY).statusCode();
            assertEquals(
                    queryCode,
                    http.get("/query/no-such-view-2", HttpFixture.READ_KEY).statusCode());
            final String body = http.get("/metrics", HttpFixture.READ_KEY).body();
            final Map<String, Double> m = PromText.parse(body);
            assertEquals(20, m.get(key("tick_http_requests_total", "route", "other", "code", "404")));
            assertEquals(
                    2,
                    m.get(key("tick_http_requests_total", "route", "/query/*", "code", Integer.toString(queryCode))),
                    "paths under a prefix route count under its pattern");
            assertTrue(!body.contains("no-such-"), "a client-chosen path never becomes a label");
        }
    }

    @Test
    void shouldServeMetricsWithoutAKeyWhenOpenAndOnItsOwnPort() throws Exception {
        final int metricsPort = LoopbackPorts.free();
        try (HttpFixture http =
                new HttpFixture(dataDir, null, "http.metrics.open=true", "http.metrics.port=" + metricsPort)) {
            assertEquals(200, http.get("/metrics", null).statusCode());
            final HttpResponse<String> own = http.client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, own.statusCode());
            assertTrue(own.body().contains("tick_ticks_journaled_total 0"));
            final HttpResponse<String> other = http.client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/health"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, other.statusCode(), "the metrics port serves /metrics only");
        }
    }

    static void assertPromtoolFindsNoProblem(final Path promtool, final String exposition) throws Exception {
        final Process process = new ProcessBuilder(promtool.toString(), "check", "metrics")
                .redirectErrorStream(true)
                .start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, process.exitValue(), "promtool check metrics found problems:\n" + output);
        assertEquals("", output.trim(), "promtool check metrics found problems");
    }
}
