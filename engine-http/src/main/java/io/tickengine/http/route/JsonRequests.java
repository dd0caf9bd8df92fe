package io.tickengine.http.route;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.InputStream;
import java.util.Locale;

/** The JSON request bodies of the admin-style endpoints ({@code /signals}, {@code /symbols}). */
final class JsonRequests {
    private JsonRequests() {}

    /** @return true for an {@code application/json} request; otherwise answers 415 and returns false. */
    static boolean isJson(final Exchange exchange) {
        final String contentType = exchange.request().headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            exchange.respond(Responses.error(
                    exchange.alloc(),
                    HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
                    "unsupported media type: use application/json"));
            return false;
        }
        return true;
    }

    /** @return the body without the trailing NULs MQL5's {@code StringToCharArray} leaves. */
    static InputStream body(final Exchange exchange) {
        final ByteBuf content = exchange.request().content();
        int length = content.readableBytes();
        while (length > 0 && content.getByte(content.readerIndex() + length - 1) == 0) {
            length--;
        }
        return new ByteBufInputStream(content.slice(content.readerIndex(), length));
    }
}
