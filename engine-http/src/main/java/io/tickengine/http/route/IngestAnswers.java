package io.tickengine.http.route;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * The ingest acknowledgement {@code 202 {"accepted":n,"duplicates":d}}. The common ones (up to {@value #CACHED}
 * ticks, none of them duplicates) are encoded once: a shared read-only body and header values that need no
 * conversion, so an acknowledgement allocates only the response object and its header map. Others are built as
 * {@link Responses#json} would build them; the body is the same either way.
 */
final class IngestAnswers {
    /** Largest {@code accepted} with a pre-encoded answer. */
    static final int CACHED = 64;

    private static final HttpHeadersFactory TRUSTED_HEADERS =
            DefaultHttpHeadersFactory.headersFactory().withValidation(false);
    private static final ByteBuf[] BODIES = new ByteBuf[CACHED + 1];
    private static final AsciiString[] LENGTHS = new AsciiString[CACHED + 1];

    static {
        for (int accepted = 0; accepted <= CACHED; accepted++) {
            final byte[] body = body(accepted, 0).getBytes(StandardCharsets.US_ASCII);
            BODIES[accepted] = Unpooled.unreleasableBuffer(
                    Unpooled.directBuffer(body.length).writeBytes(body).asReadOnly());
            LENGTHS[accepted] = AsciiString.of(Integer.toString(body.length));
        }
    }

    private IngestAnswers() {}

    /** @return the 202 for {@code accepted} journaled ticks and {@code duplicates} dropped ones. */
    static FullHttpResponse accepted(final ByteBufAllocator alloc, final int accepted, final int duplicates) {
        if (duplicates != 0 || accepted < 0 || accepted > CACHED) {
            return Responses.json(alloc, HttpResponseStatus.ACCEPTED, body(accepted, duplicates));
        }
        final FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.ACCEPTED,
                BODIES[accepted].duplicate(),
                TRUSTED_HEADERS,
                TRUSTED_HEADERS);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CONTENT_LENGTH, LENGTHS[accepted])
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return response;
    }

    private static String body(final int accepted, final int duplicates) {
        return "{\"accepted\":" + accepted + ",\"duplicates\":" + duplicates + "}";
    }
}
