package io.tickengine.http.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The body limit and the idle timeout on an {@link EmbeddedChannel} behind the real HTTP decoder. */
class GuardsTest {
    private final List<Object> events = new ArrayList<>();

    @Test
    void shouldPassARequestWhoseBodyCameWithItsHeadAsOneWholeRequest() {
        final EmbeddedChannel channel = bodyLimit(1024);

        channel.writeInbound(bytes(post("{\"bid\":1.5}")));

        final FullHttpRequest request = channel.readInbound();
        assertEquals("/ingest/tick", request.uri());
        assertEquals("application/json", request.headers().get(HttpHeaderNames.CONTENT_TYPE));
        assertBody("{\"bid\":1.5}", request);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void shouldAggregateABodyThatArrivesInLaterReads() {
        final EmbeddedChannel channel = bodyLimit(1024);
        final String whole = post("{\"bid\":1.5,\"ask\":1.6}");
        final int split = whole.indexOf("\r\n\r\n") + 4 + 5;

        channel.writeInbound(bytes(whole.substring(0, whole.indexOf("\r\n\r\n") + 4)));
        assertNull(channel.readInbound(), "nothing until the body is whole");
        channel.writeInbound(bytes(whole.substring(whole.indexOf("\r\n\r\n") + 4, split)));
        assertNull(channel.readInbound());
        channel.writeInbound(bytes(whole.substring(split)));

        assertBody("{\"bid\":1.5,\"ask\":1.6}", channel.readInbound());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void shouldAggregateAChunkedBodyAndAnswerAnEmptyOneWithItsLength() {
        final EmbeddedChannel channel = bodyLimit(1024);

        channel.writeInbound(bytes("POST /ingest/tick HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n"
                + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));

        assertBody("{\"a\":1}", channel.readInbound());
        final FullHttpRequest empty = channel.readInbound();
        assertEquals("/health", empty.uri());
        assertEquals("0", empty.headers().get(HttpHeaderNames.CONTENT_LENGTH));
        empty.release();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void shouldLeaveAnExpectationToTheAggregator() {
        final EmbeddedChannel channel = bodyLimit(1024);

        channel.writeInbound(bytes(
                "POST /ingest/tick HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n" + "Content-Length: 2\r\n\r\n"));
        assertStatusLine("HTTP/1.1 100 Continue", channel.readOutbound());
        channel.writeInbound(bytes("{}"));
        assertBody("{}", channel.readInbound());

        channel.writeInbound(bytes("POST /ingest/tick HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\n\r\n"));
        assertStatusLine("HTTP/1.1 417 Expectation Failed", channel.readOutbound());
        assertNull(channel.readInbound(), "a refused expectation is not passed on");
        // Netty's aggregator keeps the refused request open until the connection ends, and says so on closing.
        assertThrows(PrematureChannelClosureException.class, channel::finishAndReleaseAll);
    }

    @Test
    void shouldRefuseADeclaredBodyOverTheLimit() {
        final EmbeddedChannel channel = bodyLimit(8);

        channel.writeInbound(bytes(post("{\"bid\":1.5}")));

        assertNull(channel.readInbound());
        final Guards.Refusal refusal = assertInstanceOf(Guards.Refusal.class, events.get(0));
        assertEquals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, refusal.status());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void shouldTellOfIdlenessOnlyAfterTheTimeoutWithoutReadsOrWrites() {
        final EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(new Guards.IdleTimeout(100), recorder());

        runFor(channel, 60);
        channel.writeOutbound(Unpooled.wrappedBuffer(new byte[] {1}));
        runFor(channel, 60);
        assertTrue(events.isEmpty(), "a write counts as activity");

        // Told between one and 1 + 1/CHECKS timeouts after the write.
        runFor(channel, 40);
        assertTrue(events.isEmpty(), "not idle within one timeout of the write");
        runFor(channel, 100 / Guards.IdleTimeout.CHECKS);
        assertEquals(List.of(IdleStateEvent.ALL_IDLE_STATE_EVENT), events);
        ((ByteBuf) channel.readOutbound()).release();
        assertFalse(channel.finishAndReleaseAll());
    }

    /** Moves the frozen clock on a millisecond at a time, running each task when it is due, as an event loop does. */
    private static void runFor(final EmbeddedChannel channel, final int millis) {
        for (int i = 0; i < millis; i++) {
            channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
            channel.runPendingTasks();
        }
    }

    /** Asserts the body of {@code request}, then releases it. */
    private static void assertBody(final String expected, final FullHttpRequest request) {
        try {
            assertEquals(expected, request.content().toString(StandardCharsets.US_ASCII));
        } finally {
            request.release();
        }
    }

    /** Asserts that {@code encoded} (an answer as written to the socket) starts with {@code line}, then releases it. */
    private static void assertStatusLine(final String line, final ByteBuf encoded) {
        try {
            final String text = encoded.toString(StandardCharsets.US_ASCII);
            assertTrue(text.startsWith(line + "\r\n"), text);
        } finally {
            encoded.release();
        }
    }

    private EmbeddedChannel bodyLimit(final int maxBytes) {
        return new EmbeddedChannel(
                ApiHandler.codec(new HttpDecoderConfig()), new Guards.BodyLimit(maxBytes), recorder());
    }

    private ChannelInboundHandlerAdapter recorder() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) {
                events.add(evt);
            }
        };
    }

    private static String post(final String body) {
        return "POST /ingest/tick HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body;
    }

    private static ByteBuf bytes(final String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }
}
