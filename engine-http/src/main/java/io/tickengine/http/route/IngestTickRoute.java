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
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * {@code POST /ingest/tick} (and {@code /ingest/ticks}): parse the body in place, validate every tick, offer them to
 * the ingest gate (journaled and published all or none, on this event loop), and answer
 * {@code 202 {"accepted":n,"duplicates":d}} in the same task (after the group commit with {@code journal.sync}).
 *
 * <p>Per event loop: one parser, one tick buffer and one scratch array, reused for every request, so the path
 * allocates nothing per tick. A full ring holds the request (and so its connection) for up to {@code http.ring.wait.ms},
 * offering its parsed ticks again every 200 us without blocking the event loop (they are parsed once), then answers
 * {@code 503} with {@code Retry-After}. A full symbol or
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
        if (refusedWhenStopped(exchange, parsed)) {
            return;
        }
        final PendingIngest ack = s.takeAck(this);
        ack.start(exchange, parsed);
        final long result = engine.publishTicks(s.ticks, ack);
        if (result == TickRing.BACK_PRESSURED && ringWaitNs > 0 && engine.replicatedJournal() == null) {
            // Only while the ring is full, so not per request: the request's connection reads nothing meanwhile.
            new Waiting(exchange, s, ack, System.nanoTime() + ringWaitNs).retryLater();
            return;
        }
        refused(exchange, result, parsed);
        // Else `ack` has answered already (on this event loop, in this task), or the journal syncer or the Kafka
        // producer will.
        if (answersInTask()) {
            // Nothing holds it any more: the next request on this event loop takes it.
            s.giveBackAck(ack);
        }
    }

    /**
     * @return true if {@link TickEngine#publishTicks} answers its ack in the call or not at all, and keeps no reference
     *     to it: the local journal without {@code journal.sync}.
     */
    private boolean answersInTask() {
        return !engine.context().journalSync() && engine.replicatedJournal() == null;
    }

    private boolean refusedWhenStopped(final Exchange exchange, final int ticks) {
        final String stopped = engine.stoppedReason();
        if (stopped == null) {
            return false;
        }
        metrics.onIngestRejected(Reject.STOPPED, ticks);
        exchange.respond(retryLater(exchange, "not journaled: " + stopped));
        return true;
    }

    /** Answers a request the ring did not take ({@link TickEngine#publishTicks}'s negative results); else nothing. */
    private void refused(final Exchange exchange, final long result, final int ticks) {
        if (result == TickRing.BACK_PRESSURED) {
            metrics.onIngestRejected(Reject.RING_FULL, ticks);
            exchange.respond(retryLater(
                    exchange,
                    engine.replicatedJournal() == null ? "ring full: try again" : "kafka: send queue full: try again"));
        } else if (result == TickRing.CLOSED) {
            metrics.onIngestRejected(Reject.SHUTTING_DOWN, ticks);
            exchange.respond(retryLater(exchange, "shutting down"));
        } else if (result == TickRing.TOO_LARGE) {
            metrics.onIngestRejected(Reject.TOO_LARGE, ticks);
            exchange.respond(Responses.error(
                    exchange.alloc(),
                    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "too many ticks in one request [max=" + engine.maxTicksPerRequest() + "]"));
        }
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

    /**
     * Completes one request when the journal has all of its ticks. Where the journal answers in the publishing call
     * ({@link #answersInTask}), one instance per event loop serves request after request; else each request has its
     * own, which the journal syncer or the Kafka producer completes later.
     */
    private final class PendingIngest implements IngestAck, Runnable {
        private Exchange exchange;
        private int ticks;
        private int accepted;
        private int duplicates;
        private String failure;
        private int refusedIndex;

        void start(final Exchange exchange, final int ticks) {
            this.exchange = exchange;
            this.ticks = ticks;
            this.accepted = 0;
            this.duplicates = 0;
            this.failure = null;
            this.refusedIndex = -1;
        }

        void finish() {
            exchange = null;
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

    /**
     * A parsed request that found the ring full: it keeps its ticks (the event loop's parser takes a spare buffer
     * meanwhile), so each try only offers them again, and gives the buffer back when it is answered.
     */
    private final class Waiting implements Runnable {
        private final Exchange exchange;
        private final Scratch scratch;
        private final TickBuffer ticks;
        private final PendingIngest ack;
        private final long deadlineNs;

        Waiting(final Exchange exchange, final Scratch scratch, final PendingIngest ack, final long deadlineNs) {
            this.exchange = exchange;
            this.scratch = scratch;
            this.ticks = scratch.takeTicks();
            this.ack = ack;
            this.deadlineNs = deadlineNs;
        }

        void retryLater() {
            exchange.later(this, RING_RETRY_NS);
        }

        @Override
        public void run() {
            if (exchange.isAnswered()) {
                // Its connection closed while it waited for room in the ring.
                scratch.giveBack(ticks);
                return;
            }
            if (refusedWhenStopped(exchange, ack.ticks)) {
                scratch.giveBack(ticks);
                return;
            }
            final long result = engine.publishTicks(ticks, ack);
            if (result == TickRing.BACK_PRESSURED && deadlineNs - System.nanoTime() > 0) {
                retryLater();
                return;
            }
            scratch.giveBack(ticks);
            refused(exchange, result, ack.ticks);
        }
    }

    /** Per-event-loop state of this route. */
    private static final class Scratch {
        /** Spare tick buffers for requests held by a full ring; a few, not one per request that ever waited. */
        private static final int MAX_SPARE = 8;

        final TickParser parser;
        final UnsafeBuffer body = new UnsafeBuffer(new byte[0]);
        private final ArrayDeque<TickBuffer> spare = new ArrayDeque<>();
        TickBuffer ticks = new TickBuffer(1024);
        byte[] copy = new byte[64 * 1024];
        /** The ack the next request takes, when the last one's is free again; see {@link #answersInTask}. */
        private PendingIngest ack;

        Scratch(final TickParser parser) {
            this.parser = parser;
        }

        /** @return the parsed ticks, for a request to keep while it waits; the parser goes on with a spare buffer. */
        TickBuffer takeTicks() {
            final TickBuffer taken = ticks;
            final TickBuffer next = spare.poll();
            ticks = next != null ? next : new TickBuffer(1024);
            return taken;
        }

        PendingIngest takeAck(final IngestTickRoute route) {
            final PendingIngest taken = ack;
            ack = null;
            return taken != null ? taken : route.new PendingIngest();
        }

        void giveBackAck(final PendingIngest free) {
            free.finish();
            ack = free;
        }

        void giveBack(final TickBuffer buffer) {
            if (spare.size() < MAX_SPARE) {
                spare.push(buffer);
            }
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
