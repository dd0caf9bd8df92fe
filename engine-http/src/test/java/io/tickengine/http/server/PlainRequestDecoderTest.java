package io.tickengine.http.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.ReadOnlyHttpHeaders;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The plain request decoder on an {@link EmbeddedChannel}: what it reads itself, what it hands to Netty's codec
 * (byte for byte), and its answers encoded as Netty's encoder would.
 */
class PlainRequestDecoderTest {
    private static final String TICK = "{\"symbol\":\"EURUSD\",\"bid\":1.1,\"ask\":1.2}";

    @Test
    void shouldReadAPlainPostWithItsHeadersAndBody() {
        final EmbeddedChannel channel = channel();

        channel.writeInbound(bytes(post(TICK, "X-API-Key: k-1\r\nConnection: Keep-Alive, Upgrade\r\n")));

        final PlainRequest request = channel.readInbound();
        assertEquals(HttpMethod.POST, request.method());
        assertEquals("/ingest/tick?x=1", request.uri());
        assertEquals(HttpVersion.HTTP_1_1, request.protocolVersion());
        assertEquals("k-1", request.headers().get("x-api-key"), "names match in any case");
        assertEquals("application/json", request.headers().get(HttpHeaderNames.CONTENT_TYPE));
        assertNull(request.headers().get(HttpHeaderNames.ORIGIN));
        assertTrue(request.headers().contains(HttpHeaderNames.HOST));
        assertTrue(request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE, true));
        assertFalse(request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true));
        assertTrue(HttpUtil.isKeepAlive(request));
        assertEquals(TICK, request.content().toString(StandardCharsets.US_ASCII));
        assertThrows(
                UnsupportedOperationException.class, () -> request.headers().set("a", "b"));
        assertTrue(request.release());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void shouldReadPipelinedRequestsAndWaitForTheRestOfAPartOne() {
        final EmbeddedChannel channel = channel();
        final String third = post(TICK, "");
        final int split = third.length() - 5;

        channel.writeInbound(bytes(get("/health") + post(TICK, "") + third.substring(0, split)));

        final PlainRequest first = channel.readInbound();
        assertEquals("/health", first.uri());
        assertSame(Guards.ReceiveDeadline.REQUEST_STARTED, channel.readInbound(), "the next request's clock starts");
        final PlainRequest second = channel.readInbound();
        assertEquals(TICK, second.content().toString(StandardCharsets.US_ASCII));
        assertSame(Guards.ReceiveDeadline.REQUEST_STARTED, channel.readInbound());
        assertNull(channel.readInbound(), "nothing until the third is whole");

        channel.writeInbound(bytes(third.substring(split)));
        final PlainRequest last = channel.readInbound();
        assertEquals(TICK, last.content().toString(StandardCharsets.US_ASCII));
        first.release();
        second.release();
        last.release();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void shouldWaitForAHeadThatComesInPiecesLongerThanItsFirstLook() {
        final EmbeddedChannel channel = channel();
        final String request = post(TICK, "X-Long: " + "a".repeat(1500) + "\r\n");

        channel.writeInbound(bytes(request.substring(0, 700)));
        assertNull(channel.readInbound());
        channel.writeInbound(bytes(request.substring(700)));

        final PlainRequest read = channel.readInbound();
        assertEquals(1500, read.headers().get("x-long").length());
        read.release();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void shouldReuseARequestOnceReleasedAndRepeatedValuesAsOneString() {
        final EmbeddedChannel channel = channel();

        channel.writeInbound(bytes(post(TICK, "X-API-Key: k-1\r\n")));
        final PlainRequest first = channel.readInbound();
        final String key = first.headers().get("X-API-Key");
        final String uri = first.uri();
        first.release();
        assertThrows(io.netty.util.IllegalReferenceCountException.class, first::release);
        channel.writeInbound(bytes(post(TICK, "X-API-Key: k-1\r\n")));
        final PlainRequest second = channel.readInbound();

        assertSame(first, second, "pooled per connection");
        assertSame(key, second.headers().get("X-API-Key"));
        assertSame(uri, second.uri());
        second.release();
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "GET /health HTTP/1.0\r\nHost: a\r\n\r\n",
                "HEAD /health HTTP/1.1\r\nHost: a\r\n\r\n",
                "GET http://a/health HTTP/1.1\r\nHost: a\r\n\r\n",
                "GET /health HTTP/1.1\nHost: a\n\n",
                "GET /health HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost : a\r\n\r\n",
                "GET /health HTTP/1.1\r\nX-Name: caf\u00e9\r\n\r\n",
                "GET /he\u0001alth HTTP/1.1\r\nHost: a\r\n\r\n",
                "POST /ingest/tick HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
                "POST /ingest/tick HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
                "POST /ingest/tick HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
                "POST /ingest/tick HTTP/1.1\r\nContent-Length: +3\r\n\r\nabc",
                "POST /ingest/tick HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\nabc",
                "POST /ingest/tick HTTP/1.1\r\nHost: a\r\n\r\n",
                "BREW /pot HTTP/1.1\r\n\r\n",
                "garbage\r\n\r\n"
            })
    void shouldHandAnythingNotPlainToNettysCodecByteForByteAndForGood(final String notPlain) {
        final EmbeddedChannel channel = channel();
        final String after = get("/health");

        channel.writeInbound(bytes(get("/a") + notPlain + after));
        final PlainRequest plain = channel.readInbound();
        assertEquals("/a", plain.uri(), "what came before is read as usual");
        plain.release();
        assertSame(Guards.ReceiveDeadline.REQUEST_STARTED, channel.readInbound());
        final StringBuilder handed = new StringBuilder(text(channel.readInbound()));
        channel.writeInbound(bytes(get("/later")));
        handed.append(text(channel.readInbound()));

        assertEquals(notPlain + after + get("/later"), handed.toString());
        assertNull(channel.readInbound());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void shouldHandOverAHeadLongerThanTheLimits() {
        final EmbeddedChannel channel = new EmbeddedChannel(new PlainRequestDecoder(256, 1024, 4096));
        final String request = "GET /" + "a".repeat(2000) + " HTTP/1.1\r\n\r\n";

        channel.writeInbound(bytes(request));

        assertEquals(request, text(channel.readInbound()));
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void shouldEncodeAnswersAsNettysEncoderDoes() {
        assertEncodedAsNetty(() -> {
            final FullHttpResponse response = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1,
                    HttpResponseStatus.BAD_REQUEST,
                    Unpooled.copiedBuffer("{\"error\":\"x\"}", StandardCharsets.US_ASCII));
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, 13)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            return response;
        });
        assertEncodedAsNetty(() -> new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.ACCEPTED,
                Unpooled.unreleasableBuffer(Unpooled.copiedBuffer("{\"accepted\":1}", StandardCharsets.US_ASCII)),
                new ReadOnlyHttpHeaders(
                        false,
                        HttpHeaderNames.CONTENT_LENGTH,
                        AsciiString.of("14"),
                        HttpHeaderNames.CONNECTION,
                        HttpHeaderValues.KEEP_ALIVE),
                EmptyHttpHeaders.INSTANCE));
        assertEncodedAsNetty(() -> {
            final FullHttpResponse response = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT, Unpooled.EMPTY_BUFFER);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0).set("X-Other", "y");
            return response;
        });
    }

    @Test
    void shouldEncodeASharedPreBuiltAnswerWithoutConsumingIt() {
        final EmbeddedChannel channel = channel();
        final ByteBuf body =
                Unpooled.unreleasableBuffer(Unpooled.copiedBuffer("{\"accepted\":1}", StandardCharsets.US_ASCII));
        final FullHttpResponse shared = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.ACCEPTED,
                body,
                new ReadOnlyHttpHeaders(false, HttpHeaderNames.CONTENT_LENGTH, AsciiString.of("14")),
                EmptyHttpHeaders.INSTANCE);
        final PlainRequestDecoder decoder = channel.pipeline().get(PlainRequestDecoder.class);

        decoder.writeAnswer(shared, channel.newPromise());
        decoder.writeAnswer(shared, channel.newPromise());

        final String once = "HTTP/1.1 202 Accepted\r\ncontent-length: 14\r\n\r\n{\"accepted\":1}";
        assertEquals(once, text(channel.readOutbound()));
        assertEquals(once, text(channel.readOutbound()));
        assertEquals(14, body.readableBytes(), "the shared body is read, not consumed");
        assertFalse(channel.finishAndReleaseAll());
    }

    private static void assertEncodedAsNetty(final Supplier<FullHttpResponse> response) {
        final EmbeddedChannel netty = new EmbeddedChannel(new HttpResponseEncoder());
        netty.writeOutbound(response.get());
        final StringBuilder expected = new StringBuilder();
        for (Object part; (part = netty.readOutbound()) != null; ) {
            expected.append(text((ByteBuf) part));
        }
        final EmbeddedChannel channel = channel();

        channel.pipeline().get(PlainRequestDecoder.class).writeAnswer(response.get(), channel.newPromise());

        assertEquals(expected.toString(), text(channel.readOutbound()));
        assertFalse(channel.finishAndReleaseAll());
        netty.finishAndReleaseAll();
    }

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new PlainRequestDecoder(4096, 8192, 4 * 1024 * 1024));
    }

    private static String post(final String body, final String extraHeaders) {
        return "POST /ingest/tick?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/json\r\n"
                + extraHeaders + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }

    private static String get(final String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    }

    private static ByteBuf bytes(final String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    private static String text(final Object buf) {
        final ByteBuf b = assertInstanceOf(ByteBuf.class, buf);
        try {
            return b.toString(StandardCharsets.ISO_8859_1);
        } finally {
            b.release();
        }
    }
}
