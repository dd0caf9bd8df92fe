package io.tickengine.edge.ingest;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tickengine.core.candle.BarBuffer;
import io.tickengine.core.candle.codec.BarBatchParser;
import io.tickengine.core.security.ApiKeys;
import io.tickengine.core.security.Scope;
import io.tickengine.core.symbol.InvalidSymbol;
import io.tickengine.core.symbol.SymbolJsonReader;
import io.tickengine.core.symbol.SymbolSpec;
import io.tickengine.core.symbol.SymbolSpecs;
import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.core.tick.codec.TickParser;
import io.tickengine.edge.AgentStatus;
import io.tickengine.edge.EdgeContext;
import io.tickengine.edge.store.BodyQueue;
import io.tickengine.edge.store.TickAppender;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's listener (JDK HTTP server): {@code POST /ingest/tick} (also {@code /ingest/ticks}) with the engine's
 * contract, parsed and validated by the engine's own {@link TickParser}; {@code POST /ingest} (bars, checked by the
 * engine's own {@link BarBatchParser}) and {@code POST /symbols}, stored whole in the {@link BodyQueue} and passed on
 * in order; and {@code GET /health}.
 *
 * <p>A request is answered {@code 202 {"accepted":n,"duplicates":d}} only once its ticks are committed to SQLite
 * ({@code synchronous=FULL}): an acknowledged tick survives a crash of the agent or of Windows. Errors use the
 * engine's body {@code {"error","index","field","status"}}: 400 invalid (nothing stored), 401/403 key, 413 too
 * large, 415 content type, 422 too many distinct symbols or senders, 503 shutting down or buffer unavailable (with
 * {@code Retry-After}), 507 buffer full.
 *
 * <p>Threads: {@code agent.threads} handlers, each with its own parser and tick buffer; commits are serialized by
 * {@link TickAppender}.
 */
public final class IngestServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestServer.class);
    private static final String RETRY_AFTER_SECONDS = "1";
    /** Symbols (and, separately, senders) the listener interns: the engine's default {@code names.capacity}. */
    private static final int NAMES_CAPACITY = 65_536;

    static {
        // The JDK server writes headers and body separately; with Nagle's algorithm on, the body waits for the
        // client's delayed ACK, 40 ms on every answer. Read once, when the first server is created.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final EdgeContext context;
    private final ApiKeys keys;
    private final TickAppender appender;
    private final Runnable onStored;
    private final BodyQueue bodies;
    private final Runnable onBodyStored;
    private final NameTable barSymbols = new NameTable(NAMES_CAPACITY);

    private final Supplier<AgentStatus> health;
    private final NameTable symbols = new NameTable(NAMES_CAPACITY);
    private final NameTable senders = new NameTable(NAMES_CAPACITY);
    private final ThreadLocal<Scratch> scratch;
    private final ExecutorService handlers;
    private final HttpServer server;
    private volatile boolean closing;
    /** Requests being handled, so a stop can wait for them to commit and answer. */
    private final AtomicInteger inProgress = new AtomicInteger();
    /** Whether the last commit failed, to log the change, not each request. */
    private volatile boolean storeFailing;

    /**
     * @param onStored called after each request's ticks are committed (wakes the forwarder).
     * @param bodies where bars and symbol entries are stored.
     * @param onBodyStored called after each of them is committed (wakes their forwarder).
     * @param health the state {@code GET /health} reports.
     */
    public IngestServer(
            final EdgeContext context,
            final ApiKeys keys,
            final TickAppender appender,
            final Runnable onStored,
            final BodyQueue bodies,
            final Runnable onBodyStored,
            final Supplier<AgentStatus> health)
            throws IOException {
        this.context = context;
        this.keys = keys;
        this.appender = appender;
        this.onStored = onStored;
        this.bodies = bodies;
        this.onBodyStored = onBodyStored;
        this.health = health;
        this.scratch =
                ThreadLocal.withInitial(() -> new Scratch(symbols, senders, barSymbols, context.maxTicksPerRequest()));
        final AtomicInteger threadNumber = new AtomicInteger();
        this.handlers = Executors.newFixedThreadPool(context.threads(), task -> {
            final Thread t = new Thread(task, "edge-http-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress(context.bind(), context.port()), 64);
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
    }

    /** Starts listening. */
    public IngestServer start() {
        server.start();
        return this;
    }

    /** @return the port listened on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops accepting, lets requests in progress finish (their ticks are committed and answered), then stops. */
    @Override
    public void close() {
        closing = true;
        // Waited for here: HttpServer.stop(delay) before Java 21 waits the whole delay even when nothing is running.
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (inProgress.get() > 0 && System.nanoTime() - deadlineNs < 0) {
            LockSupport.parkNanos(1_000_000L);
        }
        server.stop(0);
        handlers.shutdown();
        try {
            handlers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(final HttpExchange exchange) throws IOException {
        inProgress.incrementAndGet();
        try {
            final String path = exchange.getRequestURI().getPath();
            switch (path) {
                case "/ingest/tick", "/ingest/ticks" -> ingest(exchange);
                case "/ingest", "/symbols" -> passOn(exchange, path);
                case "/health" -> health(exchange);
                default -> error(exchange, 404, "not found [path=" + path + "]");
            }
        } catch (final RuntimeException e) {
            LOG.error("request failed [path={}]", exchange.getRequestURI().getPath(), e);
            error(exchange, 500, "internal error");
        } finally {
            exchange.close();
            inProgress.decrementAndGet();
        }
    }

    /**
     * @return true if the request may go on: a POST, the agent not closing, the key valid; else it is answered
     *     (405, 503, 401/403) and false.
     */
    private boolean admitted(final HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "POST");
            error(exchange, 405, "method not allowed [method=" + exchange.getRequestMethod() + "]");
            return false;
        }
        if (closing) {
            retryLater(exchange, "shutting down");
            return false;
        }
        return authorized(exchange);
    }

    private void ingest(final HttpExchange exchange) throws IOException {
        if (!admitted(exchange)) {
            return;
        }
        final TickParser.Format format =
                TickParser.formatOf(exchange.getRequestHeaders().getFirst("Content-Type"));
        if (format == null) {
            error(exchange, 415, "unsupported media type: use application/json, application/x-ndjson or text/csv");
            return;
        }
        final Scratch s = scratch.get();
        final int length = s.readBody(exchange, context.maxBodyBytes());
        if (length < 0) {
            error(exchange, 413, "body too large [max=" + context.maxBodyBytes() + "]");
            return;
        }
        s.body.wrap(s.bytes, 0, length);
        final int parsed = s.parser.parse(s.body, 0, length, format, s.ticks, System.currentTimeMillis());
        if (parsed < 0) {
            parseError(exchange, s.parser, parsed);
            return;
        }
        final TickAppender.Appended appended;
        try {
            appended = appender.append(s.ticks, symbols, senders, System.currentTimeMillis());
        } catch (final SQLException e) {
            if (!storeFailing) {
                storeFailing = true;
                LOG.error("cannot store ticks; answering 503 until the buffer works again", e);
            }
            retryLater(exchange, "buffer unavailable: " + e.getMessage());
            return;
        }
        if (storeFailing) {
            storeFailing = false;
            LOG.info("storing ticks again");
        }
        switch (appended.outcome()) {
            case STORED -> {
                onStored.run();
                send(exchange, 202, JsonBodies.accepted(appended.accepted(), appended.duplicates()));
            }
            case BUFFER_FULL ->
                error(
                        exchange,
                        507,
                        "buffer full: the engine is not taking ticks fast enough [buffer.max.ticks="
                                + context.bufferMaxTicks() + "]");
            case DISK_FULL ->
                error(
                        exchange,
                        507,
                        "disk nearly full [buffer.min.free.mb=" + context.bufferMinFreeBytes() / (1024 * 1024) + "]");
        }
    }

    /**
     * Bars ({@code /ingest}) or symbol entries ({@code /symbols}): checked, stored whole, answered
     * {@code 202 {"accepted":n}} once on disk, and passed on to the same path of the engine. Bars are checked as the
     * engine checks them (D1 and longer only to the minute: their session is the engine's), symbol entries as the
     * engine checks a request (digits, point, two digits for one canonical name); the engine alone knows the entries
     * it has, so a conflict with one of those is its 400 at forwarding, quarantined.
     */
    private void passOn(final HttpExchange exchange, final String path) throws IOException {
        if (!admitted(exchange)) {
            return;
        }
        final String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null
                || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            error(exchange, 415, "unsupported media type: use application/json");
            return;
        }
        final Scratch s = scratch.get();
        final int length = s.readBody(exchange, context.maxBodyBytes());
        if (length < 0) {
            error(exchange, 413, "body too large [max=" + context.maxBodyBytes() + "]");
            return;
        }
        final int items;
        if (path.equals("/ingest")) {
            final BarBatchParser.Failure failure =
                    s.bars.parse(new ByteArrayInputStream(s.bytes, 0, length), s.barBuffer, System.currentTimeMillis());
            if (failure != null) {
                send(
                        exchange,
                        failure.status(),
                        JsonBodies.error(failure.status(), failure.message(), failure.index(), failure.field()));
                return;
            }
            items = s.barBuffer.size();
        } else {
            try {
                final List<SymbolSpec> specs = SymbolJsonReader.read(new ByteArrayInputStream(s.bytes, 0, length));
                SymbolSpecs.check(specs);
                items = specs.size();
            } catch (final InvalidSymbol e) {
                send(exchange, 400, JsonBodies.error(400, e.getMessage(), e.index(), e.field()));
                return;
            }
        }
        try {
            bodies.append(path, items, Arrays.copyOf(s.bytes, length), System.currentTimeMillis());
        } catch (final SQLException e) {
            LOG.error("cannot store a request [path={}]", path, e);
            retryLater(exchange, "buffer unavailable: " + e.getMessage());
            return;
        }
        onBodyStored.run();
        send(exchange, 202, JsonBodies.accepted(items, 0));
    }

    private boolean authorized(final HttpExchange exchange) throws IOException {
        final String presented = exchange.getRequestHeaders().getFirst("X-API-Key");
        if (presented == null || presented.isEmpty()) {
            error(exchange, 401, "missing API key: send X-API-Key");
            return false;
        }
        final ApiKeys.Entry entry = keys.authenticate(presented);
        if (entry == null) {
            error(exchange, 401, "unknown API key");
            return false;
        }
        if (!entry.scopes().contains(Scope.INGEST) && !entry.scopes().contains(Scope.ADMIN)) {
            error(exchange, 403, "API key lacks scope [scope=ingest]");
            return false;
        }
        return true;
    }

    private void parseError(final HttpExchange exchange, final TickParser parser, final int code) throws IOException {
        switch (code) {
            case TickParser.ERROR_TOO_MANY ->
                error(exchange, 413, "too many ticks in one request [max=" + context.maxTicksPerRequest() + "]");
            // The agent's own tables, fixed in size: permanent, like the engine's 422.
            case TickParser.ERROR_NAMES_FULL ->
                send(
                        exchange,
                        422,
                        JsonBodies.error(
                                422,
                                parser.errorMessage() + " [limit=" + NAMES_CAPACITY + "]",
                                parser.errorIndex(),
                                parser.errorField() == null
                                        ? null
                                        : parser.errorField().wireName()));
            default ->
                send(
                        exchange,
                        400,
                        JsonBodies.error(
                                400,
                                parser.errorMessage(),
                                parser.errorIndex(),
                                parser.errorField() == null
                                        ? null
                                        : parser.errorField().wireName()));
        }
    }

    private void health(final HttpExchange exchange) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "GET");
            error(exchange, 405, "method not allowed [method=" + exchange.getRequestMethod() + "]");
            return;
        }
        final AgentStatus status = health.get();
        send(
                exchange,
                status.accepting() && !closing ? 200 : 503,
                status.toJson().getBytes(StandardCharsets.UTF_8));
    }

    private void retryLater(final HttpExchange exchange, final String message) throws IOException {
        exchange.getResponseHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
        error(exchange, 503, message);
    }

    private static void error(final HttpExchange exchange, final int status, final String message) throws IOException {
        send(exchange, status, JsonBodies.error(status, message, -1, null));
    }

    private static void send(final HttpExchange exchange, final int status, final byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Per-thread parser state, reused for every request of its thread. */
    private static final class Scratch {
        final TickParser parser;
        final BarBatchParser bars;
        final BarBuffer barBuffer = new BarBuffer(256);
        final TickBuffer ticks = new TickBuffer(1024);
        final UnsafeBuffer body = new UnsafeBuffer(new byte[0]);
        byte[] bytes = new byte[64 * 1024];

        Scratch(final NameTable symbols, final NameTable senders, final NameTable barSymbols, final int maxTicks) {
            parser = new TickParser(symbols, senders, maxTicks);
            bars = new BarBatchParser(barSymbols, maxTicks, BarBatchParser.UNKNOWN_SESSION);
        }

        /** @return the body's length, or -1 if it is longer than {@code max}. */
        int readBody(final HttpExchange exchange, final int max) throws IOException {
            final String declared = exchange.getRequestHeaders().getFirst("Content-Length");
            if (declared != null) {
                try {
                    if (Long.parseLong(declared.trim()) > max) {
                        return -1;
                    }
                } catch (final NumberFormatException e) {
                    // The server has already refused a malformed length; chunked bodies have none.
                }
            }
            int length = 0;
            try (InputStream in = exchange.getRequestBody()) {
                int read;
                while ((read = in.read(bytes, length, bytes.length - length)) >= 0) {
                    length += read;
                    if (length > max) {
                        return -1;
                    }
                    if (length == bytes.length) {
                        bytes = Arrays.copyOf(bytes, (int) Math.min(bytes.length * 2L, max + 1L));
                    }
                }
            }
            return length;
        }
    }
}
