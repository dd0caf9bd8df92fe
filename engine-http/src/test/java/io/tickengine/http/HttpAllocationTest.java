package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.ResourceLeakDetector;
import io.tickengine.core.EngineContext;
import io.tickengine.core.security.ApiKeys;
import io.tickengine.http.server.HttpContext;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the event loops allocate for a single-tick request read by the plain request decoder, answered with the
 * shared pre-built 202: a deterministic count of bytes (the JVM's per-thread allocation counter), not a timing. Before
 * the plain decoder, Netty's decoder, header map and aggregator made about 1,300 B of it.
 */
class HttpAllocationTest {
    private static final int WARM_UP_REQUESTS = 5_000;
    private static final int MEASURED_REQUESTS = 1_000;
    private static final int WINDOWS = 5;
    /**
     * The per-request exchange, the one object the design keeps per request (48 B measured). The ingest route's
     * pending answer, another 80 B or so, is reused while the journal answers in the publishing call.
     */
    private static final int MAX_BYTES_PER_REQUEST = 100;

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @TempDir
    Path dataDir;

    private EngineServer server;

    /** The test JVMs track every buffer (paranoid leak detection), which allocates a stack trace per buffer. */
    private ResourceLeakDetector.Level leakDetection;

    @BeforeEach
    void leakDetectionOff() {
        leakDetection = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    @AfterEach
    void close() {
        ResourceLeakDetector.setLevel(leakDetection);
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldAllocateLittleOnTheEventLoopPerSingleTickRequest() throws Exception {
        server = EngineServer.start(
                new EngineContext().set("data.dir", dataDir.toString()),
                new HttpContext().set("http.port", "0").set("http.bind", "127.0.0.1"),
                ApiKeys.parse(HttpFixture.KEYS));
        long timeMsc = 1_700_000_000_000L;
        try (RawConnection connection = new RawConnection(server.port())) {
            for (int i = 0; i < WARM_UP_REQUESTS; i++) {
                send(connection, timeMsc++);
            }
            final long[] eventLoops = eventLoopThreadIds();
            assertFalse(eventLoops.length == 0, "no event loop thread found");
            long perRequest = Long.MAX_VALUE;
            for (int window = 0; window < WINDOWS && perRequest >= MAX_BYTES_PER_REQUEST; window++) {
                final String[] requests = new String[MEASURED_REQUESTS];
                for (int i = 0; i < MEASURED_REQUESTS; i++) {
                    requests[i] = request(timeMsc++);
                }
                final long before = allocated(eventLoops);
                for (final String request : requests) {
                    connection.write(request);
                    assertEquals(202, connection.readResponse().status());
                }
                // The least of a few windows: Chronicle maps a new chunk or index block now and then, once per
                // thousands of documents, which is not allocation per request.
                perRequest = Math.min(perRequest, (allocated(eventLoops) - before) / MEASURED_REQUESTS);
            }
            System.out.println("event loop allocation per single-tick request: " + perRequest + " B");
            assertTrue(
                    perRequest < MAX_BYTES_PER_REQUEST,
                    "event loop allocation [bytesPerRequest=" + perRequest + ", max=" + MAX_BYTES_PER_REQUEST + "]");
        }
    }

    private static void send(final RawConnection connection, final long timeMsc) throws Exception {
        connection.write(request(timeMsc));
        assertEquals(202, connection.readResponse().status());
    }

    private static String request(final long timeMsc) {
        return RawConnection.request(
                "POST",
                "/ingest/tick",
                Map.of("Content-Type", "application/json", "X-API-Key", HttpFixture.INGEST_KEY),
                "{\"symbol\":\"EURUSD\",\"time_msc\":" + timeMsc + ",\"bid\":1.0841,\"ask\":1.0843,\"last\":0,"
                        + "\"volume\":0,\"flags\":6}");
    }

    private long[] eventLoopThreadIds() {
        final List<Long> ids = new ArrayList<>();
        for (final Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("tick-http-") && !thread.getName().startsWith("tick-http-accept")) {
                ids.add(thread.getId());
            }
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    private long allocated(final long[] ids) {
        long sum = 0;
        for (final long bytes : threads.getThreadAllocatedBytes(ids)) {
            sum += Math.max(0, bytes);
        }
        return sum;
    }
}
