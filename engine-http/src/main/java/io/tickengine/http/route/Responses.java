package io.tickengine.http.route;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Builds the engine's JSON and CSV responses and its uniform error body {@code {"error","index","field"}}. */
public final class Responses {
    private Responses() {}

    /** @return a response with a JSON body. */
    public static FullHttpResponse json(
            final ByteBufAllocator alloc, final HttpResponseStatus status, final CharSequence json) {
        return body(alloc, status, json, HttpHeaderValues.APPLICATION_JSON);
    }

    /** @return a response with a body of the given content type. */
    public static FullHttpResponse body(
            final ByteBufAllocator alloc,
            final HttpResponseStatus status,
            final CharSequence text,
            final CharSequence contentType) {
        final ByteBuf content = alloc.buffer(text.length());
        content.writeCharSequence(text, StandardCharsets.UTF_8);
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return response;
    }

    /** @return a 503 with {@code Retry-After}: the client should send the same request again later. */
    public static FullHttpResponse retryLater(
            final ByteBufAllocator alloc, final String message, final String retryAfterSeconds) {
        final FullHttpResponse response = error(alloc, HttpResponseStatus.SERVICE_UNAVAILABLE, message);
        response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        return response;
    }

    /** @return a response without a body (e.g. 204). */
    public static FullHttpResponse empty(final HttpResponseStatus status) {
        final FullHttpResponse response =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, io.netty.buffer.Unpooled.EMPTY_BUFFER);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return response;
    }

    /** @return {@code {"error":message}} with the status. */
    public static FullHttpResponse error(
            final ByteBufAllocator alloc, final HttpResponseStatus status, final String message) {
        return error(alloc, status, message, -1, null);
    }

    /** @return 400 {@code {"error":message,"field":"parameter"}} for a bad query parameter. */
    public static FullHttpResponse badParameter(final ByteBufAllocator alloc, final QueryParams.BadParameter e) {
        return error(alloc, HttpResponseStatus.BAD_REQUEST, e.getMessage(), -1, e.parameter());
    }

    /**
     * @param index the offending tick's index in the request, or -1.
     * @param field the offending field's wire name, or {@code null}.
     * @return {@code {"error":message,"index":i,"field":"f"}} with the status.
     */
    public static FullHttpResponse error(
            final ByteBufAllocator alloc,
            final HttpResponseStatus status,
            final String message,
            final int index,
            final String field) {
        final StringBuilder json = new StringBuilder(96).append("{\"error\":");
        quote(json, message);
        if (index >= 0) {
            json.append(",\"index\":").append(index);
        }
        if (field != null) {
            json.append(",\"field\":");
            quote(json, field);
        }
        json.append(",\"status\":").append(status.code()).append('}');
        return json(alloc, status, json);
    }

    /** Appends {@code value} as a JSON string literal. */
    public static StringBuilder quote(final StringBuilder out, final CharSequence value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }
}
