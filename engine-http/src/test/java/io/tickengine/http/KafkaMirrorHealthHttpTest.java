package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.LoopbackPorts;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code journal.mirror=kafka} with a cluster that cannot be reached: ingest goes on (the mirror is behind the
 * acknowledgement), {@code /health} and {@code /metrics} tell how far behind the mirror is and why.
 */
class KafkaMirrorHealthHttpTest {
    @TempDir
    Path dataDir;

    @Test
    void shouldAcceptTicksAndReportTheMirrorsLagWhileKafkaIsUnreachable() throws Exception {
        final int closedPort = LoopbackPorts.free();
        try (HttpFixture http = new HttpFixture(
                dataDir,
                null,
                "journal.mirror=kafka",
                "kafka.bootstrap.servers=127.0.0.1:" + closedPort,
                "kafka.producer.max.block.ms=500",
                "shutdown.timeout.ms=2000")) {
            final HttpResponse<String> ingest = http.post(
                    "/ingest/tick",
                    "text/csv",
                    "symbol,time_msc,bid,ask,last,volume,flags\n"
                            + "EURUSD,1783944000093,1.14273,1.14277,0,0,6\n"
                            + "EURUSD,1783944000193,1.14274,1.14278,0,0,6\n");
            assertEquals(202, ingest.statusCode(), ingest.body());
            HttpResponse<String> health = http.get("/health", null);
            final long deadlineNs = System.nanoTime() + 30_000_000_000L;
            while (!health.body().contains("\"lagRecords\":2,\"errors\":")
                    || health.body().contains("\"errors\":0,\"reason\"")) {
                assertTrue(System.nanoTime() - deadlineNs < 0, "mirror never reported: " + health.body());
                Thread.sleep(100);
                health = http.get("/health", null);
            }
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(health.body().contains("\"mirror\":{\"target\":\"kafka [topic=ticks"), health.body());
            assertTrue(health.body().contains("\"up\":false"), health.body());
            assertTrue(
                    health.body()
                            .contains("\"reason\":\"kafka: cluster unreachable [bootstrap=127.0.0.1:" + closedPort),
                    health.body());
            assertEquals(Set.of(), HealthSchemaTest.undocumented(health.body()), "docs/openapi.yaml names them");
            final String metrics = http.get("/metrics", HttpFixture.READ_KEY).body();
            assertTrue(metrics.contains("tick_kafka_mirror_lag_records 2"), metrics);
            assertTrue(metrics.contains("tick_kafka_mirror_up 0"), metrics);
        }
    }
}
