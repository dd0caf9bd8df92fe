package io.tickengine.http.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.flow.FlowControlHandler;
import io.tickengine.core.security.ApiKeys;
import io.tickengine.core.security.Scope;
import io.tickengine.http.metrics.HttpMetrics;
import io.tickengine.http.route.Exchange;
import io.tickengine.http.route.Responses;
import io.tickengine.http.route.Route;
import io.tickengine.http.security.RateLimiter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The connection handler on an {@link EmbeddedChannel}: one request at a time, each answered once, nothing leaked. */
class ApiHandlerTest {
    private final List<Exchange> held = new ArrayList<>();

    @Test
    void shouldTakeUpTheNextRequestOnlyOnceTheCurrentOneIsAnsweredAndDropALateSecondAnswer() {
        final EmbeddedChannel channel = channel("/held", held::add, new HttpMetrics());

        channel.writeInbound(request("/held?n=1"), request("/held?n=2"));

        assertEquals(1, held.size(), "the second request waits until the first is answered");
        final Exchange first = held.get(0);
        first.respond(answer(first, "one"));
        assertEquals(2, held.size());
        assertEquals("one", body(channel.readOutbound()));

        final FullHttpResponse late = answer(first, "late");
        first.respond(late);
        assertEquals(0, late.refCnt(), "a second answer is released, not written");
        assertNull(channel.readOutbound(), "and not sent as the answer of the request after it");

        final Exchange second = held.get(1);
        second.respond(answer(second, "two"));
        assertEquals("two", body(channel.readOutbound()));
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void shouldAnswer500WhenATaskTakenUpLaterThrows() {
        final HttpMetrics metrics = new HttpMetrics();
        final EmbeddedChannel channel = channel(
                "/later",
                exchange -> exchange.later(
                        () -> {
                            throw new IllegalStateException("thrown on purpose by the test");
                        },
                        0),
                metrics);

        channel.writeInbound(request("/later"), request("/later"));
        channel.runScheduledPendingTasks();
        final FullHttpResponse first = channel.readOutbound();
        assertEquals(HttpResponseStatus.INTERNAL_SERVER_ERROR, first.status());
        first.release();
        channel.runScheduledPendingTasks();
        final FullHttpResponse second = channel.readOutbound();
        assertEquals(HttpResponseStatus.INTERNAL_SERVER_ERROR, second.status(), "the next request was taken up");
        second.release();
        assertEquals(2, metrics.internalErrors());
        assertFalse(channel.finishAndReleaseAll());
    }

    /** @return a connection whose one open route, {@code GET path}, hands each exchange to {@code route}. */
    private static EmbeddedChannel channel(
            final String path, final Consumer<Exchange> route, final HttpMetrics metrics) {
        final Router router = new Router().add(HttpMethod.GET, path, new Route() {
            @Override
            public Scope scope() {
                return null;
            }

            @Override
            public void handle(final Exchange exchange) {
                route.accept(exchange);
            }
        });
        return new EmbeddedChannel(
                new FlowControlHandler(),
                new ApiHandler(
                        router,
                        ApiKeys.none(),
                        new RateLimiter(0, 0, 1),
                        new ServerState(),
                        metrics,
                        new CorsPolicy(List.of())));
    }

    private static FullHttpRequest request(final String uri) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri, Unpooled.buffer(0));
    }

    private static FullHttpResponse answer(final Exchange exchange, final String text) {
        return Responses.body(exchange.alloc(), HttpResponseStatus.OK, text, "text/plain");
    }

    private static String body(final Object response) {
        final FullHttpResponse r = (FullHttpResponse) response;
        try {
            return r.content().toString(StandardCharsets.UTF_8);
        } finally {
            r.release();
        }
    }
}
