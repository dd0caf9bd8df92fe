package io.tickengine.http.route;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.ReadOnlyHttpHeaders;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * The ingest acknowledgement {@code 202 {"accepted":n,"duplicates":d}}. The common ones (up to {@value #CACHED}
 * ticks, none of them duplicates) are built once and shared by every connection: a read-only body and a read-only
 * header set that already says {@code connection: keep-alive}, so an acknowledgement allocates nothing. A shared
 * answer is never changed or consumed: {@code ApiHandler} encodes it as it is for a request read by its plain
 * decoder, and otherwise makes a response of its own from it (with writable headers when it must add some: closing,
 * CORS). Others are built as {@link Responses#json} would build them; the body is the same either way.
 */
final class IngestAnswers {
    /** Largest {@code accepted} with a pre-encoded answer. */
    static final int CACHED = 64;

    private static final FullHttpResponse[] ANSWERS = new FullHttpResponse[CACHED + 1];

    static {
        for (int accepted = 0; accepted <= CACHED; accepted++) {
            final byte[] body = body(accepted, 0).getBytes(StandardCharsets.US_ASCII);
            final ByteBuf content = Unpooled.unreleasableBuffer(
                    Unpooled.directBuffer(body.length).writeBytes(body).asReadOnly());
            final HttpHeaders headers = new ReadOnlyHttpHeaders(
                    false,
                    HttpHeaderNames.CONTENT_TYPE,
                    HttpHeaderValues.APPLICATION_JSON,
                    HttpHeaderNames.CONTENT_LENGTH,
                    AsciiString.of(Integer.toString(body.length)),
                    HttpHeaderNames.CACHE_CONTROL,
                    HttpHeaderValues.NO_STORE,
                    HttpHeaderNames.CONNECTION,
                    HttpHeaderValues.KEEP_ALIVE);
            // A whole response has no trailers to write: the shared empty set stands for them.
            ANSWERS[accepted] = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.ACCEPTED, content, headers, EmptyHttpHeaders.INSTANCE);
        }
    }

    private IngestAnswers() {}

    /** @return the 202 for {@code accepted} journaled ticks and {@code duplicates} dropped ones. */
    static FullHttpResponse accepted(final ByteBufAllocator alloc, final int accepted, final int duplicates) {
        if (duplicates != 0 || accepted < 0 || accepted > CACHED) {
            return Responses.json(alloc, HttpResponseStatus.ACCEPTED, body(accepted, duplicates));
        }
        return ANSWERS[accepted];
    }

    private static String body(final int accepted, final int duplicates) {
        return "{\"accepted\":" + accepted + ",\"duplicates\":" + duplicates + "}";
    }
}
