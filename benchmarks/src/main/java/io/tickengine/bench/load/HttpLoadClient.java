package io.tickengine.bench.load;

import io.tickengine.core.os.Posix;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * Drives keep-alive HTTP/1.1 connections from one thread (one NIO selector), one request in flight per connection.
 *
 * <p>Full speed ({@code ratePerSecond == 0}): a connection sends its next request as soon as the answer to the last
 * arrives, and latency is measured from the moment it is sent. Fixed rate: request {@code i} is due at
 * {@code start + i / rate}; a free connection takes the oldest due request, and latency is measured from when it
 * was due, not when it could be sent, so a stalled server is charged for every request it held up (coordinated
 * omission correction, as in wrk2). Between due requests the loop parks for at most 20 us, with its thread's timer
 * slack at 1 us: at the kernel's default 50 us slack each park took about 70 us, answers waited that long to be read,
 * and a no-op server's median at 40,000 requests/s over 8 connections read 170 us instead of 75 us, which left the
 * connections too little spare time to catch up after any stall.
 *
 * <p>The loop allocates nothing per request, so the client's own garbage collection never shows in the numbers.
 */
final class HttpLoadClient {
    /** The width of a slot of the {@link #timeline}. */
    static final long TIMELINE_SLOT_NS = 100_000_000L;

    /** The timer slack of the sending thread at a fixed rate: see the class comment. */
    private static final long TIMER_SLACK_NS = 1_000;

    private final RequestSet requests;
    private final Connection[] connections;
    private final Selector selector;
    private final Consumer<SelectionKey> onReady = this::onReady;

    private final Histogram histogram = new Histogram(60_000_000_000L, 3);
    private long completedRequests;
    private long completedTicks;
    private long errorResponses;
    /** Error answers by status and reason ({@link #reason}), counted since the last {@link #reset}. */
    private final Map<String, Long> errorsByAnswer = new HashMap<>();

    private int lastErrorStatus;
    private String lastErrorBody;
    private boolean recording;

    private long nextRequest;
    private long nowNs;
    /** The recorded run's answers by when they came ({@link #TIMELINE_SLOT_NS} slots): count and worst latency. */
    private long recordStartNs;

    private int[] slotAnswers = new int[0];
    private long[] slotMaxNs = new long[0];

    HttpLoadClient(final RequestSet requests, final InetSocketAddress address, final int connectionCount)
            throws IOException {
        this.requests = requests;
        this.selector = Selector.open();
        this.connections = new Connection[connectionCount];
        for (int i = 0; i < connectionCount; i++) {
            final SocketChannel channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(address);
            channel.configureBlocking(false);
            final Connection c = new Connection(channel, Math.max(64 * 1024, requests.maxLength));
            c.key = channel.register(selector, SelectionKey.OP_READ, c);
            connections[i] = c;
        }
    }

    /** Sends until {@code durationNs} has passed, then waits (bounded) for the answers still due. */
    void run(final long durationNs, final double ratePerSecond, final boolean record) throws IOException {
        if (ratePerSecond > 0) {
            Posix.setTimerSlackOfCurrentThread(TIMER_SLACK_NS);
        }
        this.recording = record;
        final long startNs = System.nanoTime();
        if (record) {
            // Answers still due 10 s after the end count in the last slots.
            final int slots = (int) ((durationNs + 10_000_000_000L) / TIMELINE_SLOT_NS) + 1;
            recordStartNs = startNs;
            slotAnswers = new int[slots];
            slotMaxNs = new long[slots];
        }
        final long endNs = startNs + durationNs;
        final double intervalNs = ratePerSecond > 0 ? 1e9 / ratePerSecond : 0;
        long scheduled = 0; // fixed rate: requests due so far since start
        nowNs = startNs;
        while (true) {
            nowNs = System.nanoTime();
            final boolean sending = nowNs - endNs < 0;
            if (!sending && inFlight() == 0) {
                break;
            }
            if (!sending && nowNs - endNs > 10_000_000_000L) {
                throw new IOException("answers still outstanding 10 s after the run [inFlight=" + inFlight() + "]");
            }
            if (sending) {
                for (final Connection c : connections) {
                    if (c.inFlight) {
                        continue;
                    }
                    final long intendedNs;
                    if (intervalNs > 0) {
                        final long dueNs = startNs + (long) (scheduled * intervalNs);
                        if (dueNs - nowNs > 0) {
                            break;
                        }
                        intendedNs = dueNs;
                        scheduled++;
                    } else {
                        intendedNs = nowNs;
                    }
                    send(c, intendedNs);
                }
            }
            final long waitNs;
            if (intervalNs > 0 && sending && inFlight() < connections.length) {
                waitNs = startNs + (long) (scheduled * intervalNs) - System.nanoTime();
            } else {
                // Full speed, or every connection busy: nothing can be sent before an answer arrives, so block
                // until one does rather than spin (on 2 cores a spinning client would slow the server it measures).
                waitNs = Long.MAX_VALUE;
            }
            if (waitNs > 1_000_000L) {
                // Nothing due for a while: block until an answer arrives (or the next request is due).
                selector.select(onReady, Math.max(1, Math.min(waitNs, 100_000_000L) / 1_000_000L - 1));
            } else if (selector.selectNow(onReady) == 0 && waitNs > 0) {
                LockSupport.parkNanos(Math.min(waitNs, 20_000L));
            }
        }
    }

    private int inFlight() {
        int n = 0;
        for (final Connection c : connections) {
            if (c.inFlight) {
                n++;
            }
        }
        return n;
    }

    private void send(final Connection c, final long intendedNs) throws IOException {
        final int r = (int) (nextRequest % requests.count);
        final int cycle = (int) (nextRequest / requests.count);
        nextRequest++;
        requests.prepare(r, cycle);
        final int offset = requests.offset[r];
        final int length = requests.offset[r + 1] - offset;
        c.out.clear();
        c.out.put(requests.data, offset, length);
        c.out.flip();
        c.request = r;
        c.intendedNs = intendedNs;
        c.inFlight = true;
        c.in.clear();
        c.channel.write(c.out);
        if (c.out.hasRemaining()) {
            c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
    }

    private void onReady(final SelectionKey key) {
        final Connection c = (Connection) key.attachment();
        try {
            if (key.isValid() && key.isWritable()) {
                c.channel.write(c.out);
                if (!c.out.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
            if (key.isValid() && key.isReadable()) {
                final int read = c.channel.read(c.in);
                if (read < 0) {
                    throw new IOException("server closed the connection");
                }
                final int status = c.response();
                if (status > 0) {
                    onAnswer(c, status);
                }
            }
        } catch (final IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void onAnswer(final Connection c, final int status) {
        final long doneNs = System.nanoTime();
        c.inFlight = false;
        if (status / 100 != 2) {
            errorResponses++;
            lastErrorStatus = status;
            lastErrorBody = c.bodyText();
            errorsByAnswer.merge(status + " " + reason(lastErrorBody), 1L, Long::sum);
            return;
        }
        if (recording) {
            final long latencyNs = Math.max(1, doneNs - c.intendedNs);
            histogram.recordValue(latencyNs);
            final int slot = (int) Math.min(slotAnswers.length - 1, (doneNs - recordStartNs) / TIMELINE_SLOT_NS);
            slotAnswers[slot]++;
            slotMaxNs[slot] = Math.max(slotMaxNs[slot], latencyNs);
            completedRequests++;
            completedTicks += requests.ticks(c.request);
        }
    }

    /** Clears what was measured (after a warm-up). */
    void reset() {
        histogram.reset();
        completedRequests = 0;
        completedTicks = 0;
        errorResponses = 0;
        errorsByAnswer.clear();
    }

    /**
     * @return the reason of an error answer: the engine's {@code error} message without its bracketed details
     *     ({@code not journaled: disk full}, {@code ring full}), else the body's first 60 characters.
     */
    static String reason(final String body) {
        final String key = "\"error\":\"";
        final int start = body.indexOf(key);
        if (start >= 0) {
            final int from = start + key.length();
            int end = body.indexOf('"', from);
            end = end < 0 ? body.length() : end;
            final int details = body.indexOf(" [", from);
            return body.substring(from, details >= 0 && details < end ? details : end);
        }
        final String text = body.strip();
        return text.length() <= 60 ? text : text.substring(0, 60);
    }

    /**
     * @return the recorded run as CSV, one line per {@link #TIMELINE_SLOT_NS} slot of answer time up to the last answer:
     *     its start in seconds, the answers in it and the worst latency among them (us). A stall shows as a slot with
     *     few answers followed by slots whose worst latency is the stall's length.
     */
    String timeline() {
        int last = slotAnswers.length - 1;
        while (last > 0 && slotAnswers[last] == 0) {
            last--;
        }
        // System.nanoTime() is CLOCK_MONOTONIC on Linux, the clock of perf's timestamps: a trace lines up with this.
        final StringBuilder csv = new StringBuilder("# start: System.nanoTime() " + recordStartNs + "\n")
                .append("second,answers,max_latency_us\n");
        for (int i = 0; i <= last; i++) {
            csv.append(String.format(
                    Locale.ROOT, "%.1f,%d,%.0f%n", i * TIMELINE_SLOT_NS / 1e9, slotAnswers[i], slotMaxNs[i] / 1e3));
        }
        return csv.toString();
    }

    Histogram histogram() {
        return histogram;
    }

    long completedRequests() {
        return completedRequests;
    }

    long completedTicks() {
        return completedTicks;
    }

    long errorResponses() {
        return errorResponses;
    }

    /** @return the error answers as {@code "503 ring full x32; ..."}, the most frequent first; "" for none. */
    String errorsByAnswer() {
        return errorsByAnswer.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> e.getKey() + " x" + e.getValue())
                .collect(Collectors.joining("; "));
    }

    String lastError() {
        return errorResponses == 0 ? null : lastErrorStatus + " " + lastErrorBody;
    }

    void close() throws IOException {
        for (final Connection c : connections) {
            c.channel.close();
        }
        selector.close();
    }

    /** One keep-alive connection and its reusable buffers. */
    private static final class Connection {
        final SocketChannel channel;
        final ByteBuffer out;
        final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
        SelectionKey key;
        boolean inFlight;
        int request;
        long intendedNs;
        private int bodyStart;
        private int bodyLength;

        Connection(final SocketChannel channel, final int maxRequest) {
            this.channel = channel;
            this.out = ByteBuffer.allocateDirect(maxRequest);
        }

        /** @return the status once the whole response is in {@link #in}, else 0. Content-Length or chunked. */
        int response() throws IOException {
            final int end = in.position();
            final int headerEnd = indexOf(in, end, 0);
            if (headerEnd < 0) {
                return 0;
            }
            if (end < 12 || in.get(0) != 'H') {
                throw new IOException("not an HTTP response");
            }
            final int status = (in.get(9) - '0') * 100 + (in.get(10) - '0') * 10 + (in.get(11) - '0');
            bodyStart = headerEnd + 4;
            final long contentLength = headerValue(headerEnd, "content-length:");
            if (contentLength >= 0) {
                bodyLength = (int) contentLength;
                return end >= bodyStart + contentLength ? status : 0;
            }
            if (status == 204 || status == 304) {
                bodyLength = 0;
                return status;
            }
            // Chunked: complete at the terminating zero-length chunk.
            bodyLength = end - bodyStart;
            return end >= bodyStart + 5 && endsWith(end, "0\r\n\r\n") ? status : 0;
        }

        String bodyText() {
            final byte[] b = new byte[Math.max(0, Math.min(bodyLength, in.position() - bodyStart))];
            for (int i = 0; i < b.length; i++) {
                b[i] = in.get(bodyStart + i);
            }
            return new String(b, java.nio.charset.StandardCharsets.UTF_8);
        }

        private boolean endsWith(final int end, final String s) {
            for (int i = 0; i < s.length(); i++) {
                if (in.get(end - s.length() + i) != s.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        /** @return the decimal value of a header (name in lower case with its colon), or -1. */
        private long headerValue(final int headerEnd, final String name) {
            outer:
            for (int p = 0; p + name.length() < headerEnd; p++) {
                if (in.get(p) != '\n') {
                    continue;
                }
                for (int k = 0; k < name.length(); k++) {
                    int ch = in.get(p + 1 + k);
                    if (ch >= 'A' && ch <= 'Z') {
                        ch += 'a' - 'A';
                    }
                    if (ch != name.charAt(k)) {
                        continue outer;
                    }
                }
                int q = p + 1 + name.length();
                while (in.get(q) == ' ') {
                    q++;
                }
                long v = 0;
                while (in.get(q) >= '0' && in.get(q) <= '9') {
                    v = v * 10 + (in.get(q++) - '0');
                }
                return v;
            }
            return -1;
        }

        private static int indexOf(final ByteBuffer b, final int end, final int from) {
            for (int i = from; i + 3 < end; i++) {
                if (b.get(i) == '\r' && b.get(i + 1) == '\n' && b.get(i + 2) == '\r' && b.get(i + 3) == '\n') {
                    return i;
                }
            }
            return -1;
        }
    }
}
