package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.journal.ReplicatedJournal;
import io.tickengine.core.testsupport.Candles;
import io.tickengine.core.testsupport.LocalPostgres;
import io.tickengine.core.testsupport.LoopbackPorts;
import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.kafka.testsupport.KafkaCluster;
import io.tickengine.kafka.testsupport.KafkaClusterExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code journal.kind=kafka} over HTTP against a real 3-broker KRaft cluster and a real PostgreSQL: a {@code 202} only
 * once the cluster has the ticks, stored once with their candles; the bad input answered {@code 503} with
 * {@code Retry-After} and the reason, never {@code 202}, and named by {@code /health}.
 */
@ExtendWith({PostgresExtension.class, KafkaClusterExtension.class})
class KafkaJournalHttpTest {
    @TempDir
    Path dataDir;

    private final KafkaCluster cluster;
    private final PgDatabase database;

    KafkaJournalHttpTest(final PgDatabase database, final KafkaCluster cluster) {
        this.database = database;
        this.cluster = cluster;
    }

    @BeforeEach
    void dropTables() throws Exception {
        database.dropEngineTables();
    }

    private HttpFixture engine(final String bootstrap, final String topic, final String... more) throws Exception {
        final List<String> settings = new ArrayList<>(List.of(
                "journal.kind=kafka",
                "kafka.bootstrap.servers=" + bootstrap,
                "kafka.topic=" + topic,
                "kafka.group=group-" + topic,
                "kafka.producer.request.timeout.ms=2000",
                "kafka.producer.delivery.timeout.ms=4000",
                "kafka.producer.max.block.ms=2000",
                "shutdown.timeout.ms=5000"));
        settings.addAll(List.of(more));
        return new HttpFixture(dataDir, database.jdbcUrl(), settings.toArray(new String[0]));
    }

    @Test
    void shouldAcknowledgeOnceTheClusterHasTheTicksAndStoreEachOnceWithItsCandles() throws Exception {
        final String topic = "kj-basic";
        cluster.createTopic(topic, 3, (short) 3, 2);
        List<TickFiles.Tick> ticks = TickFiles.ticks("EURUSD_20260713");
        try (HttpFixture http = engine(cluster.bootstrapServers(), topic)) {
            awaitIngest(http);
            int accepted = 0;
            for (int from = 0; from < ticks.size(); from += 500) {
                final int to = Math.min(ticks.size(), from + 500);
                final HttpResponse<String> r =
                        http.post("/ingest/tick", "application/json", HttpFixture.jsonArray(ticks, 0 + from, to, "t1"));
                assertEquals(202, r.statusCode(), r.body());
                accepted += to - from;
            }
            // A resend of what the cluster confirmed: this engine knows the seqs, nothing is sent again.
            final HttpResponse<String> resend =
                    http.post("/ingest/tick", "application/json", HttpFixture.jsonArray(ticks, 0, 500, "t1"));
            assertEquals(202, resend.statusCode(), resend.body());
            assertEquals("{\"accepted\":0,\"duplicates\":500}", resend.body());
            // One seq twice in a request: sent once, the second answered as a duplicate, as the local journal does.
            final TickFiles.Tick extra =
                    new TickFiles.Tick("EURUSD", ticks.get(ticks.size() - 1).timeMsc() + 1, 1.1, 1.2, 0, 0, 6);
            final String twice =
                    "[" + HttpFixture.jsonObject(extra, "t2", 7) + "," + HttpFixture.jsonObject(extra, "t2", 7) + "]";
            final HttpResponse<String> same = http.post("/ingest/tick", "application/json", twice);
            assertEquals("{\"accepted\":1,\"duplicates\":1}", same.body());
            ticks = new ArrayList<>(ticks);
            ticks.add(extra);
            accepted++;
            assertEquals(ticks.size(), accepted);
            awaitStored(http, ticks.size());
            assertEquals(HttpFixture.ticksCsv(ticks), http.ticksCsv("EURUSD"));
            assertEquals(HttpFixture.render(Candles.m1Of(ticks)), http.candlesM1("EURUSD"));
            final HttpResponse<String> bars = http.post(
                    "/ingest",
                    "application/json",
                    "[{\"symbol\":\"EURUSD\",\"timeframe\":\"M1\",\"time_msc\":1783944000000,\"open\":1.1,"
                            + "\"high\":1.2,\"low\":1.0,\"close\":1.1,\"tick_volume\":3,\"real_volume\":0,"
                            + "\"spread\":0}]");
            assertEquals(501, bars.statusCode(), bars.body());
            assertTrue(bars.body().contains("journal.kind=kafka"), bars.body());
            assertEquals(HttpFixture.render(Candles.m1Of(ticks)), http.candlesM1("EURUSD"));
            final String health = http.get("/health", null).body();
            assertTrue(health.contains("\"kafka\":{\"journal\":\"kafka [topic=kj-basic"), health);
            assertTrue(health.contains("\"partitions\":\"kj-basic-0,kj-basic-1,kj-basic-2\""), health);
            final String metrics = http.get("/metrics", HttpFixture.READ_KEY).body();
            assertTrue(metrics.contains("tick_kafka_journal_up 1"), metrics);
            assertTrue(metrics.contains("tick_kafka_store_lag_records 0"), metrics);
            assertTrue(metrics.contains("tick_kafka_store_ticks_total " + ticks.size()), metrics);
        }
    }

    @Test
    void shouldAnswer503WithTheReasonWhileTheClusterIsUnreachable() throws Exception {
        final int closedPort = LoopbackPorts.free();
        try (HttpFixture http = engine("127.0.0.1:" + closedPort, "kj-unreachable")) {
            awaitHealthReason(http, "kafka: cluster unreachable [bootstrap=127.0.0.1:" + closedPort + "]");
            assertRefused(http, "not journaled: kafka: cluster unreachable [bootstrap=127.0.0.1:" + closedPort + "]");
        }
    }

    @Test
    void shouldAnswer503WithTheReasonWhileTheTopicIsMissingAndTakeTicksOnceItExists() throws Exception {
        final String topic = "kj-missing";
        try (HttpFixture http = engine(cluster.bootstrapServers(), topic)) {
            awaitHealthReason(http, "kafka: topic missing [topic=" + topic + "] (the operator creates it)");
            assertRefused(http, "not journaled: kafka: topic missing [topic=" + topic + "] (the operator creates it)");
            cluster.createTopic(topic, 2, (short) 3, 2);
            awaitIngest(http);
            final HttpResponse<String> r = http.post("/ingest/tick", "text/csv", ONE_TICK);
            assertEquals(202, r.statusCode(), r.body());
        }
    }

    @Test
    void shouldAnswer503WithTheReasonWhileTooFewReplicasAreInSync() throws Exception {
        final String topic = "kj-isr";
        cluster.createTopic(topic, 2, (short) 3, 3);
        try (HttpFixture http = engine(cluster.bootstrapServers(), topic)) {
            awaitIngest(http);
            final HttpResponse<String> before = http.post("/ingest/tick", "text/csv", ONE_TICK);
            assertEquals(202, before.statusCode(), before.body());
            cluster.kill(2);
            try {
                awaitHealthReason(http, "kafka: too few in-sync replicas [topic=" + topic);
                final HttpResponse<String> during = http.post("/ingest/tick", "text/csv", ONE_TICK);
                assertEquals(503, during.statusCode(), during.body());
                assertEquals("1", during.headers().firstValue("Retry-After").orElse(null), during.body());
                assertTrue(during.body().contains("too few in-sync replicas"), during.body());
                assertTrue(during.body().contains("required=3 (min.insync.replicas)"), during.body());
            } finally {
                cluster.restart(2);
            }
            cluster.awaitFullIsr(topic);
            awaitIngest(http);
            final HttpResponse<String> after = http.post("/ingest/tick", "text/csv", ONE_TICK);
            assertEquals(202, after.statusCode(), after.body());
        }
    }

    @Test
    void shouldGoOnTakingTicksWhileTheDatabaseIsDownAndStoreEachOnceWhenItIsBack() throws Exception {
        final String topic = "kj-db-outage";
        cluster.createTopic(topic, 2, (short) 3, 2);
        final List<TickFiles.Tick> ticks = TickFiles.ticks("BTCUSD_20230220");
        final int third = ticks.size() / 3;
        try (LocalPostgres postgres = PostgresExtension.startDedicated();
                HttpFixture http = engineOn(postgres, topic)) {
            final ReplicatedJournal journal = storeAThirdThenTakeAThirdWhileTheDatabaseIsDown(http, postgres, ticks);
            assertTrue(journal.storeDownReason().startsWith("store: "), journal.storeDownReason());
            final String health = http.get("/health", null).body();
            assertTrue(health.contains("kafka store: store: "), health);
            postgres.startAgain();
            postAll(http, ticks, 2 * third, ticks.size());
            awaitStored(http, ticks.size());
            assertEquals(HttpFixture.ticksCsv(ticks), http.ticksCsv("BTCUSD"));
            assertEquals(HttpFixture.render(Candles.m1Of(ticks)), http.candlesM1("BTCUSD"));
        }
    }

    @Test
    void shouldReportTheMessagesTheTopicDeletedBeforeTheyWereStoredAndStoreTheRestOnce() throws Exception {
        final String topic = "kj-gap";
        // One partition: the messages' offsets are the ticks' positions in the file.
        cluster.createTopic(topic, 1, (short) 3, 2);
        final List<TickFiles.Tick> ticks = TickFiles.ticks("BTCUSD_20230220");
        final int third = ticks.size() / 3;
        final int deleted = 100;
        try (LocalPostgres postgres = PostgresExtension.startDedicated();
                HttpFixture http = engineOn(postgres, topic)) {
            final ReplicatedJournal journal = storeAThirdThenTakeAThirdWhileTheDatabaseIsDown(http, postgres, ticks);
            assertEquals(0, journal.storeLostMessages());
            // The topic's retention, as an operator's deleteRecords: the first 100 messages not stored yet go.
            final TopicPartition tp = new TopicPartition(topic, 0);
            cluster.admin()
                    .deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(third + deleted)))
                    .all()
                    .get();
            postgres.startAgain();
            postAll(http, ticks, 2 * third, ticks.size());
            awaitStored(http, ticks.size() - deleted);
            final List<TickFiles.Tick> kept = new ArrayList<>(ticks.subList(0, third));
            kept.addAll(ticks.subList(third + deleted, ticks.size()));
            assertEquals(HttpFixture.ticksCsv(kept), http.ticksCsv("BTCUSD"));
            assertEquals(HttpFixture.render(Candles.m1Of(kept)), http.candlesM1("BTCUSD"));
            assertEquals(deleted, journal.storeLostMessages());
            final String gap =
                    topic + "-0 offsets " + third + "-" + (third + deleted - 1) + " (" + deleted + " messages)";
            assertEquals(gap, journal.storeLastLoss());
            final HttpResponse<String> health = http.get("/health", null);
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(
                    health.body()
                            .contains("\"warning\":\"kafka store: " + deleted
                                    + " messages deleted by the topic before they were stored, their ticks are not in"
                                    + " the database (last: " + gap + "; see the log)\""),
                    health.body());
            assertTrue(health.body().contains("\"lostMessages\":" + deleted + "}"), health.body());
            final String metrics = http.get("/metrics", HttpFixture.READ_KEY).body();
            assertTrue(
                    metrics.lines()
                            .anyMatch(l -> l.matches("tick_kafka_store_lost_messages_total " + deleted + "(\\.0)?")),
                    metrics);
        }
    }

    @Test
    void shouldReportTheMessagesTheTopicDeletedAheadOfAStoreThatLagsAndStoreTheRestOnce() throws Exception {
        final String topic = "kj-behind";
        cluster.createTopic(topic, 1, (short) 3, 2);
        final List<TickFiles.Tick> ticks = TickFiles.ticks("BTCUSD_20230220").subList(0, 3000);
        final int deleteBefore = 2500;
        // A store that lags: one message per transaction, and fetches of one record batch, so that the consumer holds
        // little of the backlog when the topic deletes most of it.
        try (HttpFixture http = engine(
                cluster.bootstrapServers(),
                topic,
                "kafka.store.max.records=1",
                "kafka.consumer.max.partition.fetch.bytes=1",
                "kafka.consumer.fetch.max.bytes=1")) {
            awaitIngest(http);
            postAll(http, ticks, 0, ticks.size());
            final ReplicatedJournal journal = http.server.engine().replicatedJournal();
            final long storedBefore = countTicks(http.server.engine());
            assertTrue(storedBefore < deleteBefore - 500, "the store lags: " + storedBefore + " stored");
            cluster.admin()
                    .deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(deleteBefore)))
                    .all()
                    .get();
            KafkaCluster.awaitCondition("the gap is reported", () -> journal.storeLostMessages() > 0);
            final long lost = journal.storeLostMessages();
            final int gapFrom = (int) (deleteBefore - lost);
            awaitStored(http, ticks.size() - lost);
            final List<TickFiles.Tick> kept = new ArrayList<>(ticks.subList(0, gapFrom));
            kept.addAll(ticks.subList(deleteBefore, ticks.size()));
            assertEquals(HttpFixture.ticksCsv(kept), http.ticksCsv("BTCUSD"));
            assertEquals(HttpFixture.render(Candles.m1Of(kept)), http.candlesM1("BTCUSD"));
            assertEquals(
                    topic + "-0 offsets " + gapFrom + "-" + (deleteBefore - 1) + " (" + lost + " messages)",
                    journal.storeLastLoss());
            assertEquals(lost, journal.storeLostMessages(), "counted once");
        }
    }

    /** An engine with {@code journal.kind=kafka} on {@code topic}, storing into a new database of {@code postgres}. */
    private HttpFixture engineOn(final LocalPostgres postgres, final String topic) throws Exception {
        final String name = topic.replace('-', '_');
        postgres.createDatabase(name);
        return new HttpFixture(
                dataDir,
                postgres.jdbcUrl(name),
                "journal.kind=kafka",
                "kafka.bootstrap.servers=" + cluster.bootstrapServers(),
                "kafka.topic=" + topic,
                "kafka.group=group-" + topic,
                "db.connect.timeout.ms=500",
                "shutdown.timeout.ms=5000");
    }

    /**
     * Stores the first third of {@code ticks}, stops the database, takes the second third (the topic is the journal:
     * ingest does not wait for the database) and waits until the store notices the outage.
     */
    private static ReplicatedJournal storeAThirdThenTakeAThirdWhileTheDatabaseIsDown(
            final HttpFixture http, final LocalPostgres postgres, final List<TickFiles.Tick> ticks) throws Exception {
        final int third = ticks.size() / 3;
        awaitIngest(http);
        postAll(http, ticks, 0, third);
        awaitStored(http, third);
        final ReplicatedJournal journal = http.server.engine().replicatedJournal();
        postgres.stopImmediate();
        postAll(http, ticks, third, 2 * third);
        KafkaCluster.awaitCondition("the store notices the outage", () -> journal.storeDownReason() != null);
        return journal;
    }

    private static void postAll(final HttpFixture http, final List<TickFiles.Tick> ticks, final int from, final int to)
            throws Exception {
        for (int i = from; i < to; i += 400) {
            final HttpResponse<String> r = http.post(
                    "/ingest/tick", "application/json", HttpFixture.jsonArray(ticks, i, Math.min(to, i + 400), "b1"));
            assertEquals(202, r.statusCode(), r.body());
        }
    }

    static final String ONE_TICK =
            "symbol,time_msc,bid,ask,last,volume,flags\n" + "EURUSD,1783944000093,1.14273,1.14277,0,0,6\n";

    private static void assertRefused(final HttpFixture http, final String reason) throws Exception {
        final HttpResponse<String> r = http.post("/ingest/tick", "text/csv", ONE_TICK);
        assertEquals(503, r.statusCode(), r.body());
        assertNotNull(r.headers().firstValue("Retry-After").orElse(null), "Retry-After");
        assertTrue(r.body().contains(reason), r.body());
        final HttpResponse<String> health = http.get("/health", null);
        assertEquals(503, health.statusCode(), health.body());
        assertTrue(health.body().contains("\"kafka\":{\"journal\":"), health.body());
    }

    /** Waits (60 s at most) until {@code /health} gives a reason that contains {@code reason}. */
    static void awaitHealthReason(final HttpFixture http, final String reason) throws Exception {
        KafkaCluster.awaitCondition(
                "/health names " + reason,
                () -> http.get("/health", null).body().contains(reason));
    }

    /** Waits until the engine's Kafka journal takes ticks. */
    static void awaitIngest(final HttpFixture http) throws Exception {
        final ReplicatedJournal journal = http.server.engine().replicatedJournal();
        KafkaCluster.awaitCondition("kafka journal up", () -> journal.downReason() == null);
    }

    /** Waits until {@code /ticks} of every symbol holds {@code count} ticks in all and the consumer has no lag. */
    static void awaitStored(final HttpFixture http, final long count) throws Exception {
        final ReplicatedJournal journal = http.server.engine().replicatedJournal();
        KafkaCluster.awaitCondition(
                count + " ticks stored",
                () -> journal.storeLagRecords() == 0 && countTicks(http.server.engine()) == count);
    }

    static long countTicks(final io.tickengine.core.TickEngine engine) throws Exception {
        try (java.sql.Connection c = engine.database().connect();
                java.sql.Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM ticks")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
