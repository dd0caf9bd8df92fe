package io.tickengine.http.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Configuration of the HTTP front, keys {@code http.*}, loaded and validated like
 * {@link io.tickengine.core.EngineContext}: properties file, then environment ({@code TICK_HTTP_PORT}; also
 * {@code TICK_API_KEYS} and {@code TICK_API_KEY_FILE}), then command line.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>http.port</td><td>18001</td><td>listen port (0 = any free port, printed at start)</td></tr>
 *   <tr><td>http.bind</td><td>0.0.0.0</td><td>listen address</td></tr>
 *   <tr><td>http.io.threads</td><td>0</td><td>event loop threads, 0 = the cores less one (at least 1): the journal and
 *       writer threads need a core too</td></tr>
 *   <tr><td>http.api.keys</td><td>(none)</td><td>key entries, see {@code ApiKeys}</td></tr>
 *   <tr><td>http.api.key.file</td><td>(none)</td><td>file of key entries, one per line</td></tr>
 *   <tr><td>http.rate.limit.per.second</td><td>0</td><td>requests a second per key, 0 = unlimited</td></tr>
 *   <tr><td>http.rate.limit.burst</td><td>100</td><td>requests a key may send at once</td></tr>
 *   <tr><td>http.cors.origins</td><td>(none)</td><td>origins allowed to call from a browser, comma-separated</td></tr>
 *   <tr><td>http.tls.cert / http.tls.key</td><td>(none)</td><td>PEM certificate chain and private key: HTTPS</td></tr>
 *   <tr><td>http.max.body.bytes</td><td>4194304</td><td>larger bodies get 413</td></tr>
 *   <tr><td>http.max.header.bytes</td><td>8192</td><td>larger header sections get 431</td></tr>
 *   <tr><td>http.max.line.bytes</td><td>4096</td><td>longer request lines get 414</td></tr>
 *   <tr><td>http.max.connections</td><td>1024</td><td>more concurrent connections are refused</td></tr>
 *   <tr><td>http.request.timeout.ms</td><td>10000</td><td>time to receive a whole request, else 408</td></tr>
 *   <tr><td>http.idle.timeout.ms</td><td>120000</td><td>an idle keep-alive connection is closed after this, at most a quarter of it later</td></tr>
 *   <tr><td>http.retry.after.seconds</td><td>1</td><td>Retry-After on 503 (ring full)</td></tr>
 *   <tr><td>http.ring.wait.ms</td><td>1000</td><td>how long an ingest request waits for room in a full ring, its
 *       connection reading nothing more meanwhile, before {@code 503 ring full}; 0 refuses at once</td></tr>
 *   <tr><td>http.metrics.open</td><td>false</td><td>serve {@code GET /metrics} without a key (else: read scope)</td></tr>
 *   <tr><td>http.metrics.port</td><td>0</td><td>also serve {@code /metrics} (only) on this port of http.bind, same
 *       key rule; 0 = off</td></tr>
 *   <tr><td>http.predict.model.dir</td><td>DATA_DIR/models</td><td>model directories of {@code ml-batch train} for
 *       {@code GET /predict}: this directory, if it is one, else its subdirectories; the newest per symbol wins</td></tr>
 * </table>
 */
public final class HttpContext {
    private static final Set<String> KEYS = Set.of(
            "http.port",
            "http.bind",
            "http.io.threads",
            "http.api.keys",
            "http.api.key.file",
            "http.rate.limit.per.second",
            "http.rate.limit.burst",
            "http.cors.origins",
            "http.tls.cert",
            "http.tls.key",
            "http.max.body.bytes",
            "http.max.header.bytes",
            "http.max.line.bytes",
            "http.max.connections",
            "http.request.timeout.ms",
            "http.idle.timeout.ms",
            "http.retry.after.seconds",
            "http.ring.wait.ms",
            "http.metrics.open",
            "http.metrics.port",
            "http.predict.model.dir");

    private int port = 18_001;
    private String bind = "0.0.0.0";
    private int ioThreads;
    private String apiKeys;
    private Path apiKeyFile;
    private double rateLimitPerSecond;
    private long rateLimitBurst = 100;
    private List<String> corsOrigins = List.of();
    private Path tlsCert;
    private Path tlsKey;
    private int maxBodyBytes = 4 * 1024 * 1024;
    private int maxHeaderBytes = 8192;
    private int maxLineBytes = 4096;
    private int maxConnections = 1024;
    private long requestTimeoutMs = 10_000;
    private long idleTimeoutMs = 120_000;
    private int retryAfterSeconds = 1;
    private int ringWaitMs = 1000;
    private boolean metricsOpen;
    private int metricsPort;
    private Path predictModelDir;

    /** @return where {@code /predict} finds models: {@code http.predict.model.dir}, default {@code models} in the data dir. */
    public Path predictModelDir(final io.tickengine.core.EngineContext engine) {
        return predictModelDir != null ? predictModelDir : engine.dataDir().resolve("models");
    }

    /** @return true if {@code key} belongs to this context. */
    public static boolean isKey(final String key) {
        return KEYS.contains(key);
    }

    /** Applies the {@code http.*} keys of a properties file; other keys are left to the engine context. */
    public HttpContext load(final Properties properties) {
        for (final String key : properties.stringPropertyNames()) {
            if (key.startsWith("http.")) {
                set(key, properties.getProperty(key));
            }
        }
        return this;
    }

    /** Applies {@code TICK_HTTP_*}, {@code TICK_API_KEYS} and {@code TICK_API_KEY_FILE}. */
    public HttpContext loadEnvironment(final Map<String, String> environment) {
        for (final Map.Entry<String, String> e : environment.entrySet()) {
            final String name = e.getKey();
            if (name.equals("TICK_API_KEYS")) {
                set("http.api.keys", e.getValue());
            } else if (name.equals("TICK_API_KEY_FILE")) {
                set("http.api.key.file", e.getValue());
            } else if (name.startsWith("TICK_HTTP_")) {
                final String key = name.substring(5).toLowerCase(Locale.ROOT).replace('_', '.');
                if (isKey(key)) {
                    set(key, e.getValue());
                }
            }
        }
        return this;
    }

    /**
     * Sets one key.
     *
     * @throws IllegalArgumentException naming key and value when either is not valid.
     */
    public HttpContext set(final String key, final String rawValue) {
        final String value = rawValue == null ? "" : rawValue.trim();
        try {
            switch (key) {
                case "http.port" -> port = Integer.parseInt(value);
                case "http.bind" -> bind = value;
                case "http.io.threads" -> ioThreads = Integer.parseInt(value);
                case "http.api.keys" -> apiKeys = value.isEmpty() ? null : value;
                case "http.api.key.file" -> apiKeyFile = value.isEmpty() ? null : Path.of(value);
                case "http.rate.limit.per.second" -> rateLimitPerSecond = Double.parseDouble(value);
                case "http.rate.limit.burst" -> rateLimitBurst = Long.parseLong(value);
                case "http.cors.origins" ->
                    corsOrigins = value.isEmpty() ? List.of() : List.of(value.split("\\s*,\\s*"));
                case "http.tls.cert" -> tlsCert = value.isEmpty() ? null : Path.of(value);
                case "http.tls.key" -> tlsKey = value.isEmpty() ? null : Path.of(value);
                case "http.max.body.bytes" -> maxBodyBytes = Integer.parseInt(value);
                case "http.max.header.bytes" -> maxHeaderBytes = Integer.parseInt(value);
                case "http.max.line.bytes" -> maxLineBytes = Integer.parseInt(value);
                case "http.max.connections" -> maxConnections = Integer.parseInt(value);
                case "http.request.timeout.ms" -> requestTimeoutMs = Long.parseLong(value);
                case "http.idle.timeout.ms" -> idleTimeoutMs = Long.parseLong(value);
                case "http.retry.after.seconds" -> retryAfterSeconds = Integer.parseInt(value);
                case "http.ring.wait.ms" -> ringWaitMs = Integer.parseInt(value);
                case "http.metrics.open" -> metricsOpen = parseBoolean(key, value);
                case "http.metrics.port" -> metricsPort = Integer.parseInt(value);
                case "http.predict.model.dir" -> predictModelDir = value.isEmpty() ? null : Path.of(value);
                default -> throw new IllegalArgumentException("unknown configuration key [key=" + key + "]");
            }
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("not a number [key=" + key + ", value=" + value + "]", e);
        }
        return this;
    }

    /**
     * Validates once, before start.
     *
     * @throws IllegalArgumentException naming the first invalid key.
     */
    public HttpContext conclude() {
        require(port >= 0 && port <= 65_535, "http.port", port, "0..65535");
        require(ioThreads >= 0, "http.io.threads", ioThreads, ">= 0");
        require(rateLimitPerSecond >= 0, "http.rate.limit.per.second", rateLimitPerSecond, ">= 0");
        require(rateLimitBurst >= 1, "http.rate.limit.burst", rateLimitBurst, ">= 1");
        require((tlsCert == null) == (tlsKey == null), "http.tls.cert", tlsCert, "both http.tls.cert and http.tls.key");
        require(maxBodyBytes >= 1024, "http.max.body.bytes", maxBodyBytes, ">= 1024");
        require(maxHeaderBytes >= 1024, "http.max.header.bytes", maxHeaderBytes, ">= 1024");
        require(maxLineBytes >= 256, "http.max.line.bytes", maxLineBytes, ">= 256");
        require(maxConnections >= 1, "http.max.connections", maxConnections, ">= 1");
        require(requestTimeoutMs >= 100, "http.request.timeout.ms", requestTimeoutMs, ">= 100");
        require(idleTimeoutMs >= 100, "http.idle.timeout.ms", idleTimeoutMs, ">= 100");
        require(retryAfterSeconds >= 1, "http.retry.after.seconds", retryAfterSeconds, ">= 1");
        require(ringWaitMs >= 0 && ringWaitMs <= 60_000, "http.ring.wait.ms", ringWaitMs, "0..60000");
        require(metricsPort >= 0 && metricsPort <= 65_535, "http.metrics.port", metricsPort, "0..65535");
        require(
                metricsPort == 0 || metricsPort != port,
                "http.metrics.port",
                metricsPort,
                "0 or a port other than http.port");
        return this;
    }

    private static boolean parseBoolean(final String key, final String value) {
        if ("true".equalsIgnoreCase(value) || "1".equals(value) || "yes".equalsIgnoreCase(value)) {
            return true;
        }
        if ("false".equalsIgnoreCase(value) || "0".equals(value) || "no".equalsIgnoreCase(value)) {
            return false;
        }
        throw new IllegalArgumentException("not a boolean [key=" + key + ", value=" + value + "]");
    }

    private static void require(final boolean ok, final String key, final Object value, final String expected) {
        if (!ok) {
            throw new IllegalArgumentException(
                    "invalid configuration [key=" + key + ", value=" + value + ", expected=" + expected + "]");
        }
    }

    public int port() {
        return port;
    }

    public String bind() {
        return bind;
    }

    /** @return the event loop threads: {@code http.io.threads}, or the cores less one (at least 1) when it is 0. */
    public int ioThreads() {
        return ioThreads > 0 ? ioThreads : Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    /** @return the key entries from {@code http.api.keys} / {@code TICK_API_KEYS}, or {@code null}. */
    public String apiKeys() {
        return apiKeys;
    }

    public Path apiKeyFile() {
        return apiKeyFile;
    }

    public double rateLimitPerSecond() {
        return rateLimitPerSecond;
    }

    public long rateLimitBurst() {
        return rateLimitBurst;
    }

    public List<String> corsOrigins() {
        return corsOrigins;
    }

    public Path tlsCert() {
        return tlsCert;
    }

    public Path tlsKey() {
        return tlsKey;
    }

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    public int maxHeaderBytes() {
        return maxHeaderBytes;
    }

    public int maxLineBytes() {
        return maxLineBytes;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public long requestTimeoutMs() {
        return requestTimeoutMs;
    }

    public long idleTimeoutMs() {
        return idleTimeoutMs;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** @return how long an ingest request waits for room in a full ring before {@code 503 ring full}. */
    public int ringWaitMs() {
        return ringWaitMs;
    }

    /** @return true if {@code GET /metrics} needs no key. */
    public boolean metricsOpen() {
        return metricsOpen;
    }

    /** @return the port of the separate metrics listener, 0 when off. */
    public int metricsPort() {
        return metricsPort;
    }
}
