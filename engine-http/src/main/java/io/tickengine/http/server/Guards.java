package io.tickengine.http.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import io.tickengine.http.metrics.HttpMetrics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The connection-level limits of the HTTP front: connection count, time to receive a request, idle time, body size. Their
 * refusals are counted under the route {@link HttpMetrics#OTHER_ROUTE}: they happen before routing.
 */
final class Guards {
    private Guards() {}

    /** Refuses connections over the limit with a plain 503 (or, under TLS, by closing). Shared by all channels. */
    @ChannelHandler.Sharable
    static final class ConnectionLimit extends ChannelInboundHandlerAdapter {
        private static final String REFUSAL_BODY = "{\"error\":\"too many connections, try again\",\"status\":503}";
        private static final byte[] REFUSAL = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                        + "Retry-After: 1\r\nConnection: close\r\nContent-Length: " + REFUSAL_BODY.length()
                        + "\r\n\r\n" + REFUSAL_BODY)
                .getBytes(StandardCharsets.US_ASCII);

        private final ServerState state;
        private final int max;
        private final boolean tls;
        private final HttpMetrics metrics;

        ConnectionLimit(final ServerState state, final int max, final boolean tls, final HttpMetrics metrics) {
            this.state = state;
            this.max = max;
            this.tls = tls;
            this.metrics = metrics;
        }

        @Override
        public void channelActive(final ChannelHandlerContext ctx) {
            if (state.connections().incrementAndGet() > max) {
                metrics.onResponse(0, HttpResponseStatus.SERVICE_UNAVAILABLE.code());
                if (tls) {
                    ctx.close();
                } else {
                    final ByteBuf refusal = Unpooled.wrappedBuffer(REFUSAL);
                    ctx.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
                }
                return;
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx) {
            state.connections().decrementAndGet();
            ctx.fireChannelInactive();
        }
    }

    /**
     * A refusal that ends the connection, raised by a guard ({@link ReceiveDeadline}, {@link BodyLimit}) and written
     * by {@link ApiHandler} in request order: after the answer of a request still in flight, never before it.
     */
    record Refusal(HttpResponseStatus status, String message) {}

    /**
     * A request must arrive whole within a deadline, counted from its first byte, however slowly it trickles in; time
     * when the server itself is not reading (an answer still in flight, a client that does not read its answers) does
     * not count. {@link #bytes()} sits before the HTTP decoder and starts the clock; {@link #messages()} sits after it
     * and stops the clock at the request's last content. When the deadline passes, a {@link Refusal} (408) travels
     * to {@link ApiHandler}, which writes it in order and closes.
     *
     * <p>One instance per connection, with one timer for the connection, not one per request: it is armed when a
     * request starts and none is armed, and when it fires for a request that has since ended it is not re-armed
     * until the next one starts.
     */
    static final class ReceiveDeadline {
        /**
         * Sent by a decoder in front of {@link #messages()} after a whole request when bytes of the next one came
         * with it: the next request's clock starts then, not when its last byte comes. Taken out of the pipeline here.
         */
        static final Object REQUEST_STARTED = new Object() {
            @Override
            public String toString() {
                return "REQUEST_STARTED";
            }
        };

        private final long timeoutNs;
        private final long timeoutMs;
        private final Runnable check = this::check;
        private ChannelHandlerContext messagesCtx;
        private ScheduledFuture<?> timer;
        /** When the request being received started (less the time the server was not reading), 0 between requests. */
        private long startedNs;
        /**
         * When the server stopped reading (a read completed and none is requested yet), 0 while it reads; 1 when no
         * request was partly received then, since only the mark counts until one starts.
         */
        private long pausedNs;

        ReceiveDeadline(final long timeoutMs) {
            this.timeoutMs = timeoutMs;
            this.timeoutNs = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        }

        ChannelHandler bytes() {
            return new ChannelDuplexHandler() {
                @Override
                public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
                    start(ctx, System.nanoTime());
                    ctx.fireChannelRead(msg);
                }

                @Override
                public void channelReadComplete(final ChannelHandlerContext ctx) {
                    // The time is only needed while a request is partly received; else the mark alone will do.
                    pausedNs = startedNs != 0 ? nonZero(System.nanoTime()) : 1;
                    ctx.fireChannelReadComplete();
                }

                @Override
                public void read(final ChannelHandlerContext ctx) {
                    if (pausedNs != 0) {
                        if (startedNs != 0) {
                            startedNs = nonZero(startedNs + (System.nanoTime() - pausedNs));
                        }
                        pausedNs = 0;
                    }
                    ctx.read();
                }

                @Override
                public void channelInactive(final ChannelHandlerContext ctx) {
                    if (timer != null) {
                        timer.cancel(false);
                        timer = null;
                    }
                    ctx.fireChannelInactive();
                }
            };
        }

        ChannelHandler messages() {
            return new ChannelInboundHandlerAdapter() {
                @Override
                public void handlerAdded(final ChannelHandlerContext ctx) {
                    messagesCtx = ctx;
                }

                @Override
                public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
                    if (msg == REQUEST_STARTED) {
                        start(ctx, System.nanoTime());
                        return;
                    }
                    if (msg instanceof LastHttpContent) {
                        startedNs = 0;
                    } else if (msg instanceof HttpRequest) {
                        // The head of a request whose body is still to come, read with the end of the one before.
                        start(ctx, System.nanoTime());
                    }
                    ctx.fireChannelRead(msg);
                }
            };
        }

        private void start(final ChannelHandlerContext ctx, final long nowNs) {
            if (startedNs == 0) {
                startedNs = nonZero(nowNs);
                if (pausedNs != 0) {
                    // Started while the server is not reading (a pipelined request taken from a queue): its pause
                    // begins now, whatever mark the last read's end left.
                    pausedNs = startedNs;
                }
            }
            if (timer == null) {
                timer = ctx.executor().schedule(check, timeoutNs, TimeUnit.NANOSECONDS);
            }
        }

        private void check() {
            timer = null;
            if (startedNs == 0 || !messagesCtx.channel().isActive()) {
                return;
            }
            final long nowNs = System.nanoTime();
            final long leftNs = pausedNs != 0 ? timeoutNs : startedNs + timeoutNs - nowNs;
            if (leftNs > 0) {
                timer = messagesCtx.executor().schedule(check, leftNs, TimeUnit.NANOSECONDS);
                return;
            }
            startedNs = 0;
            messagesCtx.fireUserEventTriggered(new Refusal(
                    HttpResponseStatus.REQUEST_TIMEOUT, "request not received in time [timeoutMs=" + timeoutMs + "]"));
        }

        private static long nonZero(final long ns) {
            return ns == 0 ? 1 : ns;
        }
    }

    /**
     * Closes a keep-alive connection that has neither read nor written for a while: tells {@link ApiHandler} with an
     * {@link IdleStateEvent#ALL_IDLE_STATE_EVENT}, and it closes the connection unless a request is in flight. Like
     * Netty's {@code IdleStateHandler} for all-idle, but a write counts when it is made, not when it completes: that
     * handler turns every write's void promise into a real one with a listener, an allocation and a callback per
     * answer. And a read or a write only sets a flag, which a check {@link #CHECKS} times a timeout reads, instead of
     * reading the clock: at tens of thousands of requests a second, clock reads were 4% of the event loop's time.
     * Idleness is therefore told between one and {@code 1 + 1/CHECKS} timeouts after the last read or write. One
     * instance and one timer per connection.
     */
    static final class IdleTimeout extends ChannelDuplexHandler {
        /** Checks per timeout. */
        static final int CHECKS = 4;

        private final long periodNs;
        private final Runnable check = this::check;
        private ChannelHandlerContext ctx;
        private ScheduledFuture<?> timer;
        /** A read or a write since the last check. */
        private boolean active;
        /** Checks in a row that found no read and no write. */
        private int quietChecks;

        IdleTimeout(final long timeoutMs) {
            this.periodNs = Math.max(1, TimeUnit.MILLISECONDS.toNanos(timeoutMs) / CHECKS);
        }

        @Override
        public void handlerAdded(final ChannelHandlerContext ctx) {
            this.ctx = ctx;
            if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
                start();
            }
        }

        @Override
        public void channelActive(final ChannelHandlerContext ctx) {
            start();
            ctx.fireChannelActive();
        }

        @Override
        public void channelReadComplete(final ChannelHandlerContext ctx) {
            active = true;
            ctx.fireChannelReadComplete();
        }

        @Override
        public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise) {
            active = true;
            ctx.write(msg, promise);
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx) {
            stop();
            ctx.fireChannelInactive();
        }

        @Override
        public void handlerRemoved(final ChannelHandlerContext ctx) {
            stop();
        }

        private void start() {
            if (timer == null) {
                active = false;
                quietChecks = 0;
                timer = ctx.executor().schedule(check, periodNs, TimeUnit.NANOSECONDS);
            }
        }

        private void stop() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }

        private void check() {
            if (!ctx.channel().isOpen()) {
                timer = null;
                return;
            }
            if (active) {
                active = false;
                quietChecks = 0;
            } else {
                quietChecks++;
            }
            timer = ctx.executor().schedule(check, periodNs, TimeUnit.NANOSECONDS);
            if (quietChecks == CHECKS) {
                // As Netty's handler does: idle again after another whole timeout (a request in flight keeps it open).
                quietChecks = 0;
                ctx.fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
            }
        }
    }

    /**
     * Aggregates a request body up to the limit; a larger one gets the engine's JSON 413 (a {@link Refusal}, written
     * in order by {@link ApiHandler}) and the connection closes.
     *
     * <p>A request whose head is followed at once by its whole body (the common case: a small POST in one read) becomes
     * a {@link DefaultFullHttpRequest} around that body as it is, without the aggregator's composite buffer and its
     * parts. Anything else (a body in several pieces, chunks, an {@code Expect} header, a declared length over the
     * limit, a decoding failure) takes the aggregator's own path.
     */
    static final class BodyLimit extends HttpObjectAggregator {
        private final int maxBytes;
        /** A request head held back until the next message shows whether its body came whole. */
        private HttpRequest held;

        BodyLimit(final int maxBytes) {
            super(maxBytes);
            this.maxBytes = maxBytes;
        }

        @Override
        public boolean acceptInboundMessage(final Object msg) throws Exception {
            return (held != null && msg instanceof HttpContent) || super.acceptInboundMessage(msg);
        }

        @Override
        protected void decode(final ChannelHandlerContext ctx, final HttpObject msg, final List<Object> out)
                throws Exception {
            if (held != null) {
                final HttpRequest head = held;
                held = null;
                if (msg instanceof LastHttpContent last && last.decoderResult().isSuccess()) {
                    final ByteBuf body = last.content();
                    if (!HttpUtil.isContentLengthSet(head)) {
                        head.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
                    }
                    out.add(new DefaultFullHttpRequest(
                            head.protocolVersion(),
                            head.method(),
                            head.uri(),
                            body.retain(),
                            head.headers(),
                            last.trailingHeaders()));
                    return;
                }
                super.decode(ctx, head, out);
                super.decode(ctx, msg, out);
                return;
            }
            if (msg instanceof HttpRequest head && !(msg instanceof HttpContent) && isPlain(head)) {
                held = head;
                return;
            }
            super.decode(ctx, msg, out);
        }

        /** @return true if the aggregator would just begin aggregating {@code head}: no check of its own is due. */
        private boolean isPlain(final HttpRequest head) {
            return head.decoderResult().isSuccess()
                    // Any expectation (100-continue, or one to refuse with 417) is the aggregator's to answer.
                    && !head.headers().contains(HttpHeaderNames.EXPECT)
                    && !HttpUtil.isTransferEncodingChunked(head)
                    && HttpUtil.getContentLength(head, 0L) <= maxBytes;
        }

        @Override
        public void channelReadComplete(final ChannelHandlerContext ctx) throws Exception {
            if (held != null) {
                // The body is still to come: aggregate the usual way, which also asks for the next read.
                final HttpRequest head = held;
                held = null;
                final List<Object> out = new ArrayList<>(1);
                super.decode(ctx, head, out);
                for (final Object decoded : out) {
                    ctx.fireChannelRead(decoded);
                }
            }
            super.channelReadComplete(ctx);
        }

        @Override
        protected void handleOversizedMessage(final ChannelHandlerContext ctx, final HttpMessage oversized) {
            if (oversized instanceof HttpRequest) {
                ctx.fireUserEventTriggered(new Refusal(
                        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body too large [maxBytes=" + maxBytes + "]"));
            } else {
                ctx.close();
            }
        }
    }
}
