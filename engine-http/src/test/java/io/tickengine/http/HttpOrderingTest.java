package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.tickengine.core.EngineContext;
import io.tickengine.core.TickEngine;
import io.tickengine.core.security.ApiKeys;
import io.tickengine.core.security.Scope;
import io.tickengine.http.route.Exchange;
import io.tickengine.http.route.Responses;
import io.tickengine.http.route.Route;
import io.tickengine.http.server.HttpContext;
import io.tickengine.http.server.TickHttpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answers leave a connection in request order whatever the routes do, over raw loopback sockets: an answer that
 * comes late, a 408 while an answer is still pending, and a client that pipelines thousands of requests without
 * reading the answers.
 */
class HttpOrderingTest {
    private static final int PAD_BYTES = 16 * 1024;

    @TempDir
    Path dataDir;

    private TickEngine engine;
    private TickHttpServer http;
    private final AtomicInteger taken = new AtomicInteger();

    @AfterEach
    void close() {
        if (http != null) {
            http.stopAccepting();
        }
        if (engine != null) {
            engine.close();
        }
        if (http != null) {
            http.close();
        }
    }

    @Test
    void shouldDropALateSecondAnswerInsteadOfAnsweringTheNextRequest() throws Exception {
        start("http.request.timeout.ms=10000");
        try (RawConnection connection = new RawConnection(http.port())) {
            connection.write(get("/test/twice") + get("/test/slow?ms=600"));

            final RawHttp.Response first = connection.readResponse();
            final RawHttp.Response second = connection.readResponse();

            assertEquals("{\"answer\":\"first\"}", first.body());
            assertEquals(200, second.status(), second.body());
            assertEquals("{\"answer\":\"slow\"}", second.body(), "the late answer of the first request is dropped");
            connection.write(get("/health"));
            assertEquals(200, connection.readResponse().status(), "the connection serves on");
        }
    }

    @Test
    void shouldWriteA408OnlyAfterTheAnswerStillPendingBeforeIt() throws Exception {
        start("http.request.timeout.ms=400");
        try (RawConnection connection = new RawConnection(http.port())) {
            // A slow request, then a request whose body never comes, in one write.
            connection.write(get("/test/slow?ms=1200")
                    + "POST /ingest/tick HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "X-API-Key: " + HttpFixture.INGEST_KEY + "\r\nContent-Length: 200\r\n\r\n{\"symbol\":");

            final RawHttp.Response first = connection.readResponse();
            final RawHttp.Response second = connection.readResponse();

            assertEquals(200, first.status(), first.body());
            assertEquals("{\"answer\":\"slow\"}", first.body());
            assertEquals(408, second.status(), second.body());
            assertTrue(second.body().contains("request not received in time"), second.body());
            assertTrue(connection.awaitClosedByServer(), "the connection closes after the 408");
            assertEquals(-1, engine.journal().lastIndex(), "half a request journals nothing");
        }
    }

    @Test
    void shouldAnswerTheRequestsReadBeforeAnOversizedOneAndThenRefuseItWith413() throws Exception {
        start("http.max.body.bytes=1024");
        try (RawConnection connection = new RawConnection(http.port())) {
            connection.write(get("/test/slow?ms=500")
                    + get("/health")
                    + "POST /ingest/tick HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000\r\n\r\n[");

            final RawHttp.Response slow = connection.readResponse();
            final RawHttp.Response health = connection.readResponse();
            final RawHttp.Response refused = connection.readResponse();

            assertEquals("{\"answer\":\"slow\"}", slow.body());
            assertEquals(200, health.status(), health.body());
            assertEquals(413, refused.status(), refused.body());
            assertEquals("{\"error\":\"body too large [maxBytes=1024]\",\"status\":413}", refused.body());
            assertTrue(connection.awaitClosedByServer(), "the connection closes after the 413");
        }
    }

    @Test
    void shouldAnswerAPipelineOfThousandsInOrderWhileTakingOnlyWhatTheClientReads() throws Exception {
        start("http.request.timeout.ms=10000");
        final int requests = 3000;
        final StringBuilder pipeline = new StringBuilder(requests * 120);
        for (int i = 0; i < requests; i++) {
            pipeline.append(i % 3 == 2 ? ingest(i) : get("/test/big?i=" + i));
        }
        try (RawConnection connection = new RawConnection(http.port(), 16 * 1024)) {
            final CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
                try {
                    connection.write(pipeline.toString());
                } catch (final java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });

            final int takenWhileUnread = awaitSteady(taken);
            assertTrue(
                    takenWhileUnread < requests / 3,
                    "the server stops taking requests while their answers are not read [taken=" + takenWhileUnread
                            + ", requests=" + requests + "]");

            long ticks = 0;
            for (int i = 0; i < requests; i++) {
                final RawHttp.Response response = connection.readResponse();
                if (i % 3 == 2) {
                    assertEquals(202, response.status(), response.body());
                    assertEquals("{\"accepted\":" + ticksIn(i) + ",\"duplicates\":0}", response.body(), "answer " + i);
                    ticks += ticksIn(i);
                } else {
                    assertEquals(200, response.status(), response.body());
                    assertTrue(response.body().startsWith("{\"i\":" + i + ","), "answer " + i + " in order");
                }
            }
            written.get(10, TimeUnit.SECONDS);
            assertEquals(requests / 3 * 2, taken.get());
            connection.write(get("/health"));
            assertEquals(200, connection.readResponse().status(), "the connection is still open");
            assertEquals(ticks, engine.metrics().ticksJournaled.get());
        }
    }

    @Test
    void shouldAnswer500InTurnWhenAnAnswerCannotBeWrittenAndServeOn() throws Exception {
        start("http.request.timeout.ms=10000");
        try (RawConnection connection = new RawConnection(http.port())) {
            // A faulty answer given at once, one given later from the event loop, each between good ones.
            connection.write(get("/test/big?i=0")
                    + get("/test/faulty?ms=0")
                    + get("/test/big?i=2")
                    + get("/test/faulty?ms=300")
                    + get("/test/big?i=4"));

            for (int i = 0; i < 5; i++) {
                final RawHttp.Response response = connection.readResponse();
                if (i % 2 == 1) {
                    assertEquals(500, response.status(), "answer " + i + ": " + response.body());
                    assertEquals("{\"error\":\"internal error\",\"status\":500}", response.body());
                } else {
                    assertEquals(200, response.status(), response.body());
                    assertTrue(response.body().startsWith("{\"i\":" + i + ","), "answer " + i + " in order");
                }
            }
            connection.write(get("/health"));
            assertEquals(200, connection.readResponse().status(), "the connection serves on");
            assertEquals(2, http.observability().http().internalErrors());
            assertEquals(2, http.observability().http().requests("/test/faulty", 500));
        }
    }

    /** @return the value once it has not changed for a second (at most 30 s). */
    private static int awaitSteady(final AtomicInteger value) {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int last = -1;
        long steadySinceNs = System.nanoTime();
        while (System.nanoTime() - deadlineNs < 0) {
            final int now = value.get();
            if (now != last) {
                last = now;
                steadySinceNs = System.nanoTime();
            } else if (now > 0 && System.nanoTime() - steadySinceNs > TimeUnit.SECONDS.toNanos(1)) {
                return now;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return last;
    }

    private static int ticksIn(final int request) {
        return request % 5 + 1;
    }

    private static String ingest(final int request) {
        final StringBuilder body = new StringBuilder();
        for (int t = 0; t < ticksIn(request); t++) {
            body.append("EURUSD,")
                    .append(1_783_944_000_000L + request * 10L + t)
                    .append(",1.1,1.2,0,0,6\n");
        }
        return RawConnection.request(
                "POST",
                "/ingest/tick",
                Map.of("Content-Type", "text/csv", "X-API-Key", HttpFixture.INGEST_KEY),
                "symbol,time_msc,bid,ask,last,volume,flags\n" + body);
    }

    private static String get(final String path) {
        return RawConnection.request("GET", path, Map.of(), null);
    }

    private void start(final String... settings) throws Exception {
        final EngineContext engineContext = new EngineContext()
                .set("data.dir", dataDir.toString())
                .set("ring.size", "8192")
                .set("ring.max.batch", "4096");
        final HttpContext httpContext = new HttpContext().set("http.port", "0").set("http.bind", "127.0.0.1");
        for (final String setting : settings) {
            final int eq = setting.indexOf('=');
            httpContext.set(setting.substring(0, eq), setting.substring(eq + 1));
        }
        engine = TickEngine.start(engineContext);
        http = new TickHttpServer(engine, httpContext, ApiKeys.parse(HttpFixture.KEYS));
        http.router()
                .add(HttpMethod.GET, "/test/slow", new TestRoute() {
                    @Override
                    public void handle(final Exchange exchange) {
                        final long ms = Long.parseLong(param(exchange, "ms"));
                        exchange.eventLoop()
                                .schedule(() -> exchange.respond(answer(exchange, "slow")), ms, TimeUnit.MILLISECONDS);
                    }
                })
                .add(HttpMethod.GET, "/test/twice", new TestRoute() {
                    @Override
                    public void handle(final Exchange exchange) {
                        exchange.respond(answer(exchange, "first"));
                        // A buggy route, or an acknowledgement that comes after a timeout answered already.
                        exchange.eventLoop()
                                .schedule(() -> exchange.respond(answer(exchange, "late")), 200, TimeUnit.MILLISECONDS);
                    }
                })
                .add(HttpMethod.GET, "/test/faulty", new TestRoute() {
                    @Override
                    public void handle(final Exchange exchange) {
                        final long ms = Long.parseLong(param(exchange, "ms"));
                        if (ms == 0) {
                            exchange.respond(faulty(exchange));
                        } else {
                            exchange.eventLoop()
                                    .schedule(() -> exchange.respond(faulty(exchange)), ms, TimeUnit.MILLISECONDS);
                        }
                    }
                })
                .add(HttpMethod.GET, "/test/big", new TestRoute() {
                    @Override
                    public void handle(final Exchange exchange) {
                        taken.incrementAndGet();
                        exchange.respond(Responses.json(
                                exchange.alloc(),
                                HttpResponseStatus.OK,
                                "{\"i\":" + param(exchange, "i") + ",\"pad\":\"" + "x".repeat(PAD_BYTES) + "\"}"));
                    }
                });
        http.start();
    }

    private abstract static class TestRoute implements Route {
        @Override
        public Scope scope() {
            return null;
        }

        static String param(final Exchange exchange, final String name) {
            return new QueryStringDecoder(exchange.request().uri())
                    .parameters()
                    .get(name)
                    .get(0);
        }

        /** @return an answer whose headers cannot be read: the server fails while making it ready. */
        static io.netty.handler.codec.http.FullHttpResponse faulty(final Exchange exchange) {
            return new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1,
                    HttpResponseStatus.OK,
                    exchange.alloc().buffer().writeBytes("{}".getBytes(StandardCharsets.US_ASCII))) {
                @Override
                public HttpHeaders headers() {
                    throw new IllegalStateException("injected fault");
                }
            };
        }

        static io.netty.handler.codec.http.FullHttpResponse answer(final Exchange exchange, final String answer) {
            return Responses.json(exchange.alloc(), HttpResponseStatus.OK, "{\"answer\":\"" + answer + "\"}");
        }
    }
}
