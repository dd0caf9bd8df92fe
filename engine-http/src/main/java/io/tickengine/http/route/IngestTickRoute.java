package io.tickengine.http.route;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.FastThreadLocal;
import io.tickengine.core.TickEngine;
import io.tickengine.core.ring.IngestAck;
import io.tickengine.core.ring.TickRing;
import io.tickengine.core.security.Scope;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.core.tick.TickField;
import io.tickengine.core.tick.codec.TickParser;
import io.tickengine.http.metrics.HttpMetrics;
import io.tickengine.http.metrics.HttpMetrics.Reject;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@code POST /ingest/tick} (and {@code /ingest/ticks}): parse the body in place, validate every tick, offer them to
 * the ingest gate (journaled and published all or none, on this event loop), and answer
 * {@code 202 {"accepted":n,"duplicates":d}} in the same task (after the group commit with {@code journal.sync}).
 *
 * <p>Per event loop: one parser, one tick buffer and one scratch array, reused for every request, so the path
 * allocates nothing per tick. A full ring holds the request (and so its connection) for up to {@code http.ring.wait.ms},
 * trying again every 200 us without blocking the event loop, then answers {@code 503} with {@code Retry-After}. A full symbol or
 * source table ({@code names.capacity}) is {@code 422}: retrying cannot help until the limit is raised. A seq below its
 * source's dedup window is {@code 409}, and nothing of the request is taken. Refusals are counted by reason
 * ({@link HttpMetrics}).
 */
public final class IngestTickRoute implements Route {
    /** How soon a request that found the ring full tries again. */
    private static final long RING_RETRY_NS = 200_000;

    private final TickEngine engine;
    private final String retryAfterSeconds;
    private final long ringWaitNs;
    private final HttpMetrics metrics;
    private final FastThreadLocal<Scratch> scratch;

    /**
     * @param ringWaitMs how long a request waits for room in a full ring ({@code http.ring.wait.ms}), its connection
     *     reading nothing more meanwhile, before {@code 503 ring full}; 0 refuses at once.
     */
    public IngestTickRoute(
            final TickEngine engine, final int retryAfterSeconds, final int ringWaitMs, final HttpMetrics metrics) {
        this.engine = engine;
        this.retryAfterSeconds = Integer.toString(retryAfterSeconds);
        this.ringWaitNs = TimeUnit.MILLISECONDS.toNanos(ringWaitMs);
        this.metrics = metrics;
        this.scratch = new FastThreadLocal<>() {
            @Override
            protected Scratch initialValue() {
                return new Scratch(new TickParser(engine.symbols(), engine.sources(), engine.maxTicksPerRequest()));
            }
        };
    }

    @Override
    public Scope scope() {
        return Scope.INGEST;
    }

    @Override
    public void handle(final Exchange exchange) {
        ingest(exchange, 0);
    }

    /**
     * Parses the request and offers its ticks; a full ring takes the request up again a little later, parsed afresh
     * (the parser's buffers serve the event loop's other connections meanwhile), until {@code waitDeadlineNs}.
     *
     * @param waitDeadlineNs when the wait for room in a full ring ends, 0 before the ring was first found full.
     */
    private void ingest(final Exchange exchange, final long waitDeadlineNs) {
        if (exchange.isAnswered()) {
            // Its connection closed while it waited for room in the ring.
            return;
        }
        final String contentType = exchange.request().headers().get(HttpHeaderNames.CONTENT_TYPE);
        final TickParser.Format format = contentType == null ? null : TickParser.formatOf(contentType);
        if (format == null) {
            metrics.onIngestRejected(Reject.UNSUPPORTED_MEDIA_TYPE, 0);
            exchange.respond(Responses.error(
                    exchange.alloc(),
                    HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
                    "unsupported media type: use application/json, application/x-ndjson or text/csv"));
            return;
        }
        final Scratch s = scratch.get();
        final ByteBuf content = exchange.request().content();
        final int length = content.readableBytes();
        s.wrap(content, length);
        final int parsed = s.parser.parse(s.body, 0, length, format, s.ticks, System.currentTimeMillis());
        if (parsed < 0) {
            exchange.respond(parseError(exchange, s.parser, parsed));
            return;
        }
        final String stopped = engine.stoppedReason();
        if (stopped != null) {
            metrics.onIngestRejected(Reject.STOPPED, parsed);
            exchange.respond(retryLater(exchange, "not journaled: " + stopped));
            return;
        }
        final PendingIngest ack = new PendingIngest(exchange, metrics, parsed);
        final long result = engine.publishTicks(s.ticks, ack);
        if (result == TickRing.BACK_PRESSURED && ringWaitNs > 0 && engine.replicatedJournal() == null) {
            final long nowNs = System.nanoTime();
            final long deadlineNs = waitDeadlineNs != 0 ? waitDeadlineNs : nowNs + ringWaitNs;
            if (deadlineNs - nowNs > 0) {
                // Only while the ring is full, so not per request: the request's connection reads nothing meanwhile.
                exchange.eventLoop().schedule(() -> ingest(exchange, deadlineNs), RING_RETRY_NS, TimeUnit.NANOSECONDS);
                return;
            }
        }
        if (result == TickRing.BACK_PRESSURED) {
            metrics.onIngestRejected(Reject.RING_FULL, parsed);
            exchange.respond(retryLater(
                    exchange,
                    engine.replicatedJournal() == null ? "ring full: try again" : "kafka: send queue full: try again"));
        } else if (result == TickRing.CLOSED) {
            metrics.onIngestRejected(Reject.SHUTTING_DOWN, parsed);
            exchange.respond(retryLater(exchange, "shutting down"));
        } else if (result == TickRing.TOO_LARGE) {
            metrics.onIngestRejected(Reject.TOO_LARGE, parsed);
            exchange.respond(Responses.error(
                    exchange.alloc(),
                    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "too many ticks in one request [max=" + engine.maxTicksPerRequest() + "]"));
        }
        // Else `ack` has answered already (on this event loop, in this task), or the journal syncer will.
    }

    private FullHttpResponse retryLater(final Exchange exchange, final String message) {
        return Responses.retryLater(exchange.alloc(), message, retryAfterSeconds);
    }

    private FullHttpResponse parseError(final Exchange exchange, final TickParser parser, final int code) {
        final HttpResponseStatus status;
        switch (code) {
            case TickParser.ERROR_TOO_MANY -> {
                metrics.onIngestRejected(Reject.TOO_LARGE, 0);
                status = HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
            }
            case TickParser.ERROR_NAMES_FULL -> {
                // Permanent until the operator raises the limit: a 4xx, so that no client retries it forever.
                metrics.onIngestRejected(Reject.NAMES_FULL, 0);
                return Responses.error(
                        exchange.alloc(),
                        HttpResponseStatus.UNPROCESSABLE_ENTITY,
                        parser.errorMessage() + " [limit=" + engine.context().namesCapacity()
                                + ", setting=names.capacity]",
                        parser.errorIndex(),
                        parser.errorField() == null ? null : parser.errorField().wireName());
            }
            default -> {
                metrics.onIngestRejected(Reject.INVALID, 0);
                status = HttpResponseStatus.BAD_REQUEST;
            }
        }
        return Responses.error(
                exchange.alloc(),
                status,
                parser.errorMessage(),
                parser.errorIndex(),
                parser.errorField() == null ? null : parser.errorField().wireName());
    }

    /** Completes one request when the journal has all of its ticks. */
    private final class PendingIngest implements IngestAck, Runnable {
        private final Exchange exchange;
        private final HttpMetrics metrics;
        private final int ticks;
        private int accepted;
        private int duplicates;
        private String failure;
        private int refusedIndex = -1;

        PendingIngest(final Exchange exchange, final HttpMetrics metrics, final int ticks) {
            this.exchange = exchange;
            this.metrics = metrics;
            this.ticks = ticks;
        }

        @Override
        public void onJournaled(final int accepted, final int duplicates) {
            this.accepted = accepted;
            this.duplicates = duplicates;
            answer();
        }

        @Override
        public void onFailed(final String reason) {
            this.failure = reason;
            answer();
        }

        @Override
        public void onSeqBelowWindow(final int index, final String reason) {
            this.failure = reason;
            this.refusedIndex = index;
            answer();
        }

        /**
         * In the same task when the gate answered on this event loop; else (the journal syncer, the Kafka producer)
         * handed to it.
         */
        private void answer() {
            if (exchange.eventLoop().inEventLoop()) {
                run();
            } else {
                exchange.eventLoop().execute(this);
            }
        }

        @Override
        public void run() {
            if (refusedIndex >= 0) {
                metrics.onIngestRejected(Reject.SEQ_BELOW_WINDOW, ticks);
                exchange.respond(Responses.error(
                        exchange.alloc(),
                        HttpResponseStatus.CONFLICT,
                        failure,
                        refusedIndex,
                        TickField.SEQ.wireName()));
                return;
            }
            if (failure != null) {
                metrics.onIngestRejected(Reject.JOURNAL_FAILED, ticks);
                final FullHttpResponse response = Responses.error(
                        exchange.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE, "not journaled: " + failure);
                response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
                exchange.respond(response);
                return;
            }
            exchange.respond(IngestAnswers.accepted(exchange.alloc(), accepted, duplicates));
        }
    }

    /** Per-event-loop state of this route. */
    private static final class Scratch {
        final TickParser parser;
        final TickBuffer ticks = new TickBuffer(1024);
        final UnsafeBuffer body = new UnsafeBuffer(new byte[0]);
        byte[] copy = new byte[64 * 1024];

        Scratch(final TickParser parser) {
            this.parser = parser;
        }

        /** Points {@link #body} at the request bytes: in place when they are one array, else copied once. */
        void wrap(final ByteBuf content, final int length) {
            if (content.hasArray()) {
                body.wrap(content.array(), content.arrayOffset() + content.readerIndex(), length);
            } else if (content.hasMemoryAddress()) {
                body.wrap(content.memoryAddress() + content.readerIndex(), length);
            } else {
                // An aggregated body is usually a composite of several reads.
                if (copy.length < length) {
                    copy = new byte[Math.max(length, copy.length * 2)];
                }
                content.getBytes(content.readerIndex(), copy, 0, length);
                body.wrap(copy, 0, length);
            }
        }
    }
}
