package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.testsupport.Candles;
import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.kafka.testsupport.KafkaCluster;
import io.tickengine.kafka.testsupport.KafkaClusterExtension;
import io.tickengine.kafka.testsupport.TopicReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16's acceptance for {@code journal.kind=kafka}: two engines, three brokers, one PostgreSQL. A mix of symbols is
 * posted to both engines with {@code source}/{@code seq}, some batches to both at once and some resent later; one broker
 * is killed with SIGKILL mid-load, and one engine (a child JVM) is killed with SIGKILL mid-load and started again. Every
 * batch is posted until an engine answers {@code 202}. Then the candles in PostgreSQL equal the oracle of the accepted
 * ticks, {@code /ticks} holds each tick once, and a consumer outside the engines that keeps the first message of each
 * {@code (source, seq)} sees every accepted tick once, in each symbol's order.
 */
@ExtendWith({PostgresExtension.class, KafkaClusterExtension.class})
class KafkaTwoEnginesHttpTest {
    private static final String TOPIC = "kj-two";
    private static final int BATCH = 250;

    @TempDir
    Path dataDirA;

    @TempDir
    Path dataDirB;

    private final KafkaCluster cluster;
    private final PgDatabase database;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    KafkaTwoEnginesHttpTest(final PgDatabase database, final KafkaCluster cluster) {
        this.database = database;
        this.cluster = cluster;
    }

    private List<String> settings(final String clientId) {
        return List.of(
                "journal.kind=kafka",
                "kafka.bootstrap.servers=" + cluster.bootstrapServers(),
                "kafka.topic=" + TOPIC,
                "kafka.group=two-engines",
                "kafka.client.id=" + clientId,
                "kafka.producer.request.timeout.ms=3000",
                "kafka.producer.delivery.timeout.ms=8000",
                "kafka.producer.max.block.ms=3000",
                // A dead engine's partitions go to the other one within seconds, not Kafka's default 45 s.
                "kafka.consumer.session.timeout.ms=6000",
                "kafka.consumer.heartbeat.interval.ms=1000",
                "shutdown.timeout.ms=5000");
    }

    private EngineProcess startEngineB() throws Exception {
        final List<String> args = new ArrayList<>(List.of("--set", "db.url=" + database.jdbcUrl()));
        for (final String s : settings("engine-b")) {
            args.add("--set");
            args.add(s);
        }
        return EngineProcess.start(dataDirB, args.toArray(new String[0]));
    }

    @Test
    void shouldStoreEveryAcceptedTickOnceWithTheOracleCandlesAcrossABrokerAndAnEngineKilledMidLoad() throws Exception {
        database.dropEngineTables();
        cluster.createTopic(TOPIC, 6, (short) 3, 2);
        final Map<String, List<TickFiles.Tick>> bySymbol = symbols();
        final List<Batch> batches = batches(bySymbol);
        final long total = bySymbol.values().stream().mapToLong(List::size).sum();
        EngineProcess engineB = startEngineB();
        try (HttpFixture engineA = new HttpFixture(
                dataDirA, database.jdbcUrl(), settings("engine-a").toArray(new String[0]))) {
            KafkaJournalHttpTest.awaitIngest(engineA);
            final int[] ports = {engineA.server.port(), engineB.port()};
            final int killedBroker = 1;
            for (int b = 0; b < batches.size(); b++) {
                if (b == batches.size() / 4) {
                    cluster.kill(killedBroker);
                }
                final Batch batch = batches.get(b);
                if (b == batches.size() / 2) {
                    // Killed with a request in flight: no answer, maybe some of its messages in the topic.
                    final CompletableFuture<Integer> inFlight = postAsync(ports[1], batch.json);
                    Thread.sleep(5);
                    engineB.kill();
                    inFlight.join();
                }
                if (b == 2 * batches.size() / 3) {
                    // The survivor took the dead engine's partitions over (from their offsets in the database).
                    KafkaCluster.awaitCondition(
                            "engine A owns every partition",
                            () -> engineA.server
                                            .engine()
                                            .replicatedJournal()
                                            .ownedParts()
                                            .split(",")
                                            .length
                                    == 6);
                    engineB = startEngineB();
                    ports[1] = engineB.port();
                }
                if (b % 7 == 3) {
                    // The same batch to both engines at once: it may land twice in the topic, and is stored once.
                    final CompletableFuture<Integer> toA = postAsync(ports[0], batch.json);
                    final CompletableFuture<Integer> toB = postAsync(ports[1], batch.json);
                    toA.join();
                    toB.join();
                }
                postUntilAccepted(ports, b % 2, batch.json);
                if (b % 5 == 4) {
                    // A resend of an earlier batch to the other engine, as after a lost answer.
                    postUntilAccepted(ports, (b + 1) % 2, batches.get(b - 3).json);
                }
            }
            cluster.restart(killedBroker);
            awaitAllStored(engineA, total);

            for (final Map.Entry<String, List<TickFiles.Tick>> e : bySymbol.entrySet()) {
                final String symbol = e.getKey();
                assertEquals(HttpFixture.ticksCsv(e.getValue()), engineA.ticksCsv(symbol), "/ticks of " + symbol);
                assertEquals(
                        HttpFixture.render(Candles.m1Of(e.getValue())),
                        engineA.candlesM1(symbol),
                        "M1 candles of " + symbol);
                Candles.assertHigherTimeframesMatchM1(
                        engineA.server.engine().store(),
                        symbol,
                        List.of(Timeframe.M5, Timeframe.M15, Timeframe.M30, Timeframe.H1, Timeframe.H4, Timeframe.D1),
                        0);
            }
            assertEquals(total, KafkaJournalHttpTest.countTicks(engineA.server.engine()));
            engineB.terminate();
        } finally {
            engineB.kill();
        }

        // Acceptance 2: a consumer outside the engines, keeping the first message of each (source, seq).
        final Map<String, List<TopicReader.Seen>> topic =
                TopicReader.readTopic(cluster.bootstrapServers(), TOPIC, total);
        // Resends and batches posted to both engines put some ticks in the topic twice: the store dropped them.
        assertTrue(TopicReader.count(topic) > total, "duplicates in the topic: " + (TopicReader.count(topic) - total));
        for (final Map.Entry<String, List<TickFiles.Tick>> e : bySymbol.entrySet()) {
            final List<TopicReader.Seen> expected = new ArrayList<>();
            final List<TickFiles.Tick> ticks = e.getValue();
            for (int i = 0; i < ticks.size(); i++) {
                final TickFiles.Tick t = ticks.get(i);
                expected.add(new TopicReader.Seen(t.timeMsc(), t.bid(), t.ask(), source(e.getKey()), i + 1));
            }
            final Set<Long> seen = new HashSet<>();
            final List<TopicReader.Seen> firstOfEachSeq = new ArrayList<>();
            for (final TopicReader.Seen s : topic.get(e.getKey())) {
                if (seen.add(s.seq())) {
                    firstOfEachSeq.add(s);
                }
            }
            assertEquals(expected, firstOfEachSeq, "ticks of " + e.getKey() + " in the topic, first of each seq");
        }
    }

    /** Two real days of ticks, and two more symbols made of them: four symbols over the topic's six partitions. */
    private static Map<String, List<TickFiles.Tick>> symbols() {
        final Map<String, List<TickFiles.Tick>> symbols = new LinkedHashMap<>();
        final List<TickFiles.Tick> eurusd = TickFiles.ticks("EURUSD_20260713");
        final List<TickFiles.Tick> btcusd = TickFiles.ticks("BTCUSD_20230220");
        symbols.put("EURUSD", eurusd);
        symbols.put("BTCUSD", btcusd);
        symbols.put("GBPUSD", renamed(eurusd, "GBPUSD", 1.17));
        symbols.put("ETHUSD", renamed(btcusd, "ETHUSD", 0.07));
        return symbols;
    }

    private static List<TickFiles.Tick> renamed(final List<TickFiles.Tick> ticks, final String symbol, final double k) {
        final List<TickFiles.Tick> out = new ArrayList<>(ticks.size());
        for (final TickFiles.Tick t : ticks) {
            out.add(new TickFiles.Tick(
                    symbol, t.timeMsc(), t.bid() * k, t.ask() * k, t.last() * k, t.volume(), t.flags()));
        }
        return out;
    }

    private static String source(final String symbol) {
        return "term-" + symbol;
    }

    /** One request: {@value #BATCH} ticks of one symbol, seq = index in the symbol's list + 1. */
    private record Batch(String json) {}

    /** The symbols' batches interleaved, each symbol's in order. */
    private static List<Batch> batches(final Map<String, List<TickFiles.Tick>> bySymbol) {
        final List<Batch> batches = new ArrayList<>();
        final Map<String, Integer> next = new HashMap<>();
        boolean more = true;
        while (more) {
            more = false;
            for (final Map.Entry<String, List<TickFiles.Tick>> e : bySymbol.entrySet()) {
                final int from = next.getOrDefault(e.getKey(), 0);
                final List<TickFiles.Tick> ticks = e.getValue();
                if (from < ticks.size()) {
                    final int to = Math.min(ticks.size(), from + BATCH);
                    batches.add(new Batch(HttpFixture.jsonArray(ticks, from, to, source(e.getKey()))));
                    next.put(e.getKey(), to);
                    more = true;
                }
            }
        }
        return batches;
    }

    private CompletableFuture<Integer> postAsync(final int port, final String json) {
        return client.sendAsync(request(port, json), HttpResponse.BodyHandlers.discarding())
                .thenApply(HttpResponse::statusCode)
                .exceptionally(e -> -1);
    }

    /** Posts to engine {@code first}, then to the other one in turn, until one answers {@code 202} (90 s at most). */
    private void postUntilAccepted(final int[] ports, final int first, final String json) throws Exception {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        int target = first;
        String last = "";
        while (System.nanoTime() - deadlineNs < 0) {
            try {
                final HttpResponse<String> r =
                        client.send(request(ports[target], json), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 202) {
                    return;
                }
                assertEquals(503, r.statusCode(), r.body());
                last = r.body();
                Thread.sleep(100);
            } catch (final java.io.IOException e) {
                // The engine is down (killed): the other one takes it.
                last = e.toString();
            }
            target = 1 - target;
        }
        throw new AssertionError("no engine accepted the batch within 90 s: " + last);
    }

    private static HttpRequest request(final int port, final String json) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ingest/tick"))
                .header("Content-Type", "application/json")
                .header("X-API-Key", HttpFixture.INGEST_KEY)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }

    /** Waits until the database holds {@code total} ticks and every partition's stored offset is at its end. */
    private void awaitAllStored(final HttpFixture engine, final long total) throws Exception {
        KafkaCluster.awaitCondition("every message of " + TOPIC + " stored", () -> {
            final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < 6; p++) {
                latest.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
            }
            final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                    cluster.admin().listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            final Map<Integer, Long> stored = new HashMap<>();
            try (Connection c = engine.server.engine().database().connect();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT partition, next_offset FROM kafka_offsets WHERE topic = '" + TOPIC + "'")) {
                while (rs.next()) {
                    stored.put(rs.getInt(1), rs.getLong(2));
                }
            }
            for (final Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : ends.entrySet()) {
                final long end = e.getValue().offset();
                if (end > 0 && stored.getOrDefault(e.getKey().partition(), -1L) != end) {
                    return false;
                }
            }
            return KafkaJournalHttpTest.countTicks(engine.server.engine()) == total;
        });
    }
}
