package io.tickengine.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.ring.WaitStrategyType;
import io.tickengine.core.time.ServerTimeZone;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Configuration: documented defaults, every way of setting a key, and the checks made once before start. */
class EngineContextTest {
    @Test
    void shouldHaveTheDocumentedDefaults() {
        final EngineContext c = new EngineContext();
        assertEquals(Path.of("data"), c.dataDir());
        assertEquals(Path.of("data", "journal"), c.journalDir());
        assertFalse(c.journalSync());
        assertEquals("FAST_DAILY", c.journalRollCycle());
        assertEquals(7, c.journalRetentionDays());
        assertEquals(65_536, c.ringSize());
        assertEquals(16_384, c.maxBatchSize());
        assertEquals(WaitStrategyType.SLEEPING, c.waitStrategy());
        assertEquals(
                List.of(
                        Timeframe.M1,
                        Timeframe.M5,
                        Timeframe.M15,
                        Timeframe.M30,
                        Timeframe.H1,
                        Timeframe.H4,
                        Timeframe.D1),
                c.timeframes());
        assertEquals(60_000, c.lateWindowMsc());
        assertEquals(0, c.sessionOffsetMsc());
        assertEquals(Set.of(), c.lastPriceSymbols());
        assertNull(c.dbUrl(), "no URL: embedded SQLite");
        assertNull(c.dbUser());
        assertNull(c.dbPassword());
        assertEquals(4, c.dbPoolSize());
        assertEquals(2_000, c.dbConnectTimeoutMs());
        assertEquals(30_000, c.dbStartupTimeoutMs());
        assertEquals(5_000, c.writerBatchSize());
        assertEquals(100, c.writerFlushIntervalMs());
        assertEquals(4 * 1024 * 1024, c.writerRingBytes());
        assertEquals(100, c.writerBackoffMinMs());
        assertEquals(5_000, c.writerBackoffMaxMs());
        assertEquals(65_536, c.namesCapacity());
        assertEquals(32_768, c.dedupWindow());
        assertEquals(15_000, c.shutdownTimeoutMs());
    }

    @Test
    void shouldConcludeTheDefaults() {
        final EngineContext c = new EngineContext();
        assertFalse(c.isConcluded());
        assertSame(c, c.conclude());
        assertTrue(c.isConcluded());
    }

    @Test
    void shouldSetBooleansFromTheUsualSpellings() {
        final EngineContext c = new EngineContext();
        for (final String yes : List.of("true", "TRUE", "1", "yes", "Yes", " true ")) {
            c.set("journal.sync", "false");
            assertTrue(c.set("journal.sync", yes).journalSync(), yes);
        }
        for (final String no : List.of("false", "False", "0", "no", "NO")) {
            c.set("journal.sync", "true");
            assertFalse(c.set("journal.sync", no).journalSync(), no);
        }
    }

    @Test
    void shouldSetNumbersTrimmingSpaces() {
        final EngineContext c = new EngineContext()
                .set("ring.size", " 2048 ")
                .set("ring.max.batch", "512")
                .set("journal.retention.days", "0")
                .set("candles.late.window.ms", "5000")
                .set("db.pool.size", "8")
                .set("db.connect.timeout.ms", "750")
                .set("db.startup.timeout.ms", "1000")
                .set("writer.batch.size", "100")
                .set("writer.flush.interval.ms", "5")
                .set("writer.ring.bytes", "131072")
                .set("writer.backoff.min.ms", "10")
                .set("writer.backoff.max.ms", "20")
                .set("names.capacity", "100")
                .set("shutdown.timeout.ms", "3000");
        assertEquals(2048, c.ringSize());
        assertEquals(512, c.maxBatchSize());
        assertEquals(0, c.journalRetentionDays());
        assertEquals(5000, c.lateWindowMsc());
        assertEquals(8, c.dbPoolSize());
        assertEquals(750, c.dbConnectTimeoutMs());
        assertEquals(1000, c.dbStartupTimeoutMs());
        assertEquals(100, c.writerBatchSize());
        assertEquals(5, c.writerFlushIntervalMs());
        assertEquals(131_072, c.writerRingBytes());
        assertEquals(10, c.writerBackoffMinMs());
        assertEquals(20, c.writerBackoffMaxMs());
        assertEquals(100, c.namesCapacity());
        assertEquals(3000, c.shutdownTimeoutMs());
        c.conclude();
    }

    @Test
    void shouldSetSessionOffsetInMinutesAndKeepItInMilliseconds() {
        assertEquals(
                7_200_000L,
                new EngineContext().set("candles.session.offset.minutes", "120").sessionOffsetMsc());
        assertEquals(
                -18_000_000L,
                new EngineContext()
                        .set("candles.session.offset.minutes", "-300")
                        .sessionOffsetMsc());
    }

    @Test
    void shouldSetEnumsIgnoringCase() {
        final EngineContext c =
                new EngineContext().set("ring.wait.strategy", "busy_spin").set("journal.roll.cycle", "fast_hourly");
        assertEquals(WaitStrategyType.BUSY_SPIN, c.waitStrategy());
        assertEquals("FAST_HOURLY", c.journalRollCycle());
    }

    @Test
    void shouldSetListsSkippingBlanks() {
        final EngineContext c = new EngineContext()
                .set("candles.timeframes", "m1, H1 ,,w1")
                .set("candles.last.price.symbols", "SBER, GAZP ,");
        // As a set: the order of the list is the subject of shouldKeepTheConfiguredTimeframesInOrder.
        assertEquals(3, c.timeframes().size());
        assertEquals(Set.of(Timeframe.M1, Timeframe.H1, Timeframe.W1), Set.copyOf(c.timeframes()));
        assertEquals(Set.of("SBER", "GAZP"), c.lastPriceSymbols());
        assertEquals(Set.of(), c.set("candles.last.price.symbols", "").lastPriceSymbols());
    }

    @Test
    void shouldCountARepeatedTimeframeOnce() {
        assertEquals(
                List.of(Timeframe.H1),
                new EngineContext().set("candles.timeframes", "H1,h1, H1").timeframes());
    }

    @Test
    void shouldKeepTheConfiguredTimeframesInOrder() {
        final List<Timeframe> all = List.of(
                Timeframe.M1,
                Timeframe.M5,
                Timeframe.M15,
                Timeframe.M30,
                Timeframe.H1,
                Timeframe.H4,
                Timeframe.D1,
                Timeframe.W1);
        assertEquals(
                all,
                new EngineContext()
                        .set("candles.timeframes", "M1,M5,M15,M30,H1,H4,D1,W1")
                        .timeframes());
    }

    @Test
    void shouldSetPathsAndStringsWithEmptyMeaningNone() {
        final EngineContext c = new EngineContext()
                .set("data.dir", "/var/lib/tick-engine")
                .set("db.url", "jdbc:postgresql://db:5432/ticks")
                .set("db.user", "mt5_app")
                .set("db.password", "not-a-secret");
        assertEquals(Path.of("/var/lib/tick-engine"), c.dataDir());
        assertEquals(Path.of("/var/lib/tick-engine/journal"), c.journalDir());
        assertEquals("jdbc:postgresql://db:5432/ticks", c.dbUrl());
        assertEquals("mt5_app", c.dbUser());
        assertEquals("not-a-secret", c.dbPassword());
        c.set("db.url", "").set("db.user", " ").set("db.password", null);
        assertNull(c.dbUrl());
        assertNull(c.dbUser());
        assertNull(c.dbPassword());
    }

    @Test
    void shouldTakeTheKafkaJournalKindOnlyWithPostgresAndBootstrapServersAndRefuseSqlite() {
        final IllegalArgumentException sqlite = assertThrows(
                IllegalArgumentException.class,
                () -> new EngineContext()
                        .set("journal.kind", "kafka")
                        .set("kafka.bootstrap.servers", "k1:9092")
                        .conclude());
        assertTrue(sqlite.getMessage().contains("key=db.url"), sqlite.getMessage());
        assertTrue(sqlite.getMessage().contains("SQLite is not supported"), sqlite.getMessage());
        final IllegalArgumentException noServers = assertThrows(
                IllegalArgumentException.class,
                () -> new EngineContext()
                        .set("journal.kind", "kafka")
                        .set("db.url", "jdbc:postgresql://db:5432/ticks")
                        .conclude());
        assertTrue(noServers.getMessage().contains("key=kafka.bootstrap.servers"), noServers.getMessage());
        final IllegalArgumentException unknown = assertThrows(
                IllegalArgumentException.class,
                () -> new EngineContext().set("journal.kind", "raft").conclude());
        assertTrue(unknown.getMessage().contains("key=journal.kind"), unknown.getMessage());
        final EngineContext kafka = new EngineContext()
                .set("journal.kind", "kafka")
                .set("db.url", "jdbc:postgresql://db:5432/ticks")
                .set("kafka.bootstrap.servers", "k1:9092")
                .conclude();
        assertEquals("kafka", kafka.journalKind());
        assertEquals("chronicle", new EngineContext().conclude().journalKind());
    }

    @Test
    void shouldTakeKafkaKeysOnlyWithAMirrorThatHasItsBootstrapServers() {
        final IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new EngineContext().set("journal.mirror", "kafka").conclude());
        assertTrue(e.getMessage().contains("key=kafka.bootstrap.servers"), e.getMessage());
        final EngineContext c = new EngineContext()
                .loadEnvironment(java.util.Map.of(
                        "TICK_JOURNAL_MIRROR", "kafka",
                        "TICK_KAFKA_BOOTSTRAP_SERVERS", "broker-1:9092",
                        "TICK_KAFKA_PRODUCER_LINGER_MS", "10"))
                .conclude();
        assertEquals("kafka", c.journalMirror());
        assertEquals(
                java.util.Map.of("kafka.bootstrap.servers", "broker-1:9092", "kafka.producer.linger.ms", "10"),
                c.kafkaSettings());
        assertTrue(EngineContext.isKey("kafka.topic"));
        assertFalse(EngineContext.isKey("kafka."));
        assertThrows(IllegalArgumentException.class, () -> new EngineContext().set("kafka.", "x"));
    }

    @Test
    void shouldNameTheKeyOfAnUnknownKey() {
        final IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new EngineContext().set("journal.synk", "true"));
        assertTrue(e.getMessage().contains("unknown"), e.getMessage());
        assertTrue(e.getMessage().contains("key=journal.synk"), e.getMessage());
        assertFalse(EngineContext.isKey("journal.synk"));
        assertTrue(EngineContext.isKey("journal.sync"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "ring.size, big",
        "ring.size, 1.5",
        "candles.late.window.ms, 10s",
        "candles.session.offset.minutes, +2h",
        "journal.sync, maybe",
        "ring.wait.strategy, FASTEST",
        "candles.timeframes, M1;M2",
        "candles.timeframes, 'M1,M2'",
        "names.capacity, 99999999999",
    })
    void shouldNameKeyAndValueOfAnInvalidValue(final String key, final String value) {
        final IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new EngineContext().set(key, value));
        assertTrue(e.getMessage().contains("key=" + key), e.getMessage());
        assertTrue(e.getMessage().contains("value=" + value), e.getMessage());
    }

    @Test
    void shouldLoadEveryKeyOfAPropertiesFile() {
        final Properties file = new Properties();
        file.setProperty("journal.sync", "true");
        file.setProperty("ring.size", "4096");
        file.setProperty("candles.timeframes", "M1,M5");
        final EngineContext c = new EngineContext().load(file);
        assertTrue(c.journalSync());
        assertEquals(4096, c.ringSize());
        assertEquals(Set.of(Timeframe.M1, Timeframe.M5), Set.copyOf(c.timeframes()));

        file.setProperty("no.such.key", "1");
        final IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new EngineContext().load(file));
        assertTrue(e.getMessage().contains("key=no.such.key"), e.getMessage());
    }

    @Test
    void shouldMapTickEnvironmentVariablesToKeys() {
        final EngineContext c = new EngineContext()
                .loadEnvironment(Map.of(
                        "TICK_JOURNAL_SYNC", "true",
                        "TICK_DATA_DIR", "/srv/ticks",
                        "TICK_RING_SIZE", "2048",
                        "TICK_CANDLES_LATE_WINDOW_MS", "5000",
                        "TICK_CANDLES_SESSION_OFFSET_MINUTES", "180",
                        "TICK_CANDLES_LAST_PRICE_SYMBOLS", "SBER,GAZP",
                        "TICK_WRITER_BACKOFF_MAX_MS", "900",
                        "TICK_DB_URL", "jdbc:sqlite:/srv/ticks/candles.db"));
        assertTrue(c.journalSync());
        assertEquals(Path.of("/srv/ticks"), c.dataDir());
        assertEquals(2048, c.ringSize());
        assertEquals(5000, c.lateWindowMsc());
        assertEquals(180 * 60_000L, c.sessionOffsetMsc());
        assertEquals(Set.of("SBER", "GAZP"), c.lastPriceSymbols());
        assertEquals(900, c.writerBackoffMaxMs());
        assertEquals("jdbc:sqlite:/srv/ticks/candles.db", c.dbUrl());
    }

    @Test
    void shouldSetTheServerTimeZoneFromKeyAndEnvironment() {
        assertEquals(ServerTimeZone.UTC, new EngineContext().serverTz());
        assertEquals(
                ServerTimeZone.parse("NY+7"),
                new EngineContext()
                        .loadEnvironment(Map.of("TICK_SERVER_TZ", "NY+7"))
                        .serverTz());
        assertEquals(
                "Europe/Athens",
                new EngineContext()
                        .set("server.tz", " Europe/Athens ")
                        .serverTz()
                        .id());
        final IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> new EngineContext().set("server.tz", "Mars/Olympus"));
        assertTrue(e.getMessage().startsWith("invalid value [key=server.tz, value=Mars/Olympus"), e.getMessage());
    }

    @Test
    void shouldIgnoreEnvironmentVariablesThatNameNoKey() {
        final EngineContext c = new EngineContext()
                .loadEnvironment(Map.of(
                        "TICK_API_KEY", "secret",
                        "TICK_ENGINE_HOME", "/opt/tick",
                        "TICK_", "x",
                        "JOURNAL_SYNC", "true",
                        "tick_journal_sync", "true",
                        "PATH", "/usr/bin"));
        assertFalse(c.journalSync());
        assertEquals(Path.of("data"), c.dataDir());
    }

    @Test
    void shouldNameTheKeyOfAnInvalidEnvironmentValue() {
        final IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new EngineContext().loadEnvironment(Map.of("TICK_RING_SIZE", "lots")));
        assertTrue(e.getMessage().contains("key=ring.size"), e.getMessage());
        assertTrue(e.getMessage().contains("value=lots"), e.getMessage());
    }

    @Test
    void shouldLetTheEnvironmentOverrideTheFile() {
        final Properties file = new Properties();
        file.setProperty("ring.size", "4096");
        file.setProperty("journal.sync", "true");
        final EngineContext c = new EngineContext().load(file).loadEnvironment(Map.of("TICK_RING_SIZE", "8192"));
        assertEquals(8192, c.ringSize());
        assertTrue(c.journalSync(), "a key the environment does not set keeps the file's value");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "ring.size, 1000, 1000",
        "ring.size, 512, 512",
        "ring.size, 0, 0",
        "ring.size, -65536, -65536",
        "ring.max.batch, 32769, 32769",
        "ring.max.batch, 0, 0",
        "candles.timeframes, '', []",
        "candles.timeframes, 'M1,MN1', MN1",
        "candles.late.window.ms, -1, -1",
        "candles.session.offset.minutes, 1440, 1440",
        "candles.session.offset.minutes, -1440, -1440",
        "journal.retention.days, -1, -1",
        "journal.drop.behind.mb, -1, -1",
        "threads.background.nice, 20, 20",
        "threads.background.nice, -5, -5",
        "db.url, jdbc:mysql://db/ticks, jdbc:mysql://db/ticks",
        "db.url, postgresql://db/ticks, postgresql://db/ticks",
        "db.pool.size, 0, 0",
        "writer.batch.size, 0, 0",
        "writer.flush.interval.ms, 0, 0",
        "writer.ring.bytes, 100000, 100000",
        "writer.ring.bytes, 32768, 32768",
        "writer.backoff.min.ms, 0, 0",
        "writer.backoff.min.ms, 6000, 6000",
        "names.capacity, 0, 0",
        "names.capacity, 1048577, 1048577",
        "dedup.window, 100, 100",
        "dedup.window, 32, 32",
        "dedup.window, 2097152, 2097152",
    })
    void shouldRejectAnInvalidConfigurationAtConclude(final String key, final String value, final String reported) {
        final EngineContext c = new EngineContext().set(key, value);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::conclude);
        assertTrue(e.getMessage().contains("key=" + key), e.getMessage());
        assertTrue(e.getMessage().contains("value=" + reported), e.getMessage());
        assertFalse(c.isConcluded());
    }

    @Test
    void shouldAcceptTheLimitsOfEachCheckedRange() {
        new EngineContext()
                .set("ring.size", "1024")
                .set("ring.max.batch", "512")
                .set("candles.timeframes", "W1")
                .set("candles.late.window.ms", "0")
                .set("candles.session.offset.minutes", "-1439")
                .set("journal.retention.days", "0")
                .set("db.url", "jdbc:sqlite:/tmp/x.db")
                .set("writer.ring.bytes", "65536")
                .set("writer.backoff.min.ms", "1")
                .set("writer.backoff.max.ms", "1")
                .set("names.capacity", "1048576")
                .set("dedup.window", "32768")
                .conclude();
        new EngineContext()
                .set("ring.size", "4096")
                .set("ring.max.batch", "2048")
                .set("candles.session.offset.minutes", "1439")
                .set("db.url", "jdbc:postgresql://db:5432/ticks")
                .conclude();
    }

    @Test
    void shouldRejectAnUnknownJournalRollCycleAtConclude() {
        final EngineContext c = new EngineContext().set("journal.roll.cycle", "FORTNIGHTLY");
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::conclude);
        assertTrue(e.getMessage().contains("key=journal.roll.cycle"), e.getMessage());
        assertTrue(e.getMessage().contains("value=FORTNIGHTLY"), e.getMessage());
    }

    @Test
    void shouldRejectAMaxBatchAboveHalfTheRing() {
        final EngineContext c = new EngineContext().set("ring.size", "4096").set("ring.max.batch", "2049");
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::conclude);
        assertTrue(e.getMessage().contains("key=ring.max.batch"), e.getMessage());
        assertTrue(e.getMessage().contains("value=2049"), e.getMessage());
    }

    @Test
    void shouldRejectADedupWindowThatDoesNotFitOneWriterMessage() {
        // A source's window goes to the writer in one message, at most an eighth of the writer's ring.
        final EngineContext c =
                new EngineContext().set("writer.ring.bytes", "65536").set("dedup.window", "65536");
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::conclude);
        assertTrue(e.getMessage().contains("key=dedup.window"), e.getMessage());
        new EngineContext()
                .set("writer.ring.bytes", "65536")
                .set("dedup.window", "32768")
                .conclude();
    }
}
