package io.tickengine.http.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.tickengine.http.metrics.HttpMetrics;
import io.tickengine.http.route.Responses;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The connection-level limits of the HTTP front: connection count, time to receive a request, body size. Their
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
     * A request must arrive whole within a deadline, counted from its first byte, however slowly it trickles in.
     * {@link #bytes()} sits before the HTTP decoder and starts the clock; {@link #messages()} sits after it and
     * stops the clock at the request's last content. One instance per connection.
     */
    static final class ReceiveDeadline {
        private final long timeoutMs;
        private final HttpMetrics metrics;
        private ScheduledFuture<?> timer;

        ReceiveDeadline(final long timeoutMs, final HttpMetrics metrics) {
            this.timeoutMs = timeoutMs;
            this.metrics = metrics;
        }

        ChannelHandler bytes() {
            return new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
                    if (timer == null) {
                        timer = ctx.executor().schedule(() -> expire(ctx), timeoutMs, TimeUnit.MILLISECONDS);
                    }
                    ctx.fireChannelRead(msg);
                }

                @Override
                public void channelInactive(final ChannelHandlerContext ctx) {
                    cancel();
                    ctx.fireChannelInactive();
                }
            };
        }

        ChannelHandler messages() {
            return new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
                    if (msg instanceof LastHttpContent) {
                        cancel();
                    }
                    ctx.fireChannelRead(msg);
                }
            };
        }

        private void cancel() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }

        private void expire(final ChannelHandlerContext ctx) {
            timer = null;
            metrics.onResponse(0, HttpResponseStatus.REQUEST_TIMEOUT.code());
            final FullHttpResponse response = Responses.error(
                    ctx.alloc(),
                    HttpResponseStatus.REQUEST_TIMEOUT,
                    "request not received in time [timeoutMs=" + timeoutMs + "]");
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            // From the channel, not this context: this handler sits before the HTTP encoder, and the response must
            // pass through it.
            ctx.channel().writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Aggregates a request body up to the limit; a larger one gets the engine's JSON 413 and the connection closes. */
    static final class BodyLimit extends HttpObjectAggregator {
        private final int maxBytes;
        private final HttpMetrics metrics;

        BodyLimit(final int maxBytes, final HttpMetrics metrics) {
            super(maxBytes);
            this.maxBytes = maxBytes;
            this.metrics = metrics;
        }

        @Override
        protected void handleOversizedMessage(final ChannelHandlerContext ctx, final HttpMessage oversized) {
            if (oversized instanceof HttpRequest) {
                metrics.onResponse(0, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code());
                final FullHttpResponse response = Responses.error(
                        ctx.alloc(),
                        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                        "body too large [maxBytes=" + maxBytes + "]");
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
        }
    }
}
