package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connection-level limits of the HTTP front, over raw loopback sockets: time to send, connections, idling. */
class LimitsHttpTest {
    private static final String TICK =
            "{\"symbol\":\"EURUSD\",\"time_msc\":1783944000093,\"bid\":1.14273,\"ask\":1.14277,\"flags\":6}";

    @TempDir
    Path dataDir;

    @Test
    void shouldAnswer408AndCloseWhenAClientStallsHalfwayThroughTheHeaders() throws Exception {
        try (HttpFixture http = new HttpFixture(dataDir, null, "http.request.timeout.ms=500");
                RawConnection connection = new RawConnection(http.server.port())) {
            connection.write("POST /ingest/tick HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty");

            final RawHttp.Response response = connection.readResponse();

            assertEquals(408, response.status(), response.body());
            assertTrue(response.body().startsWith("{\"error\":\""), response.body());
            assertTrue(connection.awaitClosedByServer(), "the connection closes after the 408");
        }
    }

    @Test
    void shouldAnswer408AndCloseWhenAClientStallsHalfwayThroughTheBody() throws Exception {
        try (HttpFixture http = new HttpFixture(dataDir, null, "http.request.timeout.ms=500");
                RawConnection connection = new RawConnection(http.server.port())) {
            final String request = RawConnection.request(
                    "POST",
                    "/ingest/tick",
                    Map.of("Content-Type", "application/json", "X-API-Key", HttpFixture.INGEST_KEY),
                    TICK);
            connection.write(request.substring(0, request.length() - TICK.length() / 2));

            final RawHttp.Response response = connection.readResponse();

            assertEquals(408, response.status(), response.body());
            assertTrue(connection.awaitClosedByServer(), "the connection closes after the 408");
            assertEquals(-1, http.server.engine().journal().lastIndex(), "half a request journals nothing");
        }
    }

    @Test
    void shouldCloseAConnectionThatStallsHalfwayThroughARequest() throws Exception {
        try (HttpFixture http = new HttpFixture(dataDir, null, "http.request.timeout.ms=500");
                RawConnection connection = new RawConnection(http.server.port())) {
            connection.write("POST /ingest/tick HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty");

            // Drains whatever answer comes to the end of the stream: fails if the connection stays open.
            connection.readUntilClosed();

            assertEquals(-1, http.server.engine().journal().lastIndex(), "half a request journals nothing");
        }
    }

    @Test
    void shouldRefuseAThirdConcurrentConnectionWith503AndServeOnceOneCloses() throws Exception {
        try (HttpFixture http = new HttpFixture(dataDir, null, "http.max.connections=2")) {
            final int port = http.server.port();
            final RawConnection first = new RawConnection(port);
            try (RawConnection second = new RawConnection(port)) {
                // An answer on each proves the server counts both before the third arrives.
                for (final RawConnection open : new RawConnection[] {first, second}) {
                    open.write(RawConnection.request("GET", "/health", Map.of(), null));
                    assertEquals(200, open.readResponse().status());
                }
                try (RawConnection third = new RawConnection(port)) {
                    final RawHttp.Response refused = third.readResponse();
                    assertEquals(503, refused.status(), refused.body());
                    assertEquals("1", refused.headers().get("retry-after"));
                    // Drains to the end of the stream: fails if the refused connection stays open.
                    third.readUntilClosed();
                }
                first.close();
                assertEquals(200, awaitServed(port), "a connection is served again once one of the two closed");
                second.write(RawConnection.request("GET", "/health", Map.of(), null));
                assertEquals(200, second.readResponse().status(), "the connections within the limit still work");
            } finally {
                first.close();
            }
        }
    }

    @Test
    void shouldFrameTheRefusalOfAConnectionOverTheLimitByItsContentLength() throws Exception {
        try (HttpFixture http = new HttpFixture(dataDir, null, "http.max.connections=1");
                RawConnection first = new RawConnection(http.server.port())) {
            first.write(RawConnection.request("GET", "/health", Map.of(), null));
            assertEquals(200, first.readResponse().status());
            try (RawConnection second = new RawConnection(http.server.port())) {
                final RawHttp.Response refused = second.readResponse();

                assertEquals(503, refused.status());
                assertEquals("{\"error\":\"too many connections, try again\",\"status\":503}", refused.body());
                assertTrue(second.awaitClosedByServer(), "nothing follows the body the Content-Length frames");
            }
        }
    }

    @Test
    void shouldCloseAKeepAliveConnectionLeftIdle() throws Exception {
        try (HttpFixture http = new HttpFixture(dataDir, null, "http.idle.timeout.ms=300");
                RawConnection connection = new RawConnection(http.server.port())) {
            connection.write(RawConnection.request("GET", "/health", Map.of(), null));
            final RawHttp.Response response = connection.readResponse();
            assertEquals(200, response.status());
            assertEquals("keep-alive", response.headers().get("connection"));

            assertTrue(
                    connection.awaitClosedByServer(),
                    "the server closes an idle keep-alive connection well within " + RawConnection.READ_TIMEOUT_MS
                            + " ms");
        }
    }

    @Test
    void shouldAnswerPipelinedRequestsInTheOrderTheyWereSent() throws Exception {
        try (HttpFixture http = new HttpFixture(dataDir, null);
                RawConnection connection = new RawConnection(http.server.port())) {
            // The ingest answer waits for the journal, /health answers at once: order must still hold.
            connection.write(RawConnection.request(
                            "POST",
                            "/ingest/tick",
                            Map.of("Content-Type", "application/json", "X-API-Key", HttpFixture.INGEST_KEY),
                            TICK)
                    + RawConnection.request("GET", "/health", Map.of("Connection", "close"), null));

            final RawHttp.Response first = connection.readResponse();
            final RawHttp.Response second = connection.readResponse();

            assertEquals(202, first.status(), first.body());
            assertEquals("{\"accepted\":1,\"duplicates\":0}", first.body());
            assertEquals(200, second.status(), second.body());
            assertTrue(second.body().startsWith("{\"status\":\"ok\""), second.body());
            assertTrue(second.body().contains("\"ticks\":1,"), "health sees the tick acknowledged before it");
            assertTrue(connection.awaitClosedByServer(), "Connection: close on the last request is honoured");
        }
    }

    /** @return the status of {@code GET /health} on a new connection, retried until one is not refused. */
    private static int awaitServed(final int port) throws Exception {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (RawConnection connection = new RawConnection(port)) {
                connection.write(RawConnection.request("GET", "/health", Map.of("Connection", "close"), null));
                final int status = connection.readResponse().status();
                // The server frees the slot when it sees the close, a moment after the client closed.
                if (status != 503 || System.nanoTime() - deadlineNs > 0) {
                    return status;
                }
            } catch (final java.io.IOException refused) {
                // A refused connection may be reset under our request instead of showing its 503.
                if (System.nanoTime() - deadlineNs > 0) {
                    throw refused;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    @Test
    void shouldAnswerAFullSymbolTableWith422NamingTheLimitAndKeepTakingKnownSymbols() throws Exception {
        try (HttpFixture http = new HttpFixture(dataDir, null, "names.capacity=2")) {
            assertEquals(
                    202,
                    http.post("/ingest/tick", "application/json", tick("EURUSD", 0))
                            .statusCode());
            assertEquals(
                    202,
                    http.post("/ingest/tick", "application/json", tick("GBPUSD", 1))
                            .statusCode());

            final java.net.http.HttpResponse<String> full = http.post(
                    "/ingest/tick", "application/json", "[" + tick("EURUSD", 2) + "," + tick("USDJPY", 3) + "]");

            assertEquals(422, full.statusCode(), full.body());
            assertTrue(
                    full.headers().firstValue("Retry-After").isEmpty(), "nothing to retry until the limit is raised");
            assertEquals(
                    "{\"error\":\"symbol table full [limit=2, setting=names.capacity]\",\"index\":1,"
                            + "\"field\":\"symbol\",\"status\":422}",
                    full.body());
            assertEquals(
                    202,
                    http.post("/ingest/tick", "application/json", tick("EURUSD", 4))
                            .statusCode());
            assertEquals(3, http.server.engine().metrics().ticksJournaled.get(), "nothing of the refused request");

            final java.net.http.HttpResponse<String> bars = http.post(
                    "/ingest",
                    "application/json",
                    "{\"symbol\":\"USDJPY\",\"timeframe\":\"M1\",\"time_msc\":1783944000000,\"open\":150.1,"
                            + "\"high\":150.2,\"low\":150.0,\"close\":150.1,\"tick_volume\":3,\"real_volume\":0,"
                            + "\"spread\":2}");
            assertEquals(422, bars.statusCode(), bars.body());
            assertTrue(bars.body().contains("[limit=2, setting=names.capacity]"), bars.body());
        }
    }

    @Test
    void shouldAnswerAFullSourceTableWith422NamingTheLimit() throws Exception {
        try (HttpFixture http = new HttpFixture(dataDir, null, "names.capacity=1")) {
            final String first =
                    "{\"symbol\":\"EURUSD\",\"time_msc\":1783944000093,\"bid\":1.1,\"source\":\"a\",\"seq\":1}";
            final String second =
                    "{\"symbol\":\"EURUSD\",\"time_msc\":1783944000094,\"bid\":1.1,\"source\":\"b\",\"seq\":1}";
            assertEquals(
                    202, http.post("/ingest/tick", "application/json", first).statusCode());

            final java.net.http.HttpResponse<String> full = http.post("/ingest/tick", "application/json", second);

            assertEquals(422, full.statusCode(), full.body());
            assertTrue(full.body().contains("source table full [limit=1, setting=names.capacity]"), full.body());
            assertTrue(full.body().contains("\"field\":\"source\""), full.body());
        }
    }

    private static String tick(final String symbol, final int n) {
        return "{\"symbol\":\"" + symbol + "\",\"time_msc\":" + (1_783_944_000_093L + n)
                + ",\"bid\":1.14273,\"ask\":1.14277,\"flags\":6}";
    }
}
