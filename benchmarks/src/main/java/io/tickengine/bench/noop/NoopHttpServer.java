package io.tickengine.bench.noop;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.tickengine.bench.Args;
import java.net.InetSocketAddress;

/**
 * The ceiling: a Netty HTTP server with the engine's transport (NIO event loops, HTTP codec, body aggregation,
 * keep-alive) that answers every request {@code 202} with an empty body and does nothing else.
 *
 * <p>{@code noop [--bind 127.0.0.1] [--port 18100] [--io-threads 0]} (0 = Netty's default, as the engine); runs
 * until killed, printing {@code noop: port=P} once listening.
 */
public final class NoopHttpServer {
    private NoopHttpServer() {}

    public static void run(final Args args) throws InterruptedException {
        final String bind = args.get("bind", "127.0.0.1");
        final int port = args.getInt("port", 18100);
        final int ioThreads = args.getInt("io-threads", 0);
        final int maxBody = args.getInt("max-body", 4 * 1024 * 1024);
        final EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("noop-accept", true), NioIoHandler.newFactory());
        final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(
                ioThreads, new DefaultThreadFactory("noop-http", true), NioIoHandler.newFactory());
        final Answer answer = new Answer();
        final Channel listener = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(final SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(maxBody))
                                .addLast(answer);
                    }
                })
                .bind(bind, port)
                .sync()
                .channel();
        System.out.println("noop: port=" + ((InetSocketAddress) listener.localAddress()).getPort());
        listener.closeFuture().sync();
    }

    /** Answers 202 with no body; keeps the connection open. */
    @ChannelHandler.Sharable
    private static final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request) {
            final FullHttpResponse response = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.ACCEPTED, Unpooled.EMPTY_BUFFER);
            response.headers()
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, 0)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            ctx.close();
        }
    }
}
