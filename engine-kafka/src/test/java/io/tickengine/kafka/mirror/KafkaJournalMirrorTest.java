package io.tickengine.kafka.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.core.TickEngine;
import io.tickengine.core.journal.JournalMirror;
import io.tickengine.core.journal.TickJournal;
import io.tickengine.core.testsupport.ChildJvm;
import io.tickengine.core.testsupport.Feeder;
import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.kafka.KafkaSettings;
import io.tickengine.kafka.testsupport.KafkaCluster;
import io.tickengine.kafka.testsupport.KafkaClusterExtension;
import io.tickengine.kafka.testsupport.TopicReader;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code journal.mirror=kafka} against a real 3-broker KRaft cluster: what a consumer outside the engine sees. */
@ExtendWith(KafkaClusterExtension.class)
class KafkaJournalMirrorTest {
    @TempDir
    Path dataDir;

    private final KafkaCluster cluster;

    KafkaJournalMirrorTest(final KafkaCluster cluster) {
        this.cluster = cluster;
    }

    private EngineContext context(final String topic) {
        return new EngineContext()
                .set("data.dir", dataDir.toString())
                .set("ring.size", "4096")
                .set("ring.max.batch", "512")
                .set("writer.flush.interval.ms", "20")
                .set("journal.mirror", "kafka")
                .set("kafka.bootstrap.servers", cluster.bootstrapServers())
                .set("kafka.topic", topic)
                .set("kafka.mirror.batch.records", "700");
    }

    @Test
    void shouldShipEveryAcceptedTickOnceInSymbolOrderAcrossAnEngineRestartAndABrokerKilled() throws Exception {
        final String topic = "mirror-restart";
        cluster.createTopic(topic, 6, (short) 3, 2);
        final List<TickFiles.Tick> eurusd = TickFiles.ticks("EURUSD_20260713");
        final List<TickFiles.Tick> btcusd = TickFiles.ticks("BTCUSD_20230220");
        final int eurHalf = eurusd.size() / 2;
        final int btcHalf = btcusd.size() / 2;
        long accepted = 0;
        try (TickEngine engine = TickEngine.start(context(topic))) {
            final Feeder feeder = new Feeder(engine);
            feeder.feed(eurusd, 0, eurHalf / 2, 100, "term-eur", 1);
            feeder.feed(btcusd, 0, btcHalf / 2, 250, "term-btc", 1);
            cluster.kill(1);
            feeder.feed(eurusd, eurHalf / 2, eurHalf, 100, "term-eur", 1);
            // A resend of what was acknowledged: duplicates, never journaled, never shipped.
            feeder.feed(btcusd, 0, btcHalf / 2, 250, "term-btc", 1);
            feeder.feed(btcusd, btcHalf / 2, btcHalf, 250, "term-btc", 1);
            accepted += feeder.accepted.get();
        }
        try (TickEngine engine = TickEngine.start(context(topic))) {
            final Feeder feeder = new Feeder(engine);
            feeder.feed(eurusd, eurHalf - 300, eurusd.size(), 100, "term-eur", 1);
            cluster.restart(1);
            feeder.feed(btcusd, btcHalf - 300, btcusd.size(), 250, "term-btc", 1);
            accepted += feeder.accepted.get();
            assertEquals(600, feeder.duplicates.get());
            final long shippedBefore = engine.journalMirror().shippedIndex();
            assertTrue(shippedBefore >= -1);
        }
        assertEquals(eurusd.size() + btcusd.size(), accepted);
        final Map<String, List<TopicReader.Seen>> journal = TopicReader.readJournal(dataDir.resolve("journal"));
        assertEquals(accepted, TopicReader.count(journal));
        final Map<String, List<TopicReader.Seen>> topicTicks =
                TopicReader.readTopic(cluster.bootstrapServers(), topic, accepted);
        assertEquals(journal.keySet(), topicTicks.keySet());
        for (final String symbol : journal.keySet()) {
            assertEquals(journal.get(symbol), topicTicks.get(symbol), "ticks of " + symbol + " in the topic");
        }
    }

    @Test
    void shouldShipEveryTickOnceWhenTheEngineIsKilledWhileShipping() throws Exception {
        final String topic = "mirror-sigkill";
        cluster.createTopic(topic, 6, (short) 3, 2);
        final String fixture = "BTCUSD_20230220";
        final List<TickFiles.Tick> ticks = TickFiles.ticks(fixture);
        final List<String> command = ChildJvm.javaCommand("512m");
        command.add(MirroringFeeder.class.getName());
        command.addAll(List.of(
                dataDir.toString(),
                cluster.bootstrapServers(),
                topic,
                fixture,
                TickFiles.dataDir().toString()));
        final Process child =
                new ProcessBuilder(command).redirectErrorStream(true).start();
        final StringBuilder log = new StringBuilder();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                log.append(line).append('\n');
                if (line.startsWith("DONE")) {
                    break;
                }
                // Killed mid-way, once the mirror has shipped something: some of what it sent may be unconfirmed.
                if (line.startsWith("ACKED ") && !line.endsWith("SHIPPED -1")) {
                    final int acked = Integer.parseInt(line.split(" ")[1]);
                    if (acked >= ticks.size() / 2) {
                        break;
                    }
                }
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no close
            child.waitFor();
        }
        assertFalse(log.toString().contains("DONE"), "killed only after the feeder was done:\n" + log);
        try (TickEngine engine = TickEngine.start(context(topic))) {
            // The sender resends everything: what the dead engine acknowledged is dropped as duplicates.
            new Feeder(engine).feed(ticks, 0, ticks.size(), 50, "crash-src", 1);
        }
        final Map<String, List<TopicReader.Seen>> journal = TopicReader.readJournal(dataDir.resolve("journal"));
        assertEquals(ticks.size(), TopicReader.count(journal));
        final Map<String, List<TopicReader.Seen>> topicTicks =
                TopicReader.readTopic(cluster.bootstrapServers(), topic, ticks.size());
        assertEquals(journal, topicTicks);
    }

    @Test
    void shouldStallWithAReasonWhileTheTopicIsMissingOrTooFewReplicasAreInSyncAndThenShipEachTickOnce()
            throws Exception {
        final String topic = "mirror-later";
        final List<TickFiles.Tick> ticks = TickFiles.ticks("EURUSD_20260713");
        final int third = ticks.size() / 3;
        final EngineContext context = context(topic)
                .set("kafka.producer.max.block.ms", "1000")
                .set("kafka.producer.request.timeout.ms", "1500")
                .set("kafka.producer.delivery.timeout.ms", "2000");
        try (TickEngine engine = TickEngine.start(context)) {
            final JournalMirror mirror = engine.journalMirror();
            final Feeder feeder = new Feeder(engine);
            // The mirror is behind the acknowledgement: ticks are accepted while it cannot ship.
            feeder.feed(ticks, 0, third, 100, "term", 1);
            KafkaCluster.awaitCondition(
                    "mirror reports the missing topic", () -> mirror.errors() > 0 && mirror.downReason() != null);
            assertEquals("kafka: topic missing [topic=" + topic + "] (the operator creates it)", mirror.downReason());
            KafkaCluster.awaitCondition("lag of every tick", () -> mirror.lagRecords() == third);

            cluster.createTopic(topic, 2, (short) 3, 3);
            KafkaCluster.awaitCondition("mirror caught up", () -> mirror.lagRecords() == 0);
            assertNull(mirror.downReason());

            cluster.kill(2);
            final long errorsBefore = mirror.errors();
            feeder.feed(ticks, third, 2 * third, 100, "term", 1);
            KafkaCluster.awaitCondition(
                    "mirror reports too few in-sync replicas",
                    () -> mirror.errors() > errorsBefore && mirror.downReason() != null);
            assertTrue(mirror.lagRecords() > 0);
            KafkaCluster.awaitCondition(
                    "the reason names the replicas",
                    () -> mirror.downReason() != null && mirror.downReason().contains("too few in-sync replicas"));
            assertTrue(mirror.downReason().contains("required=3 (min.insync.replicas)"), mirror.downReason());
            cluster.restart(2);
            cluster.awaitFullIsr(topic);
            feeder.feed(ticks, 2 * third, ticks.size(), 100, "term", 1);
            KafkaCluster.awaitCondition("mirror caught up again", () -> mirror.lagRecords() == 0);
            assertNull(mirror.downReason());
            assertEquals(ticks.size(), feeder.accepted.get());
        }
        final Map<String, List<TopicReader.Seen>> journal = TopicReader.readJournal(dataDir.resolve("journal"));
        final Map<String, List<TopicReader.Seen>> topicTicks =
                TopicReader.readTopic(cluster.bootstrapServers(), topic, ticks.size());
        assertEquals(journal, topicTicks);
    }

    @Test
    void shouldResumeFromTheTopicWithoutDuplicatesWhenAMirrorStoppedWithoutFinishing() throws Exception {
        final String topic = "mirror-resume";
        cluster.createTopic(topic, 3, (short) 3, 2);
        final List<TickFiles.Tick> eurusd = TickFiles.ticks("EURUSD_20260713");
        final List<TickFiles.Tick> btcusd = TickFiles.ticks("BTCUSD_20230220");
        try (TickEngine engine = TickEngine.start(context(topic).set("journal.mirror", "none"))) {
            final Feeder feeder = new Feeder(engine);
            feeder.feed(eurusd, 0, eurusd.size(), 200, null, 0);
            feeder.feed(btcusd, 0, btcusd.size(), 200, null, 0);
        }
        final KafkaSettings settings = KafkaSettings.from(Map.of(
                "kafka.bootstrap.servers",
                cluster.bootstrapServers(),
                "kafka.topic",
                topic,
                "kafka.mirror.batch.records",
                "500"));
        try (TickJournal journal = TickJournal.open(dataDir.resolve("journal"), "FAST_DAILY")) {
            final KafkaJournalMirror first = new KafkaJournalMirror(journal, settings);
            int shipped = 0;
            while (shipped < 3_000) {
                shipped += first.doWork();
            }
            assertNull(first.downReason());
            // Stopped between two duty cycles, as by a crash after a flush: the last batch's messages carry a shipped
            // index from before that batch, so the next mirror resumes before them and must skip them.
            first.onClose();
            first.close();
            final KafkaJournalMirror second = new KafkaJournalMirror(journal, settings);
            assertTrue(second.finish(60_000));
            assertEquals(journal.recordsAfter(-1) - shipped, second.shippedRecords());
            second.onClose();
            second.close();
        }
        final Map<String, List<TopicReader.Seen>> journal = TopicReader.readJournal(dataDir.resolve("journal"));
        final Map<String, List<TopicReader.Seen>> topicTicks =
                TopicReader.readTopic(cluster.bootstrapServers(), topic, TopicReader.count(journal));
        assertEquals(journal, topicTicks);
    }
}
