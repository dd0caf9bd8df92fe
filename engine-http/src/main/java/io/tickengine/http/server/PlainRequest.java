package io.tickengine.http.server;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.IllegalReferenceCountException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A request read by {@link PlainRequestDecoder}: its head kept as the bytes that came in, with the offsets of its
 * target and its headers, and its body a slice of the read buffer. Headers are looked up in those bytes and their
 * values made strings only when asked for (through the decoder's cache, so a repeated value is one string). Pooled
 * by its decoder: the release of its last reference hands it back for the next request of the connection.
 *
 * <p>Read-only: the setters throw, as its headers' do. Event loop only, like the decoder.
 */
final class PlainRequest implements FullHttpRequest {
    private final PlainRequestDecoder decoder;
    private final Headers headers = new Headers();
    private byte[] head = new byte[256];
    private HttpMethod method;
    private int uriStart;
    private int uriEnd;
    private long contentLength;
    private int headerCount;
    /** Per header: name start, name end, value start, value end in {@link #head}. */
    private final int[] offsets = new int[PlainRequestDecoder.MAX_HEADERS * 4];

    private ByteBuf content;
    private int refCnt;

    PlainRequest(final PlainRequestDecoder decoder) {
        this.decoder = decoder;
    }

    /** @return the decoder that read this request, which also writes its answer. */
    PlainRequestDecoder decoder() {
        return decoder;
    }

    void begin(final HttpMethod method, final int uriStart, final int uriEnd) {
        this.method = method;
        this.uriStart = uriStart;
        this.uriEnd = uriEnd;
        this.headerCount = 0;
        this.contentLength = 0;
    }

    int headerCount() {
        return headerCount;
    }

    void header(final int nameStart, final int nameEnd, final int valueStart, final int valueEnd) {
        final int at = headerCount++ * 4;
        offsets[at] = nameStart;
        offsets[at + 1] = nameEnd;
        offsets[at + 2] = valueStart;
        offsets[at + 3] = valueEnd;
    }

    void contentLength(final long contentLength) {
        this.contentLength = contentLength;
    }

    long contentLength() {
        return contentLength;
    }

    /**
     * @return this request's head array holding the first {@code length} bytes of {@code in} from {@code start}: the
     *     decoder reads the head there, so the offsets it records point into it.
     */
    byte[] head(final ByteBuf in, final int start, final int length) {
        if (head.length < length) {
            head = new byte[Math.max(length, head.length * 2)];
        }
        in.getBytes(start, head, 0, length);
        return head;
    }

    /** Makes the request live with {@code body} (owned by it from here), one reference. */
    void content(final ByteBuf body) {
        this.content = body;
        this.refCnt = 1;
    }

    @Override
    public HttpMethod method() {
        return method;
    }

    @Override
    @Deprecated
    public HttpMethod getMethod() {
        return method;
    }

    @Override
    public String uri() {
        return decoder.string(head, uriStart, uriEnd);
    }

    @Override
    @Deprecated
    public String getUri() {
        return uri();
    }

    @Override
    public HttpVersion protocolVersion() {
        return HttpVersion.HTTP_1_1;
    }

    @Override
    @Deprecated
    public HttpVersion getProtocolVersion() {
        return HttpVersion.HTTP_1_1;
    }

    @Override
    public HttpHeaders headers() {
        return headers;
    }

    @Override
    public HttpHeaders trailingHeaders() {
        return EmptyHttpHeaders.INSTANCE;
    }

    @Override
    public DecoderResult decoderResult() {
        return DecoderResult.SUCCESS;
    }

    @Override
    @Deprecated
    public DecoderResult getDecoderResult() {
        return DecoderResult.SUCCESS;
    }

    @Override
    public void setDecoderResult(final DecoderResult result) {
        throw readOnly();
    }

    @Override
    public ByteBuf content() {
        ensureLive();
        return content;
    }

    @Override
    public int refCnt() {
        return refCnt;
    }

    @Override
    public FullHttpRequest retain() {
        return retain(1);
    }

    @Override
    public FullHttpRequest retain(final int increment) {
        ensureLive();
        refCnt += increment;
        return this;
    }

    @Override
    public FullHttpRequest touch() {
        return this;
    }

    @Override
    public FullHttpRequest touch(final Object hint) {
        return this;
    }

    @Override
    public boolean release() {
        return release(1);
    }

    @Override
    public boolean release(final int decrement) {
        if (decrement <= 0 || decrement > refCnt) {
            throw new IllegalReferenceCountException(refCnt, -decrement);
        }
        refCnt -= decrement;
        if (refCnt > 0) {
            return false;
        }
        final ByteBuf body = content;
        content = null;
        body.release();
        decoder.recycle(this);
        return true;
    }

    private void ensureLive() {
        if (refCnt == 0) {
            throw new IllegalReferenceCountException(0);
        }
    }

    /** @return a request of Netty's own, with copied headers, around {@code body}. */
    private FullHttpRequest copyOf(final ByteBuf body) {
        final DefaultFullHttpRequest copy = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri(), body);
        copy.headers().set(headers);
        return copy;
    }

    @Override
    public FullHttpRequest copy() {
        return copyOf(content().copy());
    }

    @Override
    public FullHttpRequest duplicate() {
        return copyOf(content().duplicate());
    }

    @Override
    public FullHttpRequest retainedDuplicate() {
        return copyOf(content().retainedDuplicate());
    }

    @Override
    public FullHttpRequest replace(final ByteBuf body) {
        return copyOf(body);
    }

    @Override
    public FullHttpRequest setProtocolVersion(final HttpVersion version) {
        throw readOnly();
    }

    @Override
    public FullHttpRequest setMethod(final HttpMethod method) {
        throw readOnly();
    }

    @Override
    public FullHttpRequest setUri(final String uri) {
        throw readOnly();
    }

    @Override
    public String toString() {
        return "PlainRequest(" + method + ' ' + (refCnt > 0 ? uri() : "<released>") + ')';
    }

    private static UnsupportedOperationException readOnly() {
        return new UnsupportedOperationException("a request read from the wire is read-only");
    }

    /** The headers of the request, looked up in its head's bytes. */
    private final class Headers extends HttpHeaders {
        /** @return the index of the first header named {@code name} at or after {@code from}, or -1. */
        private int indexOf(final CharSequence name, final int from) {
            final int length = name.length();
            for (int h = from; h < headerCount; h++) {
                final int nameStart = offsets[h * 4];
                if (offsets[h * 4 + 1] - nameStart == length
                        && PlainRequestDecoder.equalsIgnoreCase(head, nameStart, name)) {
                    return h;
                }
            }
            return -1;
        }

        private String value(final int h) {
            return decoder.string(head, offsets[h * 4 + 2], offsets[h * 4 + 3]);
        }

        private String name(final int h) {
            return decoder.string(head, offsets[h * 4], offsets[h * 4 + 1]);
        }

        @Override
        public String get(final String name) {
            return get((CharSequence) name);
        }

        @Override
        public String get(final CharSequence name) {
            final int h = indexOf(name, 0);
            return h < 0 ? null : value(h);
        }

        @Override
        public boolean contains(final String name) {
            return indexOf(name, 0) >= 0;
        }

        @Override
        public boolean contains(final CharSequence name) {
            return indexOf(name, 0) >= 0;
        }

        @Override
        public boolean contains(final String name, final String value, final boolean ignoreCase) {
            return contains((CharSequence) name, value, ignoreCase);
        }

        @Override
        public boolean contains(final CharSequence name, final CharSequence value, final boolean ignoreCase) {
            for (int h = indexOf(name, 0); h >= 0; h = indexOf(name, h + 1)) {
                if (regionEquals(offsets[h * 4 + 2], offsets[h * 4 + 3], value, ignoreCase)) {
                    return true;
                }
            }
            return false;
        }

        /** As Netty's: true if a value of {@code name}, split at commas and trimmed, is {@code value}. */
        @Override
        public boolean containsValue(final CharSequence name, final CharSequence value, final boolean ignoreCase) {
            for (int h = indexOf(name, 0); h >= 0; h = indexOf(name, h + 1)) {
                final int end = offsets[h * 4 + 3];
                int from = offsets[h * 4 + 2];
                while (from <= end) {
                    int comma = from;
                    while (comma < end && head[comma] != ',') {
                        comma++;
                    }
                    int s = from;
                    int e = comma;
                    while (s < e && (head[s] == ' ' || head[s] == '\t')) {
                        s++;
                    }
                    while (e > s && (head[e - 1] == ' ' || head[e - 1] == '\t')) {
                        e--;
                    }
                    if (regionEquals(s, e, value, ignoreCase)) {
                        return true;
                    }
                    from = comma + 1;
                }
            }
            return false;
        }

        private boolean regionEquals(final int from, final int to, final CharSequence value, final boolean ignoreCase) {
            if (to - from != value.length()) {
                return false;
            }
            for (int i = from; i < to; i++) {
                final char c = value.charAt(i - from);
                if (ignoreCase ? PlainRequestDecoder.toLower(head[i]) != Character.toLowerCase(c) : head[i] != c) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public Integer getInt(final CharSequence name) {
            final String value = get(name);
            try {
                return value == null ? null : Integer.valueOf(value);
            } catch (final NumberFormatException e) {
                return null;
            }
        }

        @Override
        public int getInt(final CharSequence name, final int defaultValue) {
            final Integer value = getInt(name);
            return value == null ? defaultValue : value;
        }

        @Override
        public Short getShort(final CharSequence name) {
            final String value = get(name);
            try {
                return value == null ? null : Short.valueOf(value);
            } catch (final NumberFormatException e) {
                return null;
            }
        }

        @Override
        public short getShort(final CharSequence name, final short defaultValue) {
            final Short value = getShort(name);
            return value == null ? defaultValue : value;
        }

        @Override
        public Long getTimeMillis(final CharSequence name) {
            final String value = get(name);
            final java.util.Date date =
                    value == null ? null : io.netty.handler.codec.DateFormatter.parseHttpDate(value);
            return date == null ? null : date.getTime();
        }

        @Override
        public long getTimeMillis(final CharSequence name, final long defaultValue) {
            final Long value = getTimeMillis(name);
            return value == null ? defaultValue : value;
        }

        @Override
        public List<String> getAll(final String name) {
            final List<String> values = new ArrayList<>(1);
            for (int h = indexOf(name, 0); h >= 0; h = indexOf(name, h + 1)) {
                values.add(value(h));
            }
            return values;
        }

        @Override
        public List<Map.Entry<String, String>> entries() {
            final List<Map.Entry<String, String>> entries = new ArrayList<>(headerCount);
            for (int h = 0; h < headerCount; h++) {
                entries.add(new AbstractMap.SimpleImmutableEntry<>(name(h), value(h)));
            }
            return entries;
        }

        @Override
        @Deprecated
        public Iterator<Map.Entry<String, String>> iterator() {
            return entries().iterator();
        }

        @Override
        public Iterator<Map.Entry<CharSequence, CharSequence>> iteratorCharSequence() {
            final List<Map.Entry<CharSequence, CharSequence>> entries = new ArrayList<>(headerCount);
            for (int h = 0; h < headerCount; h++) {
                entries.add(new AbstractMap.SimpleImmutableEntry<>(name(h), value(h)));
            }
            return entries.iterator();
        }

        @Override
        public boolean isEmpty() {
            return headerCount == 0;
        }

        @Override
        public int size() {
            return headerCount;
        }

        @Override
        public Set<String> names() {
            final Set<String> names = new LinkedHashSet<>();
            for (int h = 0; h < headerCount; h++) {
                names.add(name(h));
            }
            return names;
        }

        @Override
        public HttpHeaders add(final String name, final Object value) {
            throw readOnly();
        }

        @Override
        public HttpHeaders add(final String name, final Iterable<?> values) {
            throw readOnly();
        }

        @Override
        public HttpHeaders addInt(final CharSequence name, final int value) {
            throw readOnly();
        }

        @Override
        public HttpHeaders addShort(final CharSequence name, final short value) {
            throw readOnly();
        }

        @Override
        public HttpHeaders set(final String name, final Object value) {
            throw readOnly();
        }

        @Override
        public HttpHeaders set(final String name, final Iterable<?> values) {
            throw readOnly();
        }

        @Override
        public HttpHeaders setInt(final CharSequence name, final int value) {
            throw readOnly();
        }

        @Override
        public HttpHeaders setShort(final CharSequence name, final short value) {
            throw readOnly();
        }

        @Override
        public HttpHeaders remove(final String name) {
            throw readOnly();
        }

        @Override
        public HttpHeaders clear() {
            throw readOnly();
        }

        @Override
        public String toString() {
            return "PlainRequest.Headers" + Arrays.toString(entries().toArray());
        }
    }
}
