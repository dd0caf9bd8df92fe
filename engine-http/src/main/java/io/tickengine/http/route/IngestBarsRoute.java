package io.tickengine.http.route;

import io.netty.buffer.ByteBufInputStream;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.FastThreadLocal;
import io.tickengine.core.TickEngine;
import io.tickengine.core.candle.BarBuffer;
import io.tickengine.core.candle.codec.BarBatchParser;
import io.tickengine.core.ring.IngestAck;
import io.tickengine.core.ring.TickRing;
import io.tickengine.core.security.Scope;
import io.tickengine.http.metrics.HttpMetrics;
import io.tickengine.http.metrics.HttpMetrics.Reject;
import java.util.Locale;

/**
 * {@code POST /ingest}: whole bars (history backfill, e.g. from MT5's {@code CopyRates}), validated all or nothing,
 * journaled and written through the same writer as built candles, each replacing the stored bar. Answers
 * {@code 202 {"accepted":n}} once journaled.
 */
public final class IngestBarsRoute implements Route {
    private final TickEngine engine;
    private final String retryAfterSeconds;
    private final HttpMetrics metrics;
    private final FastThreadLocal<BarBatchParser> parser;
    private final FastThreadLocal<BarBuffer> bars = new FastThreadLocal<>() {
        @Override
        protected BarBuffer initialValue() {
            return new BarBuffer(256);
        }
    };

    public IngestBarsRoute(final TickEngine engine, final int retryAfterSeconds, final HttpMetrics metrics) {
        this.engine = engine;
        this.retryAfterSeconds = Integer.toString(retryAfterSeconds);
        this.metrics = metrics;
        this.parser = new FastThreadLocal<>() {
            @Override
            protected BarBatchParser initialValue() {
                return new BarBatchParser(
                        engine.symbols(),
                        engine.gate().maxBatchSize(),
                        engine.context().sessionOffsetMsc());
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
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            metrics.onIngestRejected(Reject.UNSUPPORTED_MEDIA_TYPE, 0);
            exchange.respond(Responses.error(
                    exchange.alloc(),
                    HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
                    "unsupported media type: use application/json"));
            return;
        }
        if (engine.replicatedJournal() != null) {
            // Bars would go through the local journal and its candle writer, beside the group's store: not built.
            metrics.onIngestRejected(Reject.INVALID, 0);
            exchange.respond(Responses.error(
                    exchange.alloc(),
                    HttpResponseStatus.NOT_IMPLEMENTED,
                    "bars are not taken with journal.kind=kafka in this version: post ticks (/ingest/tick), or import"
                            + " bars into an engine with the local journal"));
            return;
        }
        final BarBuffer buffer = bars.get();
        final io.netty.buffer.ByteBuf content = exchange.request().content();
        int length = content.readableBytes();
        // MQL5's StringToCharArray leaves a NUL at the end of the body: tolerated, as for ticks.
        while (length > 0 && content.getByte(content.readerIndex() + length - 1) == 0) {
            length--;
        }
        final BarBatchParser.Failure failure = parser.get()
                .parse(
                        new ByteBufInputStream(content.slice(content.readerIndex(), length)),
                        buffer,
                        System.currentTimeMillis());
        if (failure != null) {
            if (failure.status() == 422) {
                metrics.onIngestRejected(Reject.NAMES_FULL, 0);
                exchange.respond(Responses.error(
                        exchange.alloc(),
                        HttpResponseStatus.UNPROCESSABLE_ENTITY,
                        failure.message(),
                        failure.index(),
                        failure.field()));
            } else {
                metrics.onIngestRejected(failure.status() == 413 ? Reject.TOO_LARGE : Reject.INVALID, 0);
                exchange.respond(Responses.error(
                        exchange.alloc(),
                        failure.status() == 413
                                ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE
                                : HttpResponseStatus.BAD_REQUEST,
                        failure.message(),
                        failure.index(),
                        failure.field()));
            }
            return;
        }
        final String stopped = engine.stoppedReason();
        if (stopped != null) {
            metrics.onIngestRejected(Reject.STOPPED, 0);
            exchange.respond(retryLater(exchange, "not journaled: " + stopped));
            return;
        }
        final long result = engine.gate().tryPublishBars(buffer, new IngestAck() {
            @Override
            public void onJournaled(final int accepted, final int duplicates) {
                exchange.eventLoop()
                        .execute(() -> exchange.respond(Responses.json(
                                exchange.alloc(), HttpResponseStatus.ACCEPTED, "{\"accepted\":" + accepted + "}")));
            }

            @Override
            public void onFailed(final String reason) {
                metrics.onIngestRejected(Reject.JOURNAL_FAILED, 0);
                exchange.eventLoop().execute(() -> exchange.respond(retryLater(exchange, "not journaled: " + reason)));
            }
        });
        if (result == TickRing.BACK_PRESSURED) {
            metrics.onIngestRejected(Reject.RING_FULL, 0);
            exchange.respond(retryLater(exchange, "ring full: try again"));
        } else if (result == TickRing.CLOSED) {
            metrics.onIngestRejected(Reject.SHUTTING_DOWN, 0);
            exchange.respond(retryLater(exchange, "shutting down"));
        } else if (result == TickRing.TOO_LARGE) {
            metrics.onIngestRejected(Reject.TOO_LARGE, 0);
            exchange.respond(Responses.error(
                    exchange.alloc(),
                    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "too many bars in one request [max=" + engine.gate().maxBatchSize() + "]"));
        }
    }

    private FullHttpResponse retryLater(final Exchange exchange, final String message) {
        return Responses.retryLater(exchange.alloc(), message, retryAfterSeconds);
    }
}
