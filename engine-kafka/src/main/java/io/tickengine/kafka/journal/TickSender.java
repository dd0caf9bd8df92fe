package io.tickengine.kafka.journal;

import io.tickengine.core.journal.JournalRecord;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.ring.IngestAck;
import io.tickengine.core.ring.TickRing;
import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.SourceSequences;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.kafka.KafkaDiagnosis;
import io.tickengine.kafka.KafkaSettings;
import io.tickengine.kafka.TickMessages;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.LongHashSet;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest side of {@code journal.kind=kafka}: each request's ticks become messages of the topic (key: the symbol,
 * so a symbol's ticks stay in one partition in the order each engine sent them), and the request is acknowledged once
 * the cluster confirmed every one of them ({@code acks=all}, idempotent producer), or refused whole.
 *
 * <p>The calling thread (an event loop) only encodes the messages and hands the request to the sender thread, which
 * alone calls the producer (its {@code send} may block on metadata or a full buffer). The producer's I/O thread tells
 * the {@link IngestAck}. A monitor thread asks the cluster, once a second, whether it takes the topic's messages
 * ({@link KafkaDiagnosis}): while it does not (cluster unreachable, topic missing, too few in-sync replicas) every
 * request is refused at once with the reason, never sent half.
 *
 * <p>Duplicates: a {@code (source, seq)} this engine had confirmed by the cluster before is dropped here and answered
 * as a duplicate; one below this engine's window for its source is refused (409), as with the local journal. This
 * check only knows what this engine sent: the authoritative one is the store's, per partition ({@link GroupStore}).
 */
final class TickSender {
    private static final Logger LOG = LoggerFactory.getLogger(TickSender.class);
    private static final int QUEUE_REQUESTS = 4096;
    private static final long CHECK_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long DOWN_CHECK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(300);

    private final KafkaSettings settings;
    private final NameTable symbols;
    private final NameTable sources;
    private final EngineMetrics metrics;
    private final int maxBatchSize;
    private final byte[] engineId;
    /** Seqs the cluster confirmed for this engine; guarded by itself. */
    private final SourceSequences sequences;

    private final ArrayBlockingQueue<Request> queue = new ArrayBlockingQueue<>(QUEUE_REQUESTS);
    private final Thread senderThread;
    private final Thread monitorThread;
    private final KafkaDiagnosis diagnosis;
    private KafkaProducer<byte[], byte[]> producer;

    private volatile boolean closing;
    private volatile boolean stopped;
    private volatile boolean checkNow;
    private volatile String downReason;

    TickSender(
            final KafkaSettings settings,
            final NameTable symbols,
            final NameTable sources,
            final int dedupWindow,
            final int maxBatchSize,
            final EngineMetrics metrics) {
        this.settings = settings;
        this.symbols = symbols;
        this.sources = sources;
        this.metrics = metrics;
        this.maxBatchSize = maxBatchSize;
        this.engineId = settings.clientId().getBytes(StandardCharsets.UTF_8);
        this.sequences = new SourceSequences(dedupWindow);
        this.diagnosis = new KafkaDiagnosis(settings, Duration.ofSeconds(3));
        this.downReason = "not connected yet [bootstrap=" + settings.bootstrapServers() + "]";
        this.senderThread = new Thread(this::sendLoop, "tick-kafka-sender");
        this.senderThread.setDaemon(true);
        this.monitorThread = new Thread(this::monitorLoop, "tick-kafka-monitor");
        this.monitorThread.setDaemon(true);
    }

    void start() {
        producer = new KafkaProducer<>(settings.journalProducer());
        monitorThread.start();
        senderThread.start();
    }

    int maxBatchSize() {
        return maxBatchSize;
    }

    /** @return why requests are refused now, or {@code null}. */
    String downReason() {
        return downReason;
    }

    /** See {@link io.tickengine.core.journal.ReplicatedJournal#tryPublish}. Any thread; never blocks. */
    long tryPublish(final TickBuffer ticks, final IngestAck ack) {
        final int n = ticks.size();
        if (n > maxBatchSize) {
            return TickRing.TOO_LARGE;
        }
        if (closing) {
            return TickRing.CLOSED;
        }
        final String down = downReason;
        if (down != null) {
            metrics.journalRefused.incrementRelease();
            ack.onFailed("kafka: " + down);
            return 0;
        }
        final Request request = new Request(n, ack);
        final JournalRecord record = new JournalRecord();
        synchronized (sequences) {
            for (int i = 0; i < n; i++) {
                final long seq = ticks.seq(i);
                final int sourceId = ticks.sourceId(i);
                if (seq > 0 && sourceId >= 0) {
                    final int check = sequences.check(sourceId, seq);
                    if (check == SourceSequences.BELOW_WINDOW) {
                        ack.onSeqBelowWindow(
                                i,
                                "seq below the dedup window [source=" + sources.name(sourceId) + ", seq=" + seq
                                        + ", window=" + sequences.windowLow(sourceId) + ".."
                                        + sequences.highWaterMark(sourceId) + "]");
                        return 0;
                    }
                    if (check == SourceSequences.DUPLICATE || !request.isFirst(sourceId, seq)) {
                        request.duplicates++;
                        continue;
                    }
                }
                final byte[] symbol = symbols.bytes(ticks.symbolId(i));
                TickMessages.fill(record, ticks, i, symbol, sourceId >= 0 ? sources.bytes(sourceId) : null);
                final RecordHeaders headers = new RecordHeaders();
                headers.add(new RecordHeader(TickMessages.ENGINE_ID, engineId));
                request.add(
                        new ProducerRecord<>(settings.topic(), null, symbol, TickMessages.value(record), headers),
                        sourceId,
                        seq);
            }
        }
        if (request.count == 0) {
            metrics.ticksDuplicate.getAndAddRelease(request.duplicates);
            ack.onJournaled(0, request.duplicates);
            return 0;
        }
        if (!queue.offer(request)) {
            return TickRing.BACK_PRESSURED;
        }
        return 0;
    }

    /** Stops taking requests, sends and answers those queued, and closes the producer. */
    void close(final long timeoutMs) {
        closing = true;
        try {
            senderThread.join(timeoutMs);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopped = true;
        LockSupport.unpark(monitorThread);
        try {
            monitorThread.join(5_000);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (producer != null) {
            // Whatever is still in flight is answered by its callback (sent, or failed by the close).
            producer.close(Duration.ofMillis(Math.max(1_000, timeoutMs)));
        }
        // Requests never sent (a sender stuck past the timeout): refused, never left without an answer.
        Request r;
        while ((r = queue.poll()) != null) {
            r.fail("kafka: engine shutting down");
        }
        diagnosis.close();
    }

    private void sendLoop() {
        while (true) {
            final Request r;
            try {
                r = queue.poll(50, TimeUnit.MILLISECONDS);
            } catch (final InterruptedException e) {
                return;
            }
            if (r == null) {
                if (closing) {
                    producer.flush();
                    return;
                }
                continue;
            }
            final String down = downReason;
            if (down != null) {
                r.fail("kafka: " + down);
                continue;
            }
            for (int i = 0; i < r.count; i++) {
                try {
                    producer.send(r.records[i], r);
                } catch (final RuntimeException e) {
                    // Not sent (buffer full past max.block.ms, no metadata, producer closed): neither is the rest.
                    for (int j = i; j < r.count; j++) {
                        r.onCompletion(null, e);
                    }
                    break;
                }
            }
        }
    }

    private void monitorLoop() {
        long nextCheckNs = System.nanoTime();
        while (!stopped) {
            final long nowNs = System.nanoTime();
            if (checkNow || nowNs - nextCheckNs >= 0) {
                checkNow = false;
                check();
                nextCheckNs = System.nanoTime() + (downReason == null ? CHECK_INTERVAL_NS : DOWN_CHECK_INTERVAL_NS);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private void check() {
        String problem = diagnosis.problem();
        if (problem == null) {
            try {
                // The producer's own view: it knows the topic's partitions (send would not wait for metadata).
                producer.partitionsFor(settings.topic());
            } catch (final RuntimeException e) {
                problem = "no metadata for the topic [topic=" + settings.topic() + ", cause=" + e + "]";
            }
        }
        final String before = downReason;
        if (problem == null && before != null) {
            LOG.info(
                    "kafka journal taking ticks [topic={}, bootstrap={}]",
                    settings.topic(),
                    settings.bootstrapServers());
        } else if (problem != null && !problem.equals(before)) {
            LOG.warn("kafka journal refusing ticks [reason={}]", problem);
        }
        downReason = problem;
    }

    private String reasonOf(final Exception failure) {
        final String down = downReason;
        if (down != null) {
            return down;
        }
        if (failure instanceof NotEnoughReplicasException || failure instanceof NotEnoughReplicasAfterAppendException) {
            return "too few in-sync replicas [topic=" + settings.topic() + ", cause=" + failure.getMessage() + "]";
        }
        return "send failed [topic=" + settings.topic() + ", cause=" + failure + "]";
    }

    /** One request: its messages, and its answer once the cluster confirmed (or failed) every one of them. */
    private final class Request implements Callback {
        final IngestAck ack;
        ProducerRecord<byte[], byte[]>[] records;
        int[] sourceIds;
        long[] seqs;
        int count;
        int duplicates;
        private int pending;
        private Exception failure;
        /** Per source, the seqs of this request so far (made for requests with seqs only). */
        private Int2ObjectHashMap<LongHashSet> seqsBySource;

        @SuppressWarnings({"unchecked", "rawtypes"})
        Request(final int capacity, final IngestAck ack) {
            this.ack = ack;
            this.records = new ProducerRecord[capacity];
            this.sourceIds = new int[capacity];
            this.seqs = new long[capacity];
        }

        void add(final ProducerRecord<byte[], byte[]> record, final int sourceId, final long seq) {
            records[count] = record;
            sourceIds[count] = sourceId;
            seqs[count] = seq;
            count++;
            pending = count;
        }

        /** @return true unless this request already holds {@code seq} of {@code sourceId} (sent once, as a journal would). */
        boolean isFirst(final int sourceId, final long seq) {
            if (seqsBySource == null) {
                seqsBySource = new Int2ObjectHashMap<>();
            }
            return seqsBySource
                    .computeIfAbsent(sourceId, id -> new LongHashSet())
                    .add(seq);
        }

        void fail(final String reason) {
            metrics.journalRefused.incrementRelease();
            ack.onFailed(reason);
        }

        @Override
        public void onCompletion(final RecordMetadata metadata, final Exception exception) {
            final boolean last;
            synchronized (this) {
                if (exception != null && failure == null) {
                    failure = exception;
                }
                last = --pending == 0;
            }
            if (!last) {
                return;
            }
            if (failure != null) {
                checkNow = true;
                LockSupport.unpark(monitorThread);
                metrics.journalErrors.incrementRelease();
                fail("kafka: " + reasonOf(failure));
                return;
            }
            synchronized (sequences) {
                for (int i = 0; i < count; i++) {
                    if (seqs[i] > 0 && sourceIds[i] >= 0) {
                        sequences.accept(sourceIds[i], seqs[i]);
                    }
                }
            }
            metrics.ticksJournaled.getAndAddRelease(count);
            metrics.ticksDuplicate.getAndAddRelease(duplicates);
            ack.onJournaled(count, duplicates);
        }
    }
}
