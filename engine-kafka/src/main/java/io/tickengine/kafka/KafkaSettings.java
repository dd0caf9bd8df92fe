package io.tickengine.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The {@code kafka.*} keys of an {@link io.tickengine.core.EngineContext}, with their defaults.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>kafka.bootstrap.servers</td><td>(required)</td><td>{@code host:port,...} of the cluster</td></tr>
 *   <tr><td>kafka.topic</td><td>ticks</td><td>the topic, partitioned by symbol; created by the operator with the
 *       replication factor and {@code min.insync.replicas} the operator chose (never created by the engine)</td></tr>
 *   <tr><td>kafka.client.id</td><td>tick-engine</td><td>client id in the brokers' logs and quotas</td></tr>
 *   <tr><td>kafka.mirror.batch.records</td><td>5000</td><td>journal records the mirror sends before it waits for
 *       the cluster to have them all</td></tr>
 *   <tr><td>kafka.group</td><td>tick-engine</td><td>{@code journal.kind=kafka}: the consumer group of the engines
 *       that share aggregation and storage</td></tr>
 *   <tr><td>kafka.store.max.records</td><td>5000</td><td>{@code journal.kind=kafka}: most messages one store
 *       transaction takes</td></tr>
 *   <tr><td>kafka.producer.X</td><td></td><td>producer setting {@code X}, over the engine's own: {@code acks=all},
 *       {@code enable.idempotence=true}, {@code linger.ms=5}, {@code compression.type=lz4},
 *       {@code delivery.timeout.ms=30000}, {@code max.block.ms=10000}, {@code transaction.timeout.ms=10000},
 *       {@code enable.metrics.push=false}; the mirror adds {@code transactional.id}</td></tr>
 *   <tr><td>kafka.consumer.X</td><td></td><td>consumer setting {@code X} of the group ({@code journal.kind=kafka}),
 *       over the engine's own: {@code isolation.level=read_committed}, {@code enable.auto.commit=false},
 *       {@code auto.offset.reset=earliest}, {@code enable.metrics.push=false}</td></tr>
 * </table>
 */
public record KafkaSettings(
        String bootstrapServers,
        String topic,
        String clientId,
        int mirrorBatchRecords,
        Map<String, Object> producer,
        String group,
        int storeMaxRecords,
        Map<String, String> consumerOverrides) {
    /** Prefix of the keys passed to the producer as they are. */
    public static final String PRODUCER_PREFIX = "kafka.producer.";
    /** Prefix of the keys passed to the group's consumer as they are. */
    public static final String CONSUMER_PREFIX = "kafka.consumer.";

    /**
     * @param keys the {@code kafka.*} keys and their values.
     * @throws IllegalArgumentException naming a key with an invalid value.
     */
    public static KafkaSettings from(final Map<String, String> keys) {
        final String servers = keys.get("kafka.bootstrap.servers");
        if (servers == null || servers.isBlank()) {
            throw new IllegalArgumentException("invalid configuration [key=kafka.bootstrap.servers, value=" + servers
                    + ", expected=host:port[,host:port...]]");
        }
        final String topic = keys.getOrDefault("kafka.topic", "ticks");
        final String clientId = keys.getOrDefault("kafka.client.id", "tick-engine");
        final int batch;
        try {
            batch = Integer.parseInt(keys.getOrDefault("kafka.mirror.batch.records", "5000"));
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("not a number [key=kafka.mirror.batch.records]", e);
        }
        if (batch < 1) {
            throw new IllegalArgumentException(
                    "invalid configuration [key=kafka.mirror.batch.records, value=" + batch + ", expected=>= 1]");
        }
        final String group = keys.getOrDefault("kafka.group", "tick-engine");
        final int storeMaxRecords;
        try {
            storeMaxRecords = Integer.parseInt(keys.getOrDefault("kafka.store.max.records", "5000"));
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("not a number [key=kafka.store.max.records]", e);
        }
        if (storeMaxRecords < 1) {
            throw new IllegalArgumentException("invalid configuration [key=kafka.store.max.records, value="
                    + storeMaxRecords + ", expected=>= 1]");
        }
        final Map<String, String> consumer = new HashMap<>();
        for (final Map.Entry<String, String> e : keys.entrySet()) {
            if (e.getKey().startsWith(CONSUMER_PREFIX)) {
                consumer.put(e.getKey().substring(CONSUMER_PREFIX.length()), e.getValue());
            }
        }
        final Map<String, Object> producer = new HashMap<>();
        producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        producer.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        producer.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        producer.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        producer.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        producer.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        producer.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        // A batch's transaction lasts milliseconds; one left open by a dead engine holds read_committed consumers back
        // until the coordinator aborts it, so not the default minute.
        producer.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
        // KIP-714 client telemetry: the client would push its metrics to the brokers. Nothing is sent unasked.
        producer.put(ProducerConfig.ENABLE_METRICS_PUSH_CONFIG, false);
        for (final Map.Entry<String, String> e : keys.entrySet()) {
            if (e.getKey().startsWith(PRODUCER_PREFIX)) {
                producer.put(e.getKey().substring(PRODUCER_PREFIX.length()), e.getValue());
            }
        }
        producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaSettings(
                servers, topic, clientId, batch, Map.copyOf(producer), group, storeMaxRecords, Map.copyOf(consumer));
    }

    /** @return the producer settings with {@code transactional.id} set (the mirror ships one transaction a batch). */
    public Map<String, Object> producer(final String transactionalId) {
        final Map<String, Object> p = new HashMap<>(producer);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return p;
    }

    /**
     * @return settings of the producer of {@code journal.kind=kafka}: idempotent, {@code acks=all}, no transactions
     *     (a request is acknowledged from the cluster's confirmation of each of its messages).
     */
    public Map<String, Object> journalProducer() {
        return new HashMap<>(producer);
    }

    /**
     * @return settings of the group's consumer ({@code journal.kind=kafka}): committed messages only, no offsets
     *     committed to Kafka (they commit with the rows in the database).
     */
    public Map<String, Object> groupConsumer() {
        final Map<String, Object> consumer = readerConsumer();
        consumer.put("client.id", clientId + "-store");
        consumer.put("group.id", group);
        consumer.put("auto.offset.reset", "earliest");
        consumer.put("max.poll.records", storeMaxRecords);
        consumer.putAll(consumerOverrides);
        return consumer;
    }

    /**
     * @return settings of a consumer of the same cluster that reads committed messages only, without a group, and
     *     commits nothing.
     */
    public Map<String, Object> readerConsumer() {
        final Map<String, Object> consumer = new HashMap<>();
        consumer.put("bootstrap.servers", bootstrapServers);
        consumer.put("client.id", clientId + "-reader");
        consumer.put("enable.auto.commit", false);
        consumer.put("isolation.level", "read_committed");
        consumer.put("enable.metrics.push", false);
        consumer.put("request.timeout.ms", 10_000);
        consumer.put("default.api.timeout.ms", 10_000);
        consumer.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
        consumer.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
        return consumer;
    }
}
