package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.LoopbackPorts;
import io.tickengine.core.testsupport.TickFiles;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian package {@code prometheus}) scrapes the engine on loopback every second with the
 * shipped {@code ops/compose/prometheus.yml} (target, key file and interval swapped for the test's): the read key
 * goes as a bearer token from a file. After a real tick file is ingested, its HTTP API answers the ack latency's p99
 * and the ingest rate, and every query of the shipped Grafana dashboard is valid PromQL over metrics the engine
 * exports.
 */
class PrometheusScrapeTest {
    private static final String FIXTURE = "EURUSD_20260713";
    private static final Pattern SAMPLE_VALUE = Pattern.compile("\"value\":\\[[^,]+,\"([^\"]+)\"\\]");
    private static final Pattern EXPR = Pattern.compile("\"expr\": \"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern METRIC = Pattern.compile("\\btick_[a-z_]+");

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @Test
    void shouldAnswerTheAckLatencyP99AndTheIngestRateThroughPrometheus() throws Exception {
        final Path prometheus = Tools.require("prometheus", "prometheus");
        final List<TickFiles.Tick> ticks = TickFiles.ticks(FIXTURE);
        try (HttpFixture http = new HttpFixture(dir.resolve("engine"), null)) {
            final int prometheusPort = LoopbackPorts.free();
            final Path config = writeConfig(http.server.port());
            final Path log = dir.resolve("prometheus.log");
            final Process process = new ProcessBuilder(
                            prometheus.toString(),
                            "--config.file=" + config,
                            "--storage.tsdb.path=" + dir.resolve("tsdb"),
                            "--web.listen-address=127.0.0.1:" + prometheusPort,
                            "--log.level=warn")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try {
                final String api = "http://127.0.0.1:" + prometheusPort;
                awaitQuery(api, "up{job=\"tick-engine\"}", values -> values.contains(1.0), log);

                final int half = ticks.size() / 2;
                ingest(http, ticks, 0, half);
                awaitQuery(api, "tick_ticks_journaled_total", values -> values.contains((double) half), log);
                ingest(http, ticks, half, ticks.size());
                awaitQuery(api, "tick_ticks_journaled_total", values -> values.contains((double) ticks.size()), log);

                final List<Double> p99 = query(
                        api,
                        "histogram_quantile(0.99, sum by (le) (rate(tick_ingest_ack_latency_seconds_bucket[1m])))");
                assertEquals(1, p99.size(), "one p99 series");
                assertTrue(p99.get(0) > 0 && p99.get(0) < 60, "a finite p99 in seconds: " + p99);

                final List<Double> rate = query(api, "sum(rate(tick_ticks_journaled_total[1m]))");
                assertEquals(1, rate.size(), "one rate series");
                assertTrue(rate.get(0) > 0, "ticks per second: " + rate);

                assertDashboardQueriesWork(
                        api, http.get("/metrics", HttpFixture.READ_KEY).body());
            } finally {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }

    /** The shipped scrape config, pointed at the test's engine and key file, scraping every second. */
    private Path writeConfig(final int enginePort) throws IOException {
        final Path keyFile = Files.writeString(dir.resolve("read-key"), HttpFixture.READ_KEY);
        final String shipped = Files.readString(opsCompose().resolve("prometheus.yml"));
        final String config = replace(
                replace(
                        replace(
                                replace(shipped, "engine:18001", "127.0.0.1:" + enginePort),
                                "/run/secrets/prometheus-read-key",
                                keyFile.toString()),
                        "scrape_interval: 5s",
                        "scrape_interval: 1s"),
                "scrape_timeout: 4s",
                "scrape_timeout: 1s");
        return Files.writeString(dir.resolve("prometheus.yml"), config);
    }

    private static String replace(final String text, final String what, final String with) {
        assertTrue(text.contains(what), "ops/compose/prometheus.yml no longer contains " + what);
        return text.replace(what, with);
    }

    static Path opsCompose() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("ops/compose/prometheus.yml"))) {
                return d.resolve("ops/compose");
            }
        }
        throw new AssertionError(
                "ops/compose/prometheus.yml not found above " + Path.of("").toAbsolutePath());
    }

    /**
     * Every {@code expr} of the shipped dashboard, with its variables filled in, is accepted by Prometheus, and every
     * {@code tick_} metric it names is one the engine exports.
     */
    private void assertDashboardQueriesWork(final String api, final String exposition) throws Exception {
        final String dashboard = Files.readString(opsCompose().resolve("grafana/dashboards/tick-engine.json"));
        final Matcher expr = EXPR.matcher(dashboard);
        int queries = 0;
        while (expr.find()) {
            final String promQl = expr.group(1)
                    .replace("\\\"", "\"")
                    .replace("$job", "tick-engine")
                    .replace("$__rate_interval", "1m");
            query(api, promQl);
            final Matcher metric = METRIC.matcher(promQl);
            while (metric.find()) {
                final String name = metric.group();
                final String family = name.replaceAll("_(bucket|count|sum)$", "");
                assertTrue(
                        exposition.contains("\n" + name) || exposition.contains("# TYPE " + family + " "),
                        "the dashboard names a metric the engine does not export: " + name);
            }
            queries++;
        }
        assertTrue(queries >= 20, "dashboard queries found: " + queries);
    }

    private static void ingest(final HttpFixture http, final List<TickFiles.Tick> ticks, final int from, final int to)
            throws Exception {
        for (int start = from; start < to; start += 200) {
            final int end = Math.min(to, start + 200);
            final HttpResponse<String> r =
                    http.post("/ingest/tick", "application/json", HttpFixture.jsonArray(ticks, start, end, "ea-1"));
            assertEquals(202, r.statusCode(), r.body());
        }
    }

    /** Queries until the values satisfy {@code done}, at most 60 s (Prometheus scrapes every second). */
    private void awaitQuery(final String api, final String promQl, final Predicate<List<Double>> done, final Path log)
            throws Exception {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<Double> values = List.of();
        while (System.nanoTime() - deadlineNs < 0) {
            try {
                values = query(api, promQl);
                if (done.test(values)) {
                    return;
                }
            } catch (final IOException e) {
                // Prometheus is still starting.
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        throw new AssertionError("Prometheus never answered as expected [query=" + promQl + ", last=" + values
                + "]\nprometheus log:\n" + (Files.exists(log) ? Files.readString(log) : "(none)"));
    }

    private List<Double> query(final String api, final String promQl) throws Exception {
        final HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(URI.create(
                                api + "/api/v1/query?query=" + URLEncoder.encode(promQl, StandardCharsets.UTF_8)))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 503) {
            // Prometheus answers 503 until its storage is ready: still starting, as a refused connection.
            throw new IOException("Prometheus not ready: " + r.body());
        }
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"status\":\"success\""), r.body());
        final List<Double> values = new ArrayList<>();
        final Matcher m = SAMPLE_VALUE.matcher(r.body());
        while (m.find()) {
            final double value = Double.parseDouble(m.group(1));
            assertFalse(Double.isNaN(value), "NaN in " + r.body());
            values.add(value);
        }
        return values;
    }
}
