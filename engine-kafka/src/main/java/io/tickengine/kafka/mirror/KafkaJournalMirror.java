package io.tickengine.kafka.mirror;

import io.tickengine.core.journal.JournalException;
import io.tickengine.core.journal.JournalMirror;
import io.tickengine.core.journal.JournalRecord;
import io.tickengine.core.journal.JournalRecordHandler;
import io.tickengine.core.journal.TickJournal;
import io.tickengine.kafka.KafkaDiagnosis;
import io.tickengine.kafka.KafkaSettings;
import io.tickengine.kafka.TickMessages;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships the Chronicle journal, behind the acknowledgement, to a Kafka topic partitioned by symbol
 * ({@code journal.mirror=kafka}): every record once, a symbol's records in journal order.
 *
 * <p>A duty cycle reads up to {@code kafka.mirror.batch.records} records from its journal cursor and sends each to
 * the partition of its symbol in one transaction (transactional, hence idempotent, producer; {@code acks=all}); once
 * the transaction is committed the cluster has them all, and only then does {@link #shippedIndex()} move, so the
 * journal's retention never purges what the cluster may not have. Consumers read with
 * {@code isolation.level=read_committed}.
 *
 * <p>Exactly once across restarts and failures, with no state of its own on disk: every message carries its journal
 * index and the shipped index at the time it was sent ({@link TickMessages}). On start, and after any failed send
 * or commit, the mirror makes a new producer with the same transactional id, which aborts whatever the one before
 * left open (a message the leader appended but never confirmed would otherwise become visible later, after the
 * mirror had sent it again), then reads the last committed message of each partition: it resumes after the highest shipped index found, and skips a record whose partition
 * already holds its index or a later one. Within a partition the indices only grow, so a record is in the topic if and
 * only if its partition's last index is at least its own.
 *
 * <p>One engine per topic: two engines' indices would be mixed in a partition. Adding partitions to the topic moves
 * symbols to other partitions; do it only with the engine stopped and the mirror caught up.
 */
public final class KafkaJournalMirror implements JournalMirror {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaJournalMirror.class);
    private static final long BACKOFF_MIN_NS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long BACKOFF_MAX_NS = TimeUnit.SECONDS.toNanos(5);
    private static final long LAG_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DIAGNOSIS_TIMEOUT = Duration.ofSeconds(3);

    private final TickJournal journal;
    private final KafkaSettings settings;
    private final byte[] journalId;
    private final Sender sender = new Sender();
    private final KafkaDiagnosis diagnosis;
    /** One per journal, stable across restarts: a new producer fences the one before it. */
    private final String transactionalId;

    private KafkaProducer<byte[], byte[]> producer;
    private TickJournal.Cursor cursor;
    private int partitions;
    /** Per partition, the journal index of the newest message in it (-1: none of this journal). */
    private long[] partitionIndex = new long[0];

    private long resumeIndex;
    private long backoffNs = BACKOFF_MIN_NS;
    private long nextAttemptNs = System.nanoTime();
    private long nextLagNs = System.nanoTime();

    private volatile long shippedIndex = -1;
    private volatile long lagRecords;
    private volatile String downReason = "not connected yet";
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong shippedRecords = new AtomicLong();

    /** Not connected: the producer is made by the first duty cycle. */
    public KafkaJournalMirror(final TickJournal journal, final KafkaSettings settings) {
        this.journal = journal;
        this.settings = settings;
        this.journalId = journal.id().getBytes(StandardCharsets.UTF_8);
        this.diagnosis = new KafkaDiagnosis(settings, DIAGNOSIS_TIMEOUT);
        this.transactionalId = settings.clientId() + "-mirror-" + journal.id();
    }

    @Override
    public String roleName() {
        return "journal-mirror";
    }

    @Override
    public int doWork() {
        final long nowNs = System.nanoTime();
        if (nowNs - nextLagNs >= 0) {
            nextLagNs = nowNs + LAG_INTERVAL_NS;
            updateLag();
        }
        if (nowNs - nextAttemptNs < 0) {
            return 0;
        }
        try {
            final int shipped = shipOnce();
            backoffNs = BACKOFF_MIN_NS;
            if (shipped > 0) {
                updateLag();
            }
            return shipped;
        } catch (final RuntimeException e) {
            // Whatever broke a batch, the next one starts from what the topic holds.
            onFailure(e);
            if (!isExpected(e)) {
                throw e; // to the runner's error handler: counted and logged with its stack
            }
            return 0;
        }
    }

    private static boolean isExpected(final RuntimeException e) {
        return e instanceof KafkaException || e instanceof JournalException || e instanceof IllegalStateException;
    }

    @Override
    public void onClose() {
        // A journal cursor belongs to the thread that made it: finish, on the closing thread, opens its own.
        closeCursor();
    }

    @Override
    public boolean finish(final long timeoutMs) {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            try {
                while (shipOnce() > 0) {
                    if (System.nanoTime() - deadlineNs > 0) {
                        break;
                    }
                }
                updateLag();
                if (journal.recordsAfter(shippedIndex) == 0) {
                    return true;
                }
            } catch (final KafkaException | JournalException | IllegalStateException e) {
                onFailure(e);
            }
            if (System.nanoTime() - deadlineNs > 0) {
                updateLag();
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(BACKOFF_MIN_NS);
        }
    }

    @Override
    public void close() {
        closeCursor();
        closeProducer(Duration.ofSeconds(5));
        diagnosis.close();
    }

    @Override
    public long shippedIndex() {
        return shippedIndex;
    }

    @Override
    public long lagRecords() {
        return lagRecords;
    }

    @Override
    public String downReason() {
        return downReason;
    }

    @Override
    public String describe() {
        return "kafka [topic=" + settings.topic() + ", bootstrap=" + settings.bootstrapServers() + "]";
    }

    @Override
    public long errors() {
        return errors.get();
    }

    /** @return journal records shipped by this mirror since it started. */
    public long shippedRecords() {
        return shippedRecords.get();
    }

    /** @return records shipped: 0 when the mirror is at the journal's end. */
    private int shipOnce() {
        if (producer == null) {
            connect();
        }
        if (cursor == null) {
            // The producer is still good (a clean batch ended the last duty cycle): go on after what it shipped.
            cursor = journal.cursor(Math.max(resumeIndex, shippedIndex + 1));
        }
        sender.start();
        final int read = cursor.poll(sender, settings.mirrorBatchRecords());
        if (read == 0) {
            return 0;
        }
        final Exception failure = sender.failure;
        if (failure != null) {
            throw new KafkaException("send failed [cause=" + failure + "]", failure);
        }
        if (sender.sent > 0) {
            // The only wait: until the cluster has every message of the batch (acks=all) and the batch is visible.
            producer.commitTransaction();
        }
        shippedIndex = sender.lastIndex;
        shippedRecords.getAndAdd(sender.sent);
        return read;
    }

    /** Makes the producer and finds, from the last message of each partition, where shipping resumes. */
    private void connect() {
        final KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(settings.producer(transactionalId));
        try {
            // Fences the previous producer of this journal (an engine killed, a producer dropped after a failure) and
            // aborts what it left open: messages appended but never confirmed do not become visible later.
            p.initTransactions();
            final List<PartitionInfo> infos = p.partitionsFor(settings.topic());
            if (infos == null || infos.isEmpty()) {
                throw new KafkaException("topic not found [topic=" + settings.topic() + "]");
            }
            partitions = infos.size();
            recoverFromTopic();
            producer = p;
        } catch (final KafkaException | JournalException e) {
            p.close(Duration.ZERO);
            throw e;
        }
        closeCursor();
        cursor = journal.cursor(resumeIndex);
        downReason = null;
        LOG.info(
                "journal mirror connected [mirror={}, partitions={}, resumeIndex={}, partitionIndex={}]",
                describe(),
                partitions,
                resumeIndex,
                Arrays.toString(partitionIndex));
    }

    private void recoverFromTopic() {
        final long[] last = new long[partitions];
        Arrays.fill(last, -1);
        long watermark = -1;
        // read_committed: messages of a batch whose transaction was aborted (or never committed) do not count.
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings.readerConsumer())) {
            final long deadlineNs = System.nanoTime() + RECOVERY_TIMEOUT.toNanos();
            for (int i = 0; i < partitions; i++) {
                final TopicPartition tp = new TopicPartition(settings.topic(), i);
                final long start =
                        consumer.beginningOffsets(List.of(tp), RECOVERY_TIMEOUT).get(tp);
                final long end =
                        consumer.endOffsets(List.of(tp), RECOVERY_TIMEOUT).get(tp);
                consumer.assign(List.of(tp));
                // The newest offsets may be transaction markers, which a consumer never sees: look further back
                // until a message turns up.
                long lookBack = 4;
                ConsumerRecord<byte[], byte[]> newest = null;
                while (newest == null && end - start > 0) {
                    final long from = Math.max(start, end - lookBack);
                    consumer.seek(tp, from);
                    while (consumer.position(tp) < end) {
                        if (System.nanoTime() - deadlineNs > 0) {
                            throw new KafkaException("cannot read the last message of a partition [topic="
                                    + settings.topic() + ", partition=" + i + "]");
                        }
                        for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                            if (r.offset() < end) {
                                newest = r;
                            }
                        }
                    }
                    if (from == start) {
                        break;
                    }
                    lookBack *= 16;
                }
                if (newest != null && Arrays.equals(journalId, header(newest, TickMessages.JOURNAL_ID))) {
                    last[i] = TickMessages.longOf(header(newest, TickMessages.JOURNAL_INDEX));
                    watermark = Math.max(watermark, TickMessages.longOf(header(newest, TickMessages.SHIPPED_INDEX)));
                }
            }
        }
        partitionIndex = last;
        // Everything up to the highest shipped index is in the topic: retention may pass it.
        resumeIndex = watermark + 1;
        shippedIndex = Math.max(shippedIndex, watermark);
    }

    private static byte[] header(final ConsumerRecord<byte[], byte[]> r, final String key) {
        final Header h = r.headers().lastHeader(key);
        if (h == null) {
            throw new KafkaException("message without header [header=" + key + ", partition=" + r.partition()
                    + ", offset=" + r.offset() + "]");
        }
        return h.value();
    }

    private void onFailure(final Exception e) {
        // A failed send may have left messages after it in flight: drop the producer, resume from what the topic has.
        closeCursor();
        closeProducer(Duration.ZERO);
        final String reason = "kafka: " + diagnosis.diagnose(e);
        if (!reason.equals(downReason)) {
            LOG.warn(
                    "journal mirror stalled; it resumes from the topic [mirror={}, reason={}, cause={}]",
                    describe(),
                    reason,
                    e.toString());
        }
        downReason = reason;
        // After the reason: whoever sees the count grow sees why.
        errors.incrementAndGet();
        nextAttemptNs =
                System.nanoTime() + backoffNs / 2 + ThreadLocalRandom.current().nextLong(backoffNs / 2 + 1);
        backoffNs = Math.min(BACKOFF_MAX_NS, backoffNs * 2);
    }

    private void updateLag() {
        final long records = journal.recordsAfter(shippedIndex);
        if (records >= 0) {
            lagRecords = records;
        }
    }

    private void closeCursor() {
        if (cursor != null) {
            cursor.close();
            cursor = null;
        }
    }

    private void closeProducer(final Duration timeout) {
        if (producer != null) {
            producer.close(timeout);
            producer = null;
        }
    }

    /** Sends the records of one duty cycle; notes the first failure its callbacks report. */
    private final class Sender implements JournalRecordHandler, Callback {
        int sent;
        long lastIndex;
        volatile Exception failure;

        void start() {
            sent = 0;
            lastIndex = shippedIndex;
            failure = null;
        }

        @Override
        public void onRecord(final JournalRecord record, final long index) {
            lastIndex = index;
            final byte[] key = TickMessages.key(record);
            final int partition = TickMessages.partitionOf(key, partitions);
            if (index <= partitionIndex[partition]) {
                // Already in the topic (sent before a restart or a failure).
                return;
            }
            final RecordHeaders headers = new RecordHeaders();
            headers.add(new RecordHeader(TickMessages.JOURNAL_ID, journalId));
            headers.add(new RecordHeader(TickMessages.JOURNAL_INDEX, TickMessages.longBytes(index)));
            headers.add(new RecordHeader(TickMessages.SHIPPED_INDEX, TickMessages.longBytes(shippedIndex)));
            if (sent == 0) {
                producer.beginTransaction();
            }
            producer.send(
                    new ProducerRecord<>(settings.topic(), partition, null, key, TickMessages.value(record), headers),
                    this);
            partitionIndex[partition] = index;
            sent++;
        }

        @Override
        public void onCompletion(final RecordMetadata metadata, final Exception exception) {
            if (exception != null && failure == null) {
                failure = exception;
            }
        }
    }
}
