package io.tickengine.kafka.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClusterTest {
    @TempDir
    Path dir;

    @Test
    void shouldKeepEveryAcknowledgedRecordWhenTheLeaderIsKilledAndRestarted() throws Exception {
        try (KafkaCluster cluster = KafkaCluster.start(dir, 3)) {
            cluster.createTopic("t", 1, (short) 3, 2);
            try (KafkaProducer<byte[], byte[]> producer = producer(cluster)) {
                send(producer, 0, 100);
                final int leader = cluster.leaderOf("t", 0);
                cluster.kill(leader);
                send(producer, 100, 200);
                cluster.restart(leader);
                cluster.awaitFullIsr("t");
                send(producer, 200, 300);
            }
            final List<String> values = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    cluster.bootstrapServers(),
                    ConsumerConfig.ENABLE_METRICS_PUSH_CONFIG,
                    false,
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class))) {
                final TopicPartition tp = new TopicPartition("t", 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (values.size() < 300 && System.nanoTime() - deadlineNs < 0) {
                    for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        values.add(new String(r.value(), StandardCharsets.US_ASCII));
                    }
                }
            }
            final List<String> expected = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                expected.add(Integer.toString(i));
            }
            assertEquals(expected, values);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(final KafkaCluster cluster) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
    }

    private static void send(final KafkaProducer<byte[], byte[]> producer, final int from, final int to)
            throws Exception {
        for (int i = from; i < to; i++) {
            producer.send(new ProducerRecord<>("t", 0, null, Integer.toString(i).getBytes(StandardCharsets.US_ASCII)));
        }
        producer.flush();
    }
}
