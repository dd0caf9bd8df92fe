package io.tickengine.kafka.testsupport;

import io.tickengine.core.journal.JournalRecord;
import io.tickengine.core.journal.TickJournal;
import io.tickengine.core.journal.TickRecordDescriptor;
import io.tickengine.kafka.TickMessages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A consumer outside the engine: reads a whole topic of tick messages, or a journal, into per-symbol lists of ticks
 * in the order they come, for comparison.
 */
public final class TopicReader {
    /** One tick as a consumer sees it: enough to tell any two ticks of the fixtures apart. */
    public record Seen(long timeMsc, double bid, double ask, String source, long seq) {}

    private TopicReader() {}

    /** @return per symbol, the ticks of the topic in partition order, once {@code expected} messages were read. */
    public static Map<String, List<Seen>> readTopic(final String bootstrap, final String topic, final long expected)
            throws Exception {
        final Map<String, List<Seen>> bySymbol = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ENABLE_METRICS_PUSH_CONFIG,
                false,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                // What the mirror commits, never a batch it aborted.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class))) {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final PartitionInfo p : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            final JournalRecord record = new JournalRecord();
            long read = 0;
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() - deadlineNs < 0) {
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TickMessages.read(r.value(), record);
                    read++;
                    if (record.kind == TickRecordDescriptor.KIND_TICK) {
                        add(bySymbol, record);
                    }
                }
                boolean atEnd = read >= expected;
                for (final TopicPartition tp : partitions) {
                    atEnd &= consumer.position(tp) >= ends.get(tp);
                }
                if (atEnd) {
                    break;
                }
            }
        }
        return bySymbol;
    }

    /** @return per symbol, the ticks of the journal in {@code dir}, in journal order. */
    public static Map<String, List<Seen>> readJournal(final Path dir) {
        final Map<String, List<Seen>> bySymbol = new TreeMap<>();
        try (TickJournal journal = TickJournal.open(dir, "FAST_DAILY")) {
            journal.replay(0, (record, index) -> {
                if (record.kind == TickRecordDescriptor.KIND_TICK) {
                    add(bySymbol, record);
                }
            });
        }
        return bySymbol;
    }

    /** @return the number of ticks in {@code bySymbol}. */
    public static long count(final Map<String, List<Seen>> bySymbol) {
        return bySymbol.values().stream().mapToLong(List::size).sum();
    }

    private static void add(final Map<String, List<Seen>> bySymbol, final JournalRecord record) {
        final String symbol = new String(record.symbol, 0, record.symbolLength, StandardCharsets.US_ASCII);
        final String source = record.sourceLength == 0
                ? null
                : new String(record.source, 0, record.sourceLength, StandardCharsets.US_ASCII);
        bySymbol.computeIfAbsent(symbol, s -> new ArrayList<>())
                .add(new Seen(record.timeMsc, record.bid, record.ask, source, record.seq));
    }
}
