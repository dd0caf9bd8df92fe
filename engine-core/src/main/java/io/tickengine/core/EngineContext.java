package io.tickengine.core;

import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.ring.WaitStrategyType;
import io.tickengine.core.tick.SourceSequences;
import io.tickengine.core.time.ServerTimeZone;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Configuration of a {@link TickEngine}, with documented defaults, settable by key from a properties file,
 * environment variables ({@code TICK_} + key in upper case with {@code .} as {@code _}, e.g.
 * {@code TICK_JOURNAL_SYNC}) or code, and validated once by {@link #conclude()} (Aeron's
 * {@code MediaDriver.Context} style). Later sources override earlier ones: file, then environment, then command
 * line.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>data.dir</td><td>./data</td><td>journal and embedded database live here</td></tr>
 *   <tr><td>journal.sync</td><td>false</td><td>sync the journal to disk before acknowledging (per batch)</td></tr>
 *   <tr><td>journal.roll.cycle</td><td>FAST_DAILY</td><td>Chronicle roll cycle, e.g. FAST_HOURLY</td></tr>
 *   <tr><td>journal.retention.days</td><td>7</td><td>delete journal files older than this that no restart needs;
 *       0 keeps all</td></tr>
 *   <tr><td>journal.pretouch.mb</td><td>64</td><td>how far ahead of the journal's write position a background
 *       agent brings the file's pages into memory, so that the event loop does not wait for the kernel to
 *       provide and zero them; 0 turns it off</td></tr>
 *   <tr><td>threads.background.nice</td><td>10</td><td>nice value of the background agents' threads (tick store
 *       writer, bar rebuilder, journal retention, journal pages, Kafka mirror; Linux): higher lets the event loops,
 *       the aggregator and the candle writer have a core first on a busy box; 0 leaves them as the process</td></tr>
 *   <tr><td>journal.drop.behind.mb</td><td>256</td><td>how far behind the journal's write position its pages
 *       leave the page cache once on disk (Linux), so the journal reuses warm memory instead of cold; 0 leaves them
 *       to the kernel</td></tr>
 *   <tr><td>journal.kind</td><td>chronicle</td><td>where the journal lives: {@code chronicle} (local) or
 *       {@code kafka}: ticks are acknowledged once a Kafka cluster has them, and the engines of one consumer group
 *       ({@code kafka.group}) store ticks and candles into one PostgreSQL/TimescaleDB (needs the {@code engine-kafka}
 *       module, {@code kafka.bootstrap.servers} and a {@code jdbc:postgresql:} {@code db.url}); see
 *       docs/scale-out.md</td></tr>
 *   <tr><td>journal.mirror</td><td>none</td><td>{@code kafka}: ship every journal record, behind the
 *       acknowledgement, to a Kafka topic partitioned by symbol (needs the {@code engine-kafka} module and
 *       {@code kafka.bootstrap.servers}); its lag is {@code tick_kafka_mirror_lag_records}</td></tr>
 *   <tr><td>kafka.*</td><td>(none)</td><td>settings of the Kafka journal and mirror: {@code kafka.bootstrap.servers},
 *       {@code kafka.topic} (ticks), {@code kafka.client.id} (tick-engine); {@code kafka.producer.X} passes
 *       {@code X} to the Kafka producer (see docs/scale-out.md)</td></tr>
 *   <tr><td>journal.min.free.mb</td><td>256</td><td>free space the journal's file system must keep: below it ingest
 *       is refused ({@code 503 not journaled: disk full}) before Chronicle's memory-mapped write can fault; it
 *       resumes by itself once space is freed; 0 turns the check off</td></tr>
 *   <tr><td>ticks.retention.days</td><td>0</td><td>delete stored ticks (the {@code ticks} table) older than this;
 *       0 keeps them all</td></tr>
 *   <tr><td>ticks.store.busy.duty</td><td>0.1</td><td>the largest share of time the tick store writer works while
 *       ticks are coming in, in (0, 1]: on a small machine ingest keeps the cores and the tick store lags (reported),
 *       catching up at full speed when ingest pauses; 1 = no limit</td></tr>
 *   <tr><td>ring.size</td><td>65536</td><td>ring slots, a power of two</td></tr>
 *   <tr><td>ring.max.batch</td><td>16384</td><td>most ticks per request, at most half the ring; a request is one
 *       journal document, so also at most what one holds (32,768 on FAST_DAILY, 1,024 on FAST_HOURLY)</td></tr>
 *   <tr><td>ring.wait.strategy</td><td>SLEEPING</td><td>SLEEPING, BLOCKING, YIELDING or BUSY_SPIN</td></tr>
 *   <tr><td>candles.timeframes</td><td>M1,M5,M15,M30,H1,H4,D1</td><td>timeframes built from ticks</td></tr>
 *   <tr><td>candles.late.window.ms</td><td>60000</td><td>how long after a bar closes a tick still updates it</td></tr>
 *   <tr><td>candles.session.offset.minutes</td><td>0</td><td>D1/W1 start, minutes east of UTC (UTC+2 = 120)</td></tr>
 *   <tr><td>server.tz</td><td>UTC</td><td>the broker's server time zone, for MT5 times given in server time (the
 *       default of {@code tick-engine import --server-tz}): an IANA id ({@code Europe/Athens}), a fixed offset
 *       ({@code UTC+2}) or {@code NY+7}, UTC+2 and UTC+3 while New York observes daylight saving; see
 *       {@link ServerTimeZone}</td></tr>
 *   <tr><td>candles.last.price.symbols</td><td>(none)</td><td>symbols whose bars use {@code last}, not bid</td></tr>
 *   <tr><td>db.url</td><td>(none: SQLite in data.dir)</td><td>{@code jdbc:postgresql://…} or
 *       {@code jdbc:sqlite:FILE}</td></tr>
 *   <tr><td>db.user / db.password</td><td>(none)</td><td>credentials, if not in the URL</td></tr>
 *   <tr><td>db.pool.size</td><td>4</td><td>PostgreSQL connections</td></tr>
 *   <tr><td>db.schema.init</td><td>true</td><td>apply pending db/init scripts at start; false when running as
 *       mt5_app (then {@code tick-engine db init} is run by the owner)</td></tr>
 *   <tr><td>db.reader.user / db.reader.password</td><td>(none)</td><td>read-only role for /query (e.g.
 *       tick_reader); without it /query uses read-only transactions</td></tr>
 *   <tr><td>signals.lease.ms</td><td>30000</td><td>time a consumer has to ack a leased signal</td></tr>
 *   <tr><td>db.connect.timeout.ms</td><td>2000</td><td>wait for a connection before a write is retried</td></tr>
 *   <tr><td>db.startup.timeout.ms</td><td>30000</td><td>how long start-up waits for the database</td></tr>
 *   <tr><td>writer.batch.size</td><td>5000</td><td>bars per store transaction, at most</td></tr>
 *   <tr><td>writer.flush.interval.ms</td><td>100</td><td>longest a changed bar waits for the store while writes
 *       are quick</td></tr>
 *   <tr><td>writer.busy.duty</td><td>0.25</td><td>the largest share of time the candle writer spends writing, in
 *       (0, 1]: after a write it waits that write's time times (1 - duty) / duty before the next, coalescing the bars
 *       that change meanwhile (a batch still holds at most writer.batch.size bars; the others wait in the
 *       aggregator); on a small machine ingest keeps the cores while candles reach the store less often; 1 = no
 *       limit</td></tr>
 *   <tr><td>writer.ring.bytes</td><td>4194304</td><td>aggregator-to-writer buffer, a power of two</td></tr>
 *   <tr><td>writer.backoff.min.ms / max.ms</td><td>100 / 5000</td><td>retry delays while the store is down</td></tr>
 *   <tr><td>names.capacity</td><td>65536</td><td>distinct symbols (and, separately, sources)</td></tr>
 *   <tr><td>dedup.window</td><td>32768</td><td>seqs remembered below each source's highest: any of them is
 *       accepted once, in any order; a seq further below is refused (409). A power of two, 64..1048576, at most
 *       {@code writer.ring.bytes / 2} bits. Costs {@code dedup.window / 8} bytes per source in memory, in the store
 *       ({@code engine_source_seq.window_bits}) and in the writer's ring per checkpoint that touches the
 *       source</td></tr>
 *   <tr><td>shutdown.timeout.ms</td><td>15000</td><td>time to drain on shutdown</td></tr>
 *   <tr><td>metrics.symbols.max</td><td>100</td><td>symbols with their own metrics (the first ones seen), which
 *       bounds the exporter's label cardinality; 0 = none</td></tr>
 * </table>
 */
public final class EngineContext {
    private Path dataDir = Path.of("data");
    private boolean journalSync;
    private String journalRollCycle = "FAST_DAILY";
    private int journalRetentionDays = 7;
    private int journalPretouchMb = 64;
    private int journalDropBehindMb = 256;
    private int backgroundNice = 10;
    private long journalMinFreeMb = 256;
    private String journalKind = "chronicle";
    private String journalMirror = "none";
    private final Map<String, String> kafkaSettings = new java.util.TreeMap<>();
    private int ticksRetentionDays;
    private double ticksStoreBusyDuty = 0.1;
    private int ringSize = 65_536;
    private int maxBatchSize = 16_384;
    private WaitStrategyType waitStrategy = WaitStrategyType.SLEEPING;
    private List<Timeframe> timeframes =
            List.of(Timeframe.M1, Timeframe.M5, Timeframe.M15, Timeframe.M30, Timeframe.H1, Timeframe.H4, Timeframe.D1);
    private long lateWindowMsc = 60_000;
    private long sessionOffsetMsc;
    private Set<String> lastPriceSymbols = Set.of();
    private ServerTimeZone serverTz = ServerTimeZone.UTC;
    private String dbUrl;
    private String dbUser;
    private String dbPassword;
    private boolean dbSchemaInit = true;
    private String dbReaderUser;
    private String dbReaderPassword;
    private long signalsLeaseMs = 30_000;
    private int dbPoolSize = 4;
    private long dbConnectTimeoutMs = 2_000;
    private long dbStartupTimeoutMs = 30_000;
    private int writerBatchSize = 5_000;
    private long writerFlushIntervalMs = 100;
    private double writerBusyDuty = 0.25;
    private int writerRingBytes = 4 * 1024 * 1024;
    private long writerBackoffMinMs = 100;
    private long writerBackoffMaxMs = 5_000;
    private int namesCapacity = 65_536;
    private int dedupWindow = 32_768;
    private long shutdownTimeoutMs = 15_000;
    private int metricsSymbolsMax = io.tickengine.core.metrics.EngineMetrics.DEFAULT_TRACKED_SYMBOLS;
    private java.util.function.UnaryOperator<io.tickengine.core.store.CandleStore> candleStoreDecorator =
            java.util.function.UnaryOperator.identity();
    private boolean concluded;

    /** Applies every {@code key=value} of a properties file; unknown keys are an error. */
    public EngineContext load(final Properties properties) {
        for (final String key : properties.stringPropertyNames()) {
            set(key, properties.getProperty(key));
        }
        return this;
    }

    /** Applies every {@code TICK_*} environment variable that names a key; other {@code TICK_*} names are ignored. */
    public EngineContext loadEnvironment(final Map<String, String> environment) {
        for (final Map.Entry<String, String> e : environment.entrySet()) {
            final String name = e.getKey();
            if (name.startsWith("TICK_")) {
                final String key = name.substring(5).toLowerCase(Locale.ROOT).replace('_', '.');
                if (isKey(key)) {
                    set(key, e.getValue());
                }
            }
        }
        return this;
    }

    /** @return true if {@code key} is a configuration key (the {@code kafka.*} keys included). */
    public static boolean isKey(final String key) {
        return KEYS.contains(key) || (key.startsWith(KAFKA_PREFIX) && key.length() > KAFKA_PREFIX.length());
    }

    /** Keys of the Kafka journal mirror, passed to it as they are ({@link #kafkaSettings()}). */
    private static final String KAFKA_PREFIX = "kafka.";

    private static final Set<String> KEYS = Set.of(
            "data.dir",
            "journal.sync",
            "journal.roll.cycle",
            "journal.retention.days",
            "journal.pretouch.mb",
            "journal.drop.behind.mb",
            "threads.background.nice",
            "journal.kind",
            "journal.mirror",
            "journal.min.free.mb",
            "ticks.retention.days",
            "ticks.store.busy.duty",
            "ring.size",
            "ring.max.batch",
            "ring.wait.strategy",
            "candles.timeframes",
            "candles.late.window.ms",
            "candles.session.offset.minutes",
            "candles.last.price.symbols",
            "server.tz",
            "db.url",
            "db.user",
            "db.password",
            "db.pool.size",
            "db.schema.init",
            "db.reader.user",
            "db.reader.password",
            "signals.lease.ms",
            "db.connect.timeout.ms",
            "db.startup.timeout.ms",
            "writer.batch.size",
            "writer.flush.interval.ms",
            "writer.busy.duty",
            "writer.ring.bytes",
            "writer.backoff.min.ms",
            "writer.backoff.max.ms",
            "names.capacity",
            "dedup.window",
            "shutdown.timeout.ms",
            "metrics.symbols.max");

    /**
     * Sets one key.
     *
     * @throws IllegalArgumentException naming the key and value when either is not valid.
     */
    public EngineContext set(final String key, final String rawValue) {
        final String value = rawValue == null ? "" : rawValue.trim();
        try {
            switch (key) {
                case "data.dir" -> dataDir = Path.of(value);
                case "journal.sync" -> journalSync = parseBoolean(value);
                case "journal.roll.cycle" -> journalRollCycle = value.toUpperCase(Locale.ROOT);
                case "journal.retention.days" -> journalRetentionDays = Integer.parseInt(value);
                case "journal.pretouch.mb" -> journalPretouchMb = Integer.parseInt(value);
                case "journal.drop.behind.mb" -> journalDropBehindMb = Integer.parseInt(value);
                case "threads.background.nice" -> backgroundNice = Integer.parseInt(value);
                case "journal.min.free.mb" -> journalMinFreeMb = Long.parseLong(value);
                case "journal.kind" -> journalKind = value.toLowerCase(Locale.ROOT);
                case "journal.mirror" -> journalMirror = value.toLowerCase(Locale.ROOT);
                case "ticks.retention.days" -> ticksRetentionDays = Integer.parseInt(value);
                case "ticks.store.busy.duty" -> ticksStoreBusyDuty = Double.parseDouble(value);
                case "ring.size" -> ringSize = Integer.parseInt(value);
                case "ring.max.batch" -> maxBatchSize = Integer.parseInt(value);
                case "ring.wait.strategy" -> waitStrategy = WaitStrategyType.valueOf(value.toUpperCase(Locale.ROOT));
                case "candles.timeframes" -> timeframes = parseTimeframes(value);
                case "candles.late.window.ms" -> lateWindowMsc = Long.parseLong(value);
                case "candles.session.offset.minutes" -> sessionOffsetMsc = Long.parseLong(value) * 60_000L;
                case "candles.last.price.symbols" -> lastPriceSymbols = parseList(value);
                case "server.tz" -> serverTz = ServerTimeZone.parse(value);
                case "db.url" -> dbUrl = value.isEmpty() ? null : value;
                case "db.user" -> dbUser = value.isEmpty() ? null : value;
                case "db.password" -> dbPassword = value.isEmpty() ? null : value;
                case "db.pool.size" -> dbPoolSize = Integer.parseInt(value);
                case "db.schema.init" -> dbSchemaInit = parseBoolean(value);
                case "db.reader.user" -> dbReaderUser = value.isEmpty() ? null : value;
                case "db.reader.password" -> dbReaderPassword = value.isEmpty() ? null : value;
                case "signals.lease.ms" -> signalsLeaseMs = Long.parseLong(value);
                case "db.connect.timeout.ms" -> dbConnectTimeoutMs = Long.parseLong(value);
                case "db.startup.timeout.ms" -> dbStartupTimeoutMs = Long.parseLong(value);
                case "writer.batch.size" -> writerBatchSize = Integer.parseInt(value);
                case "writer.flush.interval.ms" -> writerFlushIntervalMs = Long.parseLong(value);
                case "writer.busy.duty" -> writerBusyDuty = Double.parseDouble(value);
                case "writer.ring.bytes" -> writerRingBytes = Integer.parseInt(value);
                case "writer.backoff.min.ms" -> writerBackoffMinMs = Long.parseLong(value);
                case "writer.backoff.max.ms" -> writerBackoffMaxMs = Long.parseLong(value);
                case "names.capacity" -> namesCapacity = Integer.parseInt(value);
                case "dedup.window" -> dedupWindow = Integer.parseInt(value);
                case "shutdown.timeout.ms" -> shutdownTimeoutMs = Long.parseLong(value);
                case "metrics.symbols.max" -> metricsSymbolsMax = Integer.parseInt(value);
                default -> {
                    if (!key.startsWith(KAFKA_PREFIX) || key.length() == KAFKA_PREFIX.length()) {
                        throw new IllegalArgumentException("unknown configuration key [key=" + key + "]");
                    }
                    kafkaSettings.put(key, value);
                }
            }
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("not a number [key=" + key + ", value=" + value + "]", e);
        } catch (final IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("unknown configuration key")) {
                throw e;
            }
            throw new IllegalArgumentException(
                    "invalid value [key=" + key + ", value=" + value + ", reason=" + e.getMessage() + "]", e);
        }
        return this;
    }

    /**
     * Validates the whole configuration once, before start.
     *
     * @throws IllegalArgumentException naming the first invalid key.
     */
    public EngineContext conclude() {
        require(Integer.bitCount(ringSize) == 1 && ringSize >= 1024, "ring.size", ringSize, "a power of two >= 1024");
        require(
                maxBatchSize >= 1 && maxBatchSize <= ringSize / 2,
                "ring.max.batch",
                maxBatchSize,
                "between 1 and ring.size / 2");
        require(!timeframes.isEmpty(), "candles.timeframes", timeframes, "at least one timeframe");
        for (final Timeframe tf : timeframes) {
            require(tf.isAggregatable(), "candles.timeframes", tf, "M1..W1 (MN1 bars are imported, not built)");
        }
        require(lateWindowMsc >= 0, "candles.late.window.ms", lateWindowMsc, ">= 0");
        require(
                Math.abs(sessionOffsetMsc) < 86_400_000L,
                "candles.session.offset.minutes",
                sessionOffsetMsc / 60_000,
                "between -1439 and 1439");
        require(journalRetentionDays >= 0, "journal.retention.days", journalRetentionDays, ">= 0");
        require(
                journalPretouchMb >= 0 && journalPretouchMb <= 4096,
                "journal.pretouch.mb",
                journalPretouchMb,
                "0..4096");
        require(backgroundNice >= 0 && backgroundNice <= 19, "threads.background.nice", backgroundNice, "0..19");
        require(
                journalDropBehindMb >= 0 && journalDropBehindMb <= 1 << 20,
                "journal.drop.behind.mb",
                journalDropBehindMb,
                "0..1048576");
        require(
                journalMinFreeMb >= 0 && journalMinFreeMb <= 1L << 30,
                "journal.min.free.mb",
                journalMinFreeMb,
                "0..1073741824 (0 turns the free-space check off)");
        require(
                journalKind.equals("chronicle") || journalKind.equals("kafka"),
                "journal.kind",
                journalKind,
                "chronicle or kafka");
        if (journalKind.equals("kafka")) {
            // Several engines share one store as a consumer group, with the topic offsets committed in the rows'
            // transaction: that needs a shared PostgreSQL/TimescaleDB, never an engine's own SQLite file.
            require(
                    dbUrl != null && dbUrl.startsWith("jdbc:postgresql:"),
                    "db.url",
                    dbUrl,
                    "jdbc:postgresql://host:port/db when journal.kind=kafka (the engines of a group share one"
                            + " PostgreSQL/TimescaleDB; SQLite is not supported)");
            require(
                    kafkaSettings.containsKey("kafka.bootstrap.servers"),
                    "kafka.bootstrap.servers",
                    null,
                    "host:port[,host:port...] when journal.kind=kafka");
            require(
                    journalMirror.equals("none"),
                    "journal.mirror",
                    journalMirror,
                    "none when journal.kind=kafka (the journal is the topic already)");
            require(
                    timeframes.contains(Timeframe.M1),
                    "candles.timeframes",
                    timeframes,
                    "a list with M1 when journal.kind=kafka (higher timeframes are built from the M1 bars)");
        }
        require(
                journalMirror.equals("none") || journalMirror.equals("kafka"),
                "journal.mirror",
                journalMirror,
                "none or kafka");
        require(
                !journalMirror.equals("kafka") || kafkaSettings.containsKey("kafka.bootstrap.servers"),
                "kafka.bootstrap.servers",
                null,
                "host:port[,host:port...] when journal.mirror=kafka");
        require(ticksRetentionDays >= 0, "ticks.retention.days", ticksRetentionDays, ">= 0");
        require(
                ticksStoreBusyDuty > 0 && ticksStoreBusyDuty <= 1,
                "ticks.store.busy.duty",
                ticksStoreBusyDuty,
                "a share of time in (0, 1]");
        require(
                isRollCycle(journalRollCycle),
                "journal.roll.cycle",
                journalRollCycle,
                "a Chronicle roll cycle such as FAST_DAILY, FAST_HOURLY or HALF_HOURLY");
        require(
                dbConnectTimeoutMs >= 0 && dbStartupTimeoutMs >= 0 && shutdownTimeoutMs >= 0,
                "db.connect.timeout.ms",
                dbConnectTimeoutMs,
                "timeouts >= 0 (also db.startup.timeout.ms, shutdown.timeout.ms)");
        require(
                dbUrl == null || dbUrl.startsWith("jdbc:postgresql:") || dbUrl.startsWith("jdbc:sqlite:"),
                "db.url",
                dbUrl,
                "jdbc:postgresql://host:port/db or jdbc:sqlite:FILE");
        require(dbPoolSize >= 1, "db.pool.size", dbPoolSize, ">= 1");
        require(signalsLeaseMs >= 1000, "signals.lease.ms", signalsLeaseMs, ">= 1000");
        require(writerBatchSize >= 1, "writer.batch.size", writerBatchSize, ">= 1");
        require(writerFlushIntervalMs >= 1, "writer.flush.interval.ms", writerFlushIntervalMs, ">= 1");
        require(
                writerBusyDuty > 0 && writerBusyDuty <= 1,
                "writer.busy.duty",
                writerBusyDuty,
                "a share of time in (0, 1]");
        require(
                Integer.bitCount(writerRingBytes) == 1 && writerRingBytes >= 64 * 1024,
                "writer.ring.bytes",
                writerRingBytes,
                "a power of two >= 65536");
        require(
                writerBackoffMinMs >= 1 && writerBackoffMaxMs >= writerBackoffMinMs,
                "writer.backoff.min.ms",
                writerBackoffMinMs,
                "1 <= min <= writer.backoff.max.ms");
        require(namesCapacity >= 1 && namesCapacity <= 1 << 20, "names.capacity", namesCapacity, "1..1048576");
        // A source's window goes to the writer whole, in one message of at most an eighth of its ring (Agrona).
        require(
                Integer.bitCount(dedupWindow) == 1
                        && dedupWindow >= SourceSequences.MIN_WINDOW
                        && dedupWindow <= SourceSequences.MAX_WINDOW
                        && dedupWindow <= writerRingBytes / 2,
                "dedup.window",
                dedupWindow,
                "a power of two, 64..1048576 and at most writer.ring.bytes / 2");
        require(
                metricsSymbolsMax >= 0 && metricsSymbolsMax <= 10_000,
                "metrics.symbols.max",
                metricsSymbolsMax,
                "0..10000");
        concluded = true;
        return this;
    }

    private static boolean isRollCycle(final String name) {
        io.tickengine.core.journal.ChronicleSettings.disableAnalytics();
        try {
            net.openhft.chronicle.queue.RollCycles.valueOf(name);
            return true;
        } catch (final IllegalArgumentException e) {
            return false;
        }
    }

    private static void require(final boolean ok, final String key, final Object value, final String expected) {
        if (!ok) {
            throw new IllegalArgumentException(
                    "invalid configuration [key=" + key + ", value=" + value + ", expected=" + expected + "]");
        }
    }

    private static boolean parseBoolean(final String value) {
        if ("true".equalsIgnoreCase(value) || "1".equals(value) || "yes".equalsIgnoreCase(value)) {
            return true;
        }
        if ("false".equalsIgnoreCase(value) || "0".equals(value) || "no".equalsIgnoreCase(value)) {
            return false;
        }
        throw new IllegalArgumentException("expected true or false");
    }

    private static List<Timeframe> parseTimeframes(final String value) {
        // A set of parsed timeframes, so "M1,m1" is one timeframe (a tick must count once), in the given order.
        final Set<Timeframe> timeframes = new LinkedHashSet<>();
        for (final String name : parseList(value)) {
            final Timeframe tf = Timeframe.parse(name);
            if (tf == null) {
                throw new IllegalArgumentException("unknown timeframe " + name);
            }
            timeframes.add(tf);
        }
        return List.copyOf(timeframes);
    }

    private static Set<String> parseList(final String value) {
        final Set<String> set = new LinkedHashSet<>();
        for (final String part : value.split(",")) {
            if (!part.isBlank()) {
                set.add(part.trim());
            }
        }
        return java.util.Collections.unmodifiableSet(set);
    }

    /** @return true once {@link #conclude()} has validated this configuration. */
    public boolean isConcluded() {
        return concluded;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path journalDir() {
        return dataDir.resolve("journal");
    }

    public boolean journalSync() {
        return journalSync;
    }

    public String journalRollCycle() {
        return journalRollCycle;
    }

    /** @return free bytes the journal's file system must keep before ingest is refused; 0 = no check. */
    public long journalMinFreeBytes() {
        return journalMinFreeMb * 1024 * 1024;
    }

    public int journalRetentionDays() {
        return journalRetentionDays;
    }

    /** @return how many bytes ahead of the journal's write position its pages are brought in; 0 for none. */
    public long journalPretouchBytes() {
        return journalPretouchMb * 1024L * 1024L;
    }

    /** @return the nice value of the background agents' threads; 0 leaves them as the process. */
    public int backgroundNice() {
        return backgroundNice;
    }

    /** @return how many bytes behind the journal's write position its pages may leave the page cache; 0 for never. */
    public long journalDropBehindBytes() {
        return journalDropBehindMb * 1024L * 1024L;
    }

    /** @return the largest share of time the tick store writer works while ticks are coming in. */
    public double ticksStoreBusyDuty() {
        return ticksStoreBusyDuty;
    }

    /** @return days stored ticks are kept; 0 keeps them all. */
    public int ticksRetentionDays() {
        return ticksRetentionDays;
    }

    public int ringSize() {
        return ringSize;
    }

    public int maxBatchSize() {
        return maxBatchSize;
    }

    public WaitStrategyType waitStrategy() {
        return waitStrategy;
    }

    public List<Timeframe> timeframes() {
        return timeframes;
    }

    public long lateWindowMsc() {
        return lateWindowMsc;
    }

    public long sessionOffsetMsc() {
        return sessionOffsetMsc;
    }

    /** @return the broker's server time zone ({@code server.tz}); {@link ServerTimeZone#UTC} unless set. */
    public ServerTimeZone serverTz() {
        return serverTz;
    }

    public Set<String> lastPriceSymbols() {
        return lastPriceSymbols;
    }

    /** @return the JDBC URL, or {@code null} for the embedded SQLite default. */
    public String dbUrl() {
        return dbUrl;
    }

    public String dbUser() {
        return dbUser;
    }

    public String dbPassword() {
        return dbPassword;
    }

    /** @return true to apply pending {@code db/init} scripts at start (PostgreSQL; SQLite always does). */
    public boolean dbSchemaInit() {
        return dbSchemaInit;
    }

    /** @return the read-only role /query runs as, or {@code null} to use read-only transactions of db.user. */
    public String dbReaderUser() {
        return dbReaderUser;
    }

    public String dbReaderPassword() {
        return dbReaderPassword;
    }

    /** @return how long a leased signal waits for its ack before it can be delivered again. */
    public long signalsLeaseMs() {
        return signalsLeaseMs;
    }

    public int dbPoolSize() {
        return dbPoolSize;
    }

    public long dbConnectTimeoutMs() {
        return dbConnectTimeoutMs;
    }

    public long dbStartupTimeoutMs() {
        return dbStartupTimeoutMs;
    }

    public int writerBatchSize() {
        return writerBatchSize;
    }

    public long writerFlushIntervalMs() {
        return writerFlushIntervalMs;
    }

    /** @return the largest share of time the candle writer spends writing. */
    public double writerBusyDuty() {
        return writerBusyDuty;
    }

    public int writerRingBytes() {
        return writerRingBytes;
    }

    public long writerBackoffMinMs() {
        return writerBackoffMinMs;
    }

    public long writerBackoffMaxMs() {
        return writerBackoffMaxMs;
    }

    public int namesCapacity() {
        return namesCapacity;
    }

    /** @return seqs remembered below each source's highest ({@link SourceSequences}). */
    public int dedupWindow() {
        return dedupWindow;
    }

    public long shutdownTimeoutMs() {
        return shutdownTimeoutMs;
    }

    /** @return where the journal lives: {@code chronicle} (local, the default) or {@code kafka}. */
    public String journalKind() {
        return journalKind;
    }

    /** @return {@code none} or the kind of journal mirror ({@code kafka}). */
    public String journalMirror() {
        return journalMirror;
    }

    /** @return every {@code kafka.*} key set, with its value (read-only). */
    public Map<String, String> kafkaSettings() {
        return java.util.Collections.unmodifiableMap(kafkaSettings);
    }

    /** @return how many symbols get their own metrics (the first ones seen). */
    public int metricsSymbolsMax() {
        return metricsSymbolsMax;
    }

    /**
     * Wraps the candle store the engine writes to, e.g. to trace it or to inject faults in tests. Programmatic only,
     * not a configuration key.
     */
    public EngineContext candleStoreDecorator(
            final java.util.function.UnaryOperator<io.tickengine.core.store.CandleStore> decorator) {
        this.candleStoreDecorator = decorator;
        return this;
    }

    /** @return what wraps the engine's candle store; identity unless set. */
    public java.util.function.UnaryOperator<io.tickengine.core.store.CandleStore> candleStoreDecorator() {
        return candleStoreDecorator;
    }
}
