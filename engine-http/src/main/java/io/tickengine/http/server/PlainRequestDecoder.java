package io.tickengine.http.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.ReadOnlyHttpHeaders;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The HTTP decoder of the common request, in front of Netty's codec: a request of the plain shape that the EAs, the
 * edge agent and the load generator send (one of a few methods, an origin-form target, {@code HTTP/1.1}, CRLF line
 * ends, visible-ASCII header values, at most one decimal {@code Content-Length} and no {@code Transfer-Encoding} or
 * {@code Expect}) becomes a pooled {@link PlainRequest} read straight from the bytes, with no header map, no header
 * strings and no aggregation; its answer is encoded here and written past Netty's encoder. That is most of the
 * garbage and a good part of the event loop's time per request that Netty's general decoder costs.
 *
 * <p>Anything else, the first time it is met on a connection, hands the connection to Netty's codec for good: the
 * bytes from that request on go to it unchanged, so everything outside the plain shape (chunks, expectations,
 * HTTP/1.0, limits, every malformed request and its error) keeps exactly the answer it had. The hand-over is at a
 * request boundary and one way, so the two decoders never share a request. Answers to plain requests never pass
 * Netty's encoder, which therefore counts only the requests its own decoder read (it pairs each answer with its
 * request's method).
 *
 * <p>One instance per connection; event loop only.
 */
final class PlainRequestDecoder extends ByteToMessageDecoder {
    /** The most headers a plain request has; more go to Netty's codec. */
    static final int MAX_HEADERS = 32;

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] HTTP_1_1 = {'H', 'T', 'T', 'P', '/', '1', '.', '1'};
    private static final byte[] CRLF = {CR, LF};
    private static final byte[] COLON_SPACE = {':', ' '};
    /** {@link #readHead}: the head does not end in the bytes looked at. */
    private static final int HEAD_INCOMPLETE = -2;

    private static final int MAX_METHOD_LENGTH = 7;
    private static final int FIRST_WINDOW = 512;
    /** Requests kept for reuse; more are dropped to the garbage collector. */
    private static final int POOL_SIZE = 16;
    /** Header values and targets remembered as strings, so a header repeated on every request is one string. */
    private static final int STRING_CACHE_SIZE = 64;

    private final int maxLineBytes;
    private final int maxHeaderBytes;
    private final int maxBodyBytes;
    private final ArrayDeque<PlainRequest> pool = new ArrayDeque<>(POOL_SIZE);
    private final String[] strings = new String[STRING_CACHE_SIZE];
    private ChannelHandlerContext ctx;
    /** True once the connection was handed to Netty's codec. */
    private boolean handedOver;
    /** The last pre-built header set encoded, its status and its encoded head. */
    private HttpHeaders encodedHeaders;

    private HttpResponseStatus encodedStatus;
    private byte[] encodedHead;

    PlainRequestDecoder(final int maxLineBytes, final int maxHeaderBytes, final int maxBodyBytes) {
        this.maxLineBytes = maxLineBytes;
        this.maxHeaderBytes = maxHeaderBytes;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception {
        if (handedOver) {
            ctx.fireChannelRead(msg);
        } else {
            super.channelRead(ctx, msg);
        }
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx) throws Exception {
        if (handedOver) {
            // Netty's codec now decides whether a read that completed no request asks for the next one.
            ctx.fireChannelReadComplete();
        } else {
            super.channelReadComplete(ctx);
        }
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out) {
        if (handedOver) {
            out.add(in.readRetainedSlice(in.readableBytes()));
            return;
        }
        final PlainRequest request = take();
        final int length = read(in, request);
        if (length > 0) {
            out.add(request);
            if (in.isReadable()) {
                // The request clears the receive clock; the bytes after it start the next one's.
                out.add(Guards.ReceiveDeadline.REQUEST_STARTED);
            }
            return;
        }
        recycle(request);
        if (length < 0) {
            handedOver = true;
            out.add(in.readRetainedSlice(in.readableBytes()));
        }
        // 0: the request is not whole yet; wait for more bytes.
    }

    /**
     * Reads one plain request from the front of {@code in} into {@code request}.
     *
     * @return the bytes it took (then skipped in {@code in}), 0 if it is plain so far but not whole yet, or -1 if it
     *     is not plain.
     */
    private int read(final ByteBuf in, final PlainRequest request) {
        final int start = in.readerIndex();
        final int readable = in.readableBytes();
        final int headLimit = maxLineBytes + maxHeaderBytes;
        // Most heads are a few hundred bytes: look at a small window first, a larger one only when the head is longer.
        int window = Math.min(readable, FIRST_WINDOW);
        int headLength;
        while (true) {
            headLength = readHead(request.head(in, start, window), window, request);
            if (headLength != HEAD_INCOMPLETE) {
                break;
            }
            if (window == readable) {
                return readable >= headLimit ? -1 : 0;
            }
            if (window >= headLimit) {
                return -1;
            }
            window = Math.min(readable, Math.min(headLimit, window * 4));
        }
        if (headLength < 0) {
            return -1;
        }
        final long contentLength = request.contentLength();
        final int total = headLength + (int) contentLength;
        if (readable < total) {
            return 0;
        }
        request.content(
                contentLength == 0 ? Unpooled.EMPTY_BUFFER : in.retainedSlice(start + headLength, (int) contentLength));
        in.skipBytes(total);
        return total;
    }

    /**
     * Reads the head in {@code b[0, limit)} into {@code request}: request line and headers.
     *
     * @return the head's length (up to and with its empty line), {@link #HEAD_INCOMPLETE} if it does not end before
     *     {@code limit} and is plain so far, or -1 if it is not plain.
     */
    private int readHead(final byte[] b, final int limit, final PlainRequest request) {
        // The request line: METHOD SP origin-form SP HTTP/1.1 CRLF.
        int i = 0;
        while (i < limit && b[i] != ' ') {
            if (i == MAX_METHOD_LENGTH) {
                return -1;
            }
            i++;
        }
        if (i == limit) {
            return HEAD_INCOMPLETE;
        }
        final HttpMethod method = method(b, i);
        if (method == null) {
            return -1;
        }
        final int uriStart = ++i;
        while (i < limit && b[i] != ' ') {
            final int c = b[i] & 0xFF;
            if (c <= 0x20 || c >= 0x7F) {
                return -1;
            }
            i++;
        }
        if (i == limit) {
            return HEAD_INCOMPLETE;
        }
        final int uriEnd = i++;
        if (uriEnd == uriStart || b[uriStart] != '/') {
            return -1;
        }
        for (int k = 0; k < HTTP_1_1.length + 2; k++, i++) {
            if (i == limit) {
                return HEAD_INCOMPLETE;
            }
            if (b[i] != (k < HTTP_1_1.length ? HTTP_1_1[k] : CRLF[k - HTTP_1_1.length])) {
                return -1;
            }
        }
        if (i - 2 > maxLineBytes - 8) {
            return -1;
        }
        final int headersStart = i;
        request.begin(method, uriStart, uriEnd);
        long contentLength = -1;
        while (true) {
            if (i + 1 >= limit) {
                return HEAD_INCOMPLETE;
            }
            if (b[i] == CR) {
                if (b[i + 1] != LF) {
                    return -1;
                }
                i += 2;
                break;
            }
            if (request.headerCount() == MAX_HEADERS) {
                return -1;
            }
            // name ":" OWS value OWS CRLF; a line that starts with white space (obsolete folding) is not plain.
            final int nameStart = i;
            while (i < limit && isTokenChar(b[i])) {
                i++;
            }
            if (i == limit) {
                return HEAD_INCOMPLETE;
            }
            if (i == nameStart || b[i] != ':') {
                return -1;
            }
            final int nameEnd = i++;
            while (i < limit && (b[i] == ' ' || b[i] == '\t')) {
                i++;
            }
            final int valueStart = i;
            int valueEnd = i;
            while (i < limit && b[i] != CR) {
                final int c = b[i] & 0xFF;
                if ((c < 0x20 && c != '\t') || c >= 0x7F) {
                    return -1;
                }
                if (c != ' ' && c != '\t') {
                    valueEnd = i + 1;
                }
                i++;
            }
            if (i + 1 >= limit) {
                return HEAD_INCOMPLETE;
            }
            if (b[i + 1] != LF) {
                return -1;
            }
            i += 2;
            final int nameLength = nameEnd - nameStart;
            if (nameLength == 14 && equalsIgnoreCase(b, nameStart, "content-length")) {
                if (contentLength >= 0) {
                    return -1;
                }
                contentLength = decimal(b, valueStart, valueEnd);
                if (contentLength < 0 || contentLength > maxBodyBytes) {
                    return -1;
                }
            } else if ((nameLength == 17 && equalsIgnoreCase(b, nameStart, "transfer-encoding"))
                    || (nameLength == 6 && equalsIgnoreCase(b, nameStart, "expect"))) {
                return -1;
            }
            request.header(nameStart, nameEnd, valueStart, valueEnd);
        }
        if (i - headersStart > maxHeaderBytes - 64) {
            return -1;
        }
        if (contentLength < 0) {
            // Netty's path gives such a body a Content-Length header of its own; keep that to it.
            if (method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH) {
                return -1;
            }
            contentLength = 0;
        }
        request.contentLength(contentLength);
        return i;
    }

    private static HttpMethod method(final byte[] b, final int length) {
        switch (length) {
            case 3:
                if (b[0] == 'G' && b[1] == 'E' && b[2] == 'T') {
                    return HttpMethod.GET;
                }
                return b[0] == 'P' && b[1] == 'U' && b[2] == 'T' ? HttpMethod.PUT : null;
            case 4:
                return b[0] == 'P' && b[1] == 'O' && b[2] == 'S' && b[3] == 'T' ? HttpMethod.POST : null;
            case 5:
                return equals(b, "PATCH") ? HttpMethod.PATCH : null;
            case 6:
                return equals(b, "DELETE") ? HttpMethod.DELETE : null;
            case 7:
                return equals(b, "OPTIONS") ? HttpMethod.OPTIONS : null;
            default:
                return null;
        }
    }

    private static boolean equals(final byte[] b, final String s) {
        for (int i = 0; i < s.length(); i++) {
            if (b[i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** @return true if {@code b} from {@code from} holds {@code lower} (lower case ASCII) in any case. */
    static boolean equalsIgnoreCase(final byte[] b, final int from, final CharSequence lower) {
        for (int i = 0; i < lower.length(); i++) {
            if (toLower(b[from + i]) != Character.toLowerCase(lower.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static int toLower(final byte c) {
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }

    /** RFC 9110 token characters. */
    private static boolean isTokenChar(final byte c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        switch (c) {
            case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~':
                return true;
            default:
                return false;
        }
    }

    /** @return the decimal number in {@code b[from, to)}, at most 10 digits, or -1. */
    private static long decimal(final byte[] b, final int from, final int to) {
        if (to == from || to - from > 10) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            final int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    private PlainRequest take() {
        final PlainRequest request = pool.pollFirst();
        return request != null ? request : new PlainRequest(this);
    }

    /** Takes back a request whose last reference was released. */
    void recycle(final PlainRequest request) {
        if (pool.size() < POOL_SIZE) {
            pool.addFirst(request);
        }
    }

    /**
     * @return the string of the ASCII bytes {@code b[from, to)}: the same instance as last time for bytes seen
     *     before, so a value sent on every request (the API key, the content type, the target) costs no garbage.
     */
    String string(final byte[] b, final int from, final int to) {
        int hash = to - from;
        for (int i = from; i < to; i++) {
            hash = 31 * hash + b[i];
        }
        final int slot = (hash ^ (hash >>> 16)) & (STRING_CACHE_SIZE - 1);
        final String cached = strings[slot];
        if (cached != null && cached.length() == to - from) {
            boolean same = true;
            for (int i = from; i < to; i++) {
                if (cached.charAt(i - from) != b[i]) {
                    same = false;
                    break;
                }
            }
            if (same) {
                return cached;
            }
        }
        final String s = new String(b, from, to - from, java.nio.charset.StandardCharsets.US_ASCII);
        strings[slot] = s;
        return s;
    }

    /**
     * Writes the answer to a {@link PlainRequest} of this connection, encoded here, past Netty's encoder (which did
     * not read the request, see the class comment), and releases {@code response}.
     */
    ChannelFuture writeAnswer(final FullHttpResponse response, final ChannelPromise promise) {
        final ByteBuf content = response.content();
        final HttpResponseStatus status = response.status();
        final boolean empty = status.codeClass() == HttpStatusClass.INFORMATIONAL
                || status.code() == HttpResponseStatus.NO_CONTENT.code()
                || status.code() == HttpResponseStatus.NOT_MODIFIED.code();
        final int contentLength = empty ? 0 : content.readableBytes();
        final ByteBuf wire;
        if (response.headers() instanceof ReadOnlyHttpHeaders) {
            // A pre-built answer: its header set is shared and immutable, so its encoded head can be kept.
            if (response.headers() != encodedHeaders || status != encodedStatus) {
                final ByteBuf head = Unpooled.buffer(256);
                encodeHead(head, response, empty);
                encodedHead = ByteBufUtil.getBytes(head);
                encodedHeaders = response.headers();
                encodedStatus = status;
            }
            wire = ctx.alloc().directBuffer(encodedHead.length + contentLength);
            wire.writeBytes(encodedHead);
        } else {
            wire = ctx.alloc().directBuffer(256 + contentLength);
            encodeHead(wire, response, empty);
        }
        if (contentLength > 0) {
            wire.writeBytes(content, content.readerIndex(), contentLength);
        }
        response.release();
        return ctx.writeAndFlush(wire, promise);
    }

    /** The status line, the headers and the empty line, as Netty's response encoder writes them. */
    private static void encodeHead(final ByteBuf out, final FullHttpResponse response, final boolean empty) {
        final HttpResponseStatus status = response.status();
        ByteBufUtil.writeAscii(out, response.protocolVersion().text());
        out.writeByte(' ');
        ByteBufUtil.writeAscii(out, status.codeAsText());
        out.writeByte(' ');
        ByteBufUtil.writeAscii(out, status.reasonPhrase());
        out.writeBytes(CRLF);
        final boolean noLength = empty && status.code() != HttpResponseStatus.NOT_MODIFIED.code();
        final Iterator<Map.Entry<CharSequence, CharSequence>> headers =
                response.headers().iteratorCharSequence();
        while (headers.hasNext()) {
            final Map.Entry<CharSequence, CharSequence> header = headers.next();
            if (noLength
                    && (HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(header.getKey())
                            || HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(header.getKey()))) {
                continue;
            }
            ByteBufUtil.writeAscii(out, header.getKey());
            out.writeBytes(COLON_SPACE);
            ByteBufUtil.writeAscii(out, header.getValue());
            out.writeBytes(CRLF);
        }
        out.writeBytes(CRLF);
    }
}
