package io.tickengine.edge;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Configuration of the edge agent, with documented defaults, settable from a properties file, the environment and
 * the command line (later sources win), and validated once by {@link #conclude()}.
 *
 * <p>Environment: {@code EDGE_} + key in upper case with {@code .} as {@code _} (e.g. {@code EDGE_ENGINE_URL}); the
 * agent's own listener takes its keys from {@code TICK_API_KEYS} / {@code TICK_API_KEY_FILE}, like the engine.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>agent.bind</td><td>127.0.0.1</td><td>listen address of {@code /ingest/tick} and {@code /health}</td></tr>
 *   <tr><td>agent.port</td><td>18000</td><td>listen port (0 = any free port, printed at start)</td></tr>
 *   <tr><td>agent.data.dir</td><td>./edge-data</td><td>the SQLite buffer {@code edge-agent.db} lives here</td></tr>
 *   <tr><td>agent.api.keys</td><td>(none)</td><td>keys the listener accepts, {@code ApiKeys} entries
 *       ({@code TICK_API_KEYS}); with none, a key is generated at first start</td></tr>
 *   <tr><td>agent.api.key.file</td><td>(none)</td><td>file of such entries ({@code TICK_API_KEY_FILE})</td></tr>
 *   <tr><td>agent.threads</td><td>2</td><td>threads answering HTTP requests</td></tr>
 *   <tr><td>agent.max.body.bytes</td><td>4194304</td><td>larger request bodies get 413</td></tr>
 *   <tr><td>agent.max.ticks.per.request</td><td>16384</td><td>more ticks in one request get 413</td></tr>
 *   <tr><td>engine.url</td><td>(none)</td><td>the engine, e.g. {@code https://ticks.example.net:18001}; ticks go
 *       to its {@code /ingest/tick}</td></tr>
 *   <tr><td>engine.api.key</td><td>(none)</td><td>the engine key; environment only ({@code EDGE_ENGINE_API_KEY}),
 *       never in a file or on the command line</td></tr>
 *   <tr><td>engine.api.key.file</td><td>(none)</td><td>file whose first line is the engine key (protect it)</td></tr>
 *   <tr><td>engine.tls.ca.file</td><td>(none)</td><td>PEM certificates to trust for an {@code https} engine, e.g. its
 *       self-signed certificate; default: the JDK's trust store</td></tr>
 *   <tr><td>engine.connect.timeout.ms</td><td>5000</td><td>TCP/TLS connect timeout</td></tr>
 *   <tr><td>engine.request.timeout.ms</td><td>30000</td><td>time for the engine to answer one batch</td></tr>
 *   <tr><td>forward.batch.size</td><td>10000</td><td>most ticks per request to the engine (at most the engine's
 *       {@code ring.max.batch})</td></tr>
 *   <tr><td>forward.backoff.min.ms</td><td>250</td><td>first retry delay after a failure, doubled each time</td></tr>
 *   <tr><td>forward.backoff.max.ms</td><td>30000</td><td>longest retry delay</td></tr>
 *   <tr><td>forward.idle.poll.ms</td><td>1000</td><td>with nothing to send, look for new rows this often (new
 *       requests wake the forwarder at once)</td></tr>
 *   <tr><td>retention.hours</td><td>72</td><td>forwarded ticks are kept this long (for {@code export}), then
 *       deleted; 0 deletes them as soon as they are forwarded</td></tr>
 *   <tr><td>retention.prune.interval.ms</td><td>60000</td><td>how often forwarded ticks past retention are
 *       deleted</td></tr>
 *   <tr><td>buffer.max.ticks</td><td>20000000</td><td>most ticks waiting to be forwarded; beyond it new ticks get
 *       507</td></tr>
 *   <tr><td>buffer.min.free.mb</td><td>1024</td><td>new ticks get 507 when the data dir's disk has less free
 *       space</td></tr>
 * </table>
 */
public final class EdgeContext {
    /** Environment variable holding the engine key. */
    public static final String ENGINE_API_KEY_ENV = "EDGE_ENGINE_API_KEY";

    private static final Set<String> KEYS = Set.of(
            "agent.bind",
            "agent.port",
            "agent.data.dir",
            "agent.api.keys",
            "agent.api.key.file",
            "agent.threads",
            "agent.max.body.bytes",
            "agent.max.ticks.per.request",
            "engine.url",
            "engine.api.key",
            "engine.api.key.file",
            "engine.tls.ca.file",
            "engine.connect.timeout.ms",
            "engine.request.timeout.ms",
            "forward.batch.size",
            "forward.backoff.min.ms",
            "forward.backoff.max.ms",
            "forward.idle.poll.ms",
            "retention.hours",
            "retention.prune.interval.ms",
            "buffer.max.ticks",
            "buffer.min.free.mb");

    private String bind = "127.0.0.1";
    private int port = 18_000;
    private Path dataDir = Path.of("edge-data");
    private String apiKeys;
    private Path apiKeyFile;
    private int threads = 2;
    private int maxBodyBytes = 4 * 1024 * 1024;
    private int maxTicksPerRequest = 16_384;
    private URI engineUrl;
    private String engineApiKey;
    private Path engineApiKeyFile;
    private Path engineTlsCaFile;
    private long engineConnectTimeoutMs = 5_000;
    private long engineRequestTimeoutMs = 30_000;
    private int forwardBatchSize = 10_000;
    private long forwardBackoffMinMs = 250;
    private long forwardBackoffMaxMs = 30_000;
    private long forwardIdlePollMs = 1_000;
    private long retentionHours = 72;
    private long retentionPruneIntervalMs = 60_000;
    private long bufferMaxTicks = 20_000_000;
    private long bufferMinFreeMb = 1_024;

    /** @return true if {@code key} is a configuration key. */
    public static boolean isKey(final String key) {
        return KEYS.contains(key);
    }

    /**
     * Applies every key of a properties file; unknown keys are an error, and so is {@code engine.api.key} (a secret
     * in a config file is one too many copies).
     */
    public EdgeContext load(final Properties properties) {
        for (final String key : properties.stringPropertyNames()) {
            requireNotSecret(key, "a properties file");
            set(key, properties.getProperty(key));
        }
        return this;
    }

    /** Applies {@code EDGE_*} variables that name a key, {@code TICK_API_KEYS} and {@code TICK_API_KEY_FILE}. */
    public EdgeContext loadEnvironment(final Map<String, String> environment) {
        for (final Map.Entry<String, String> e : environment.entrySet()) {
            final String name = e.getKey();
            if (name.equals("TICK_API_KEYS")) {
                set("agent.api.keys", e.getValue());
            } else if (name.equals("TICK_API_KEY_FILE")) {
                set("agent.api.key.file", e.getValue());
            } else if (name.startsWith("EDGE_")) {
                final String key = name.substring(5).toLowerCase(Locale.ROOT).replace('_', '.');
                if (isKey(key)) {
                    set(key, e.getValue());
                }
            }
        }
        return this;
    }

    /** Applies a {@code key=value} given on the command line; the engine key is refused there (process lists). */
    public EdgeContext setFromCommandLine(final String key, final String value) {
        requireNotSecret(key, "the command line");
        return set(key, value);
    }

    /**
     * Sets one key.
     *
     * @throws IllegalArgumentException naming key and value when either is not valid.
     */
    public EdgeContext set(final String key, final String rawValue) {
        final String value = rawValue == null ? "" : rawValue.trim();
        try {
            switch (key) {
                case "agent.bind" -> bind = value;
                case "agent.port" -> port = Integer.parseInt(value);
                case "agent.data.dir" -> dataDir = Path.of(value);
                case "agent.api.keys" -> apiKeys = value.isEmpty() ? null : value;
                case "agent.api.key.file" -> apiKeyFile = value.isEmpty() ? null : Path.of(value);
                case "agent.threads" -> threads = Integer.parseInt(value);
                case "agent.max.body.bytes" -> maxBodyBytes = Integer.parseInt(value);
                case "agent.max.ticks.per.request" -> maxTicksPerRequest = Integer.parseInt(value);
                case "engine.url" -> engineUrl = value.isEmpty() ? null : parseUrl(value);
                case "engine.api.key" -> engineApiKey = value.isEmpty() ? null : value;
                case "engine.api.key.file" -> engineApiKeyFile = value.isEmpty() ? null : Path.of(value);
                case "engine.tls.ca.file" -> engineTlsCaFile = value.isEmpty() ? null : Path.of(value);
                case "engine.connect.timeout.ms" -> engineConnectTimeoutMs = Long.parseLong(value);
                case "engine.request.timeout.ms" -> engineRequestTimeoutMs = Long.parseLong(value);
                case "forward.batch.size" -> forwardBatchSize = Integer.parseInt(value);
                case "forward.backoff.min.ms" -> forwardBackoffMinMs = Long.parseLong(value);
                case "forward.backoff.max.ms" -> forwardBackoffMaxMs = Long.parseLong(value);
                case "forward.idle.poll.ms" -> forwardIdlePollMs = Long.parseLong(value);
                case "retention.hours" -> retentionHours = Long.parseLong(value);
                case "retention.prune.interval.ms" -> retentionPruneIntervalMs = Long.parseLong(value);
                case "buffer.max.ticks" -> bufferMaxTicks = Long.parseLong(value);
                case "buffer.min.free.mb" -> bufferMinFreeMb = Long.parseLong(value);
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
    public EdgeContext conclude() {
        require(port >= 0 && port <= 65_535, "agent.port", port, "0..65535");
        require(!bind.isEmpty(), "agent.bind", bind, "an address");
        require(threads >= 1, "agent.threads", threads, ">= 1");
        require(maxBodyBytes >= 1024, "agent.max.body.bytes", maxBodyBytes, ">= 1024");
        require(maxTicksPerRequest >= 1, "agent.max.ticks.per.request", maxTicksPerRequest, ">= 1");
        require(engineConnectTimeoutMs >= 100, "engine.connect.timeout.ms", engineConnectTimeoutMs, ">= 100");
        require(engineRequestTimeoutMs >= 100, "engine.request.timeout.ms", engineRequestTimeoutMs, ">= 100");
        require(forwardBatchSize >= 1, "forward.batch.size", forwardBatchSize, ">= 1");
        require(forwardBackoffMinMs >= 1, "forward.backoff.min.ms", forwardBackoffMinMs, ">= 1");
        require(
                forwardBackoffMaxMs >= forwardBackoffMinMs,
                "forward.backoff.max.ms",
                forwardBackoffMaxMs,
                ">= forward.backoff.min.ms");
        require(forwardIdlePollMs >= 1, "forward.idle.poll.ms", forwardIdlePollMs, ">= 1");
        require(retentionHours >= 0, "retention.hours", retentionHours, ">= 0");
        require(retentionPruneIntervalMs >= 1, "retention.prune.interval.ms", retentionPruneIntervalMs, ">= 1");
        require(bufferMaxTicks >= 1, "buffer.max.ticks", bufferMaxTicks, ">= 1");
        require(bufferMinFreeMb >= 0, "buffer.min.free.mb", bufferMinFreeMb, ">= 0");
        return this;
    }

    /** @throws IllegalArgumentException if {@code engine.url} is missing: {@code run} and {@code export} need it. */
    public URI requireEngineUrl() {
        if (engineUrl == null) {
            throw new IllegalArgumentException(
                    "no engine configured: set engine.url (--engine-url, EDGE_ENGINE_URL or the properties file)");
        }
        return engineUrl;
    }

    private static URI parseUrl(final String value) {
        final URI uri = URI.create(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
        final String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "invalid configuration [key=engine.url, value=" + value + ", expected=http(s)://host:port]");
        }
        return uri;
    }

    private static void requireNotSecret(final String key, final String where) {
        if (key.equals("engine.api.key")) {
            throw new IllegalArgumentException("engine.api.key is not accepted from " + where + ": set "
                    + ENGINE_API_KEY_ENV + " or engine.api.key.file (a file only the agent's account can read)");
        }
    }

    private static void require(final boolean ok, final String key, final Object value, final String expected) {
        if (!ok) {
            throw new IllegalArgumentException(
                    "invalid configuration [key=" + key + ", value=" + value + ", expected=" + expected + "]");
        }
    }

    public String bind() {
        return bind;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** @return the listener's key entries ({@code TICK_API_KEYS}), or {@code null}. */
    public String apiKeys() {
        return apiKeys;
    }

    public Path apiKeyFile() {
        return apiKeyFile;
    }

    public int threads() {
        return threads;
    }

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    public int maxTicksPerRequest() {
        return maxTicksPerRequest;
    }

    /** @return the engine's base URL, or {@code null} if none is configured. */
    public URI engineUrl() {
        return engineUrl;
    }

    /** @return the engine key from {@code EDGE_ENGINE_API_KEY}, or {@code null}. */
    public String engineApiKey() {
        return engineApiKey;
    }

    public Path engineApiKeyFile() {
        return engineApiKeyFile;
    }

    public Path engineTlsCaFile() {
        return engineTlsCaFile;
    }

    public long engineConnectTimeoutMs() {
        return engineConnectTimeoutMs;
    }

    public long engineRequestTimeoutMs() {
        return engineRequestTimeoutMs;
    }

    public int forwardBatchSize() {
        return forwardBatchSize;
    }

    public long forwardBackoffMinMs() {
        return forwardBackoffMinMs;
    }

    public long forwardBackoffMaxMs() {
        return forwardBackoffMaxMs;
    }

    public long forwardIdlePollMs() {
        return forwardIdlePollMs;
    }

    public long retentionMs() {
        return retentionHours * 3_600_000L;
    }

    public long retentionPruneIntervalMs() {
        return retentionPruneIntervalMs;
    }

    public long bufferMaxTicks() {
        return bufferMaxTicks;
    }

    public long bufferMinFreeBytes() {
        return bufferMinFreeMb * 1024 * 1024;
    }
}
