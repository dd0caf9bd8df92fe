package io.tickengine.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Every request of a load run, encoded once into one array before the run (whole HTTP/1.1 requests, headers and
 * body), so sending costs a copy and nothing else. The set holds whole passes of a {@link TickStream}; when the run
 * has sent them all it starts over, and each request's {@code time_msc} digits are first rewritten in place one
 * cycle later ({@link #prepare}), so the ticks' time keeps moving forward. Every format writes times as 13-digit
 * epoch milliseconds, so a rewrite never changes a request's length.
 */
public final class RequestSet {
    private static final int TIME_DIGITS = 13;

    /** Every request, back to back; {@code offset[count]} is where they end (the array may be longer). */
    public final byte[] data;
    /** Start of request {@code r} in {@link #data}; {@code offset[count]} is the end. */
    public final int[] offset;
    /** First tick of request {@code r}; {@code firstTick[count]} is the number of ticks. */
    public final int[] firstTick;

    public final int count;
    public final int maxLength;
    private final int[] timePosition;
    private final long[] baseTimeMsc;
    private final long cycleShiftMsc;
    private final int[] cycle;

    private RequestSet(
            final byte[] data,
            final int[] offset,
            final int[] firstTick,
            final int count,
            final int[] timePosition,
            final long[] baseTimeMsc,
            final long cycleShiftMsc) {
        this.data = data;
        this.offset = offset;
        this.firstTick = firstTick;
        this.count = count;
        this.timePosition = timePosition;
        this.baseTimeMsc = baseTimeMsc;
        this.cycleShiftMsc = cycleShiftMsc;
        this.cycle = new int[count];
        int max = 0;
        for (int r = 0; r < count; r++) {
            max = Math.max(max, offset[r + 1] - offset[r]);
        }
        this.maxLength = max;
    }

    /**
     * Encodes {@code passes} passes of the stream, {@code batch} ticks per request.
     *
     * @param headers extra header lines, each ending in CRLF (e.g. the API key).
     * @param path the request path, or {@code null} for bodies alone (JMH).
     */
    public static RequestSet encode(
            final TickStream stream,
            final int passes,
            final int batch,
            final BodyFormat format,
            final String host,
            final String path,
            final String headers) {
        final int ticks = stream.size() * passes;
        final int requests = (ticks + batch - 1) / batch;
        // Sized for the whole set at once (a JSON tick is about 110 bytes): growing a set of millions of ticks by
        // copies, and trimming it by one more, held three times its size at a time.
        final Sink out = new Sink((int) Math.min(Integer.MAX_VALUE - 16, (long) ticks * 128 + requests * 256L));
        final Sink body = new Sink(batch * 160 + 64);
        final int[] offset = new int[requests + 1];
        final int[] firstTick = new int[requests + 1];
        final int[] timePosition = new int[ticks];
        final long[] baseTime = new long[ticks];
        final int[] bodyTimePosition = new int[batch];
        int t = 0;
        for (int r = 0; r < requests; r++) {
            offset[r] = out.length;
            firstTick[r] = t;
            final int n = Math.min(batch, ticks - t);
            body.length = 0;
            if (format == BodyFormat.CSV) {
                body.ascii("symbol,time_msc,bid,ask,last,volume,flags\n");
            } else if (format == BodyFormat.JSON && n > 1) {
                body.ascii("[");
            }
            for (int k = 0; k < n; k++, t++) {
                final int i = t % stream.size();
                final long time = stream.timeMsc[i] + (long) (t / stream.size()) * stream.passShiftMsc;
                if (time < 1_000_000_000_000L || time >= 10_000_000_000_000L) {
                    throw new IllegalArgumentException("tick time out of the 13-digit range [timeMsc=" + time + "]");
                }
                baseTime[t] = time;
                final String symbol = stream.symbols[stream.symbol[i]];
                switch (format) {
                    case JSON, NDJSON -> {
                        if (format == BodyFormat.JSON && k > 0) {
                            body.ascii(",");
                        }
                        body.ascii("{\"symbol\":\"").ascii(symbol).ascii("\",\"time_msc\":");
                        bodyTimePosition[k] = body.length;
                        body.ascii(Long.toString(time))
                                .ascii(",\"bid\":")
                                .ascii(Double.toString(stream.bid[i]))
                                .ascii(",\"ask\":")
                                .ascii(Double.toString(stream.ask[i]))
                                .ascii(",\"last\":")
                                .ascii(Double.toString(stream.last[i]))
                                .ascii(",\"volume\":")
                                .ascii(Long.toString(stream.volume[i]))
                                .ascii(",\"flags\":")
                                .ascii(Integer.toString(stream.flags[i]))
                                .ascii("}");
                        if (format == BodyFormat.NDJSON) {
                            body.ascii("\n");
                        }
                    }
                    case CSV -> {
                        body.ascii(symbol).ascii(",");
                        bodyTimePosition[k] = body.length;
                        body.ascii(Long.toString(time))
                                .ascii(",")
                                .ascii(Double.toString(stream.bid[i]))
                                .ascii(",")
                                .ascii(Double.toString(stream.ask[i]))
                                .ascii(",")
                                .ascii(Double.toString(stream.last[i]))
                                .ascii(",")
                                .ascii(Long.toString(stream.volume[i]))
                                .ascii(",")
                                .ascii(Integer.toString(stream.flags[i]))
                                .ascii("\n");
                    }
                    case ILP -> {
                        body.ascii("ticks,symbol=")
                                .ascii(symbol)
                                .ascii(" bid=")
                                .ascii(Double.toString(stream.bid[i]))
                                .ascii(",ask=")
                                .ascii(Double.toString(stream.ask[i]))
                                .ascii(",last=")
                                .ascii(Double.toString(stream.last[i]))
                                .ascii(",volume=")
                                .ascii(Long.toString(stream.volume[i]))
                                .ascii("i,flags=")
                                .ascii(Integer.toString(stream.flags[i]))
                                .ascii("i ");
                        bodyTimePosition[k] = body.length;
                        body.ascii(Long.toString(time)).ascii("\n");
                    }
                    default -> throw new IllegalArgumentException(format.name());
                }
            }
            if (format == BodyFormat.JSON && n > 1) {
                body.ascii("]");
            }
            if (path != null) {
                out.ascii("POST ")
                        .ascii(path)
                        .ascii(" HTTP/1.1\r\nHost: ")
                        .ascii(host)
                        .ascii("\r\nContent-Type: ")
                        .ascii(format.contentType)
                        .ascii("\r\n")
                        .ascii(headers)
                        .ascii("Content-Length: ")
                        .ascii(Integer.toString(body.length))
                        .ascii("\r\n\r\n");
            }
            final int bodyStart = out.length;
            out.bytes(body.data, body.length);
            for (int k = 0; k < n; k++) {
                timePosition[firstTick[r] + k] = bodyStart + bodyTimePosition[k];
            }
        }
        offset[requests] = out.length;
        firstTick[requests] = t;
        final long cycleShift = stream.passShiftMsc * passes;
        return new RequestSet(out.data, offset, firstTick, requests, timePosition, baseTime, cycleShift);
    }

    /** Rewrites request {@code r}'s tick times for cycle {@code c} (0 = as encoded), unless already done. */
    public void prepare(final int r, final int c) {
        if (cycle[r] == c) {
            return;
        }
        cycle[r] = c;
        final long shift = c * cycleShiftMsc;
        for (int t = firstTick[r], end = firstTick[r + 1]; t < end; t++) {
            long v = baseTimeMsc[t] + shift;
            for (int p = timePosition[t] + TIME_DIGITS - 1; p >= timePosition[t]; p--) {
                data[p] = (byte) ('0' + (v % 10));
                v /= 10;
            }
        }
    }

    /** @return ticks in request {@code r}. */
    public int ticks(final int r) {
        return firstTick[r + 1] - firstTick[r];
    }

    /** A growable byte array for encoding; ASCII only. */
    private static final class Sink {
        byte[] data;
        int length;

        Sink(final int capacity) {
            data = new byte[Math.max(64, capacity)];
        }

        Sink ascii(final String s) {
            final byte[] b = s.getBytes(StandardCharsets.US_ASCII);
            return bytes(b, b.length);
        }

        Sink bytes(final byte[] b, final int n) {
            if (length + n > data.length) {
                data = Arrays.copyOf(
                        data, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(length + n, data.length * 3L / 2)));
            }
            System.arraycopy(b, 0, data, length, n);
            length += n;
            return this;
        }
    }
}
