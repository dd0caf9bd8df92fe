package io.tickengine.http.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.ssl.SslContext;
import io.tickengine.core.security.ApiKeys;
import io.tickengine.http.metrics.HttpMetrics;
import io.tickengine.http.security.RateLimiter;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional second listener ({@code http.metrics.port}) that serves only {@code GET /metrics}, e.g. for a scrape
 * network apart from the ingest one. Same event loops, TLS, keys and key rule as the main port; requests are small
 * GETs, so bodies are capped at 8 KiB.
 */
final class MetricsListener {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsListener.class);
    private static final int MAX_BODY_BYTES = 8192;

    private final Channel channel;

    private MetricsListener(final Channel channel) {
        this.channel = channel;
    }

    static MetricsListener start(
            final EventLoopGroup acceptor,
            final EventLoopGroup workers,
            final HttpContext context,
            final SslContext ssl,
            final Router router,
            final ApiKeys keys,
            final RateLimiter rateLimiter,
            final ServerState state,
            final HttpMetrics metrics,
            final CorsPolicy cors)
            throws InterruptedException {
        final Channel channel = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.RECVBUF_ALLOCATOR, ApiHandler.readBuffers())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(final SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc()));
                        }
                        ch.pipeline()
                                .addLast("idle", new Guards.IdleTimeout(context.idleTimeoutMs()))
                                .addLast("http", ApiHandler.codec(new HttpDecoderConfig()))
                                .addLast("body", new HttpObjectAggregator(MAX_BODY_BYTES))
                                .addLast("one-at-a-time", new FlowControlHandler())
                                .addLast("api", new ApiHandler(router, keys, rateLimiter, state, metrics, cors));
                    }
                })
                .bind(context.bind(), context.metricsPort())
                .sync()
                .channel();
        LOG.info("metrics listening [address={}, open={}]", channel.localAddress(), context.metricsOpen());
        return new MetricsListener(channel);
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    void close() {
        channel.close().syncUninterruptibly();
    }
}
