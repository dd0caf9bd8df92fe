package io.tickengine.kafka.journal;

import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.journal.JournalRecord;
import io.tickengine.core.journal.TickRecordDescriptor;
import io.tickengine.core.store.Database;
import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.SourceSequences;
import io.tickengine.kafka.KafkaSettings;
import io.tickengine.kafka.TickMessages;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store side of {@code journal.kind=kafka}: one consumer of the group ({@code kafka.group}) per engine, which
 * stores the ticks and candles of the partitions it owns, exactly once, into PostgreSQL/TimescaleDB.
 *
 * <p>Each poll's messages are stored in one transaction ({@link PartitionTransaction}): the new ticks (a
 * {@code (source, seq)} the partition held before is dropped), every bar they touch recomputed from the stored ticks
 * (so candles equal the stored ticks whatever the order of arrival), and each partition's next offset. The offsets in
 * the database are the only resume points: on assignment the partition is paused until its offset and duplicate state
 * are read back from the database, then the consumer seeks there. A transaction commits only if each partition's
 * stored offset is still the one this engine started from, so an engine that lost a partition without knowing it yet
 * (a long pause, a rebalance behind its back) stores nothing twice. After any failure, every owned partition is read
 * back from the database in the same way.
 *
 * <p>Messages the topic deleted (its retention) before they were stored cannot be stored any more: the consumer goes on
 * from the oldest message left. Such a gap is found where it shows, when a partition is loaded (its stored offset is
 * below the partition's first) and when a poll's messages of a partition start past where the last ones ended (and
 * the partition's first offset says why), and is reported, once per message: an error in the log, {@link
 * #lostMessages()} and {@link #lastLoss()}.
 *
 * <p>Its own thread ({@code tick-kafka-store}); state accessors from any thread.
 */
final class GroupStore implements ConsumerRebalanceListener {
    private static final Logger LOG = LoggerFactory.getLogger(GroupStore.class);
    private static final long BACKOFF_MIN_MS = 100;
    private static final long BACKOFF_MAX_MS = 5_000;

    private final KafkaSettings settings;
    private final Database database;
    private final int dedupWindow;
    private final PartitionTransaction transaction;
    private final NameTable sourceNames = new NameTable(65_536);
    private final Thread thread;
    private final Map<Integer, PartitionState> owned = new HashMap<>();
    private final Set<Integer> toLoad = new HashSet<>();
    private final JournalRecord record = new JournalRecord();

    private KafkaConsumer<byte[], byte[]> consumer;
    private long backoffMs = BACKOFF_MIN_MS;
    private volatile boolean running = true;
    private volatile String downReason = "not started";
    private volatile String ownedParts = "";
    private volatile long lagRecords = -1;
    private volatile long storedTicks;
    private volatile long droppedDuplicates;
    private volatile long lostMessages;
    private volatile String lastLoss;
    /** Per partition: the offset up to which a gap was reported (a reload after a failure does not count it again). */
    private final Map<Integer, Long> lossReportedTo = new HashMap<>();

    GroupStore(
            final KafkaSettings settings,
            final Database database,
            final List<Timeframe> timeframes,
            final long sessionOffsetMsc,
            final Set<String> lastPriceSymbols,
            final int dedupWindow) {
        this.settings = settings;
        this.database = database;
        this.dedupWindow = dedupWindow;
        this.transaction =
                new PartitionTransaction(settings.topic(), timeframes, sessionOffsetMsc, lastPriceSymbols, sourceNames);
        this.thread = new Thread(this::run, "tick-kafka-store");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Leaves the group once the transaction in progress ended; what was not committed goes to the next owner. */
    void close(final long timeoutMs) {
        running = false;
        final KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(timeoutMs);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String downReason() {
        return downReason;
    }

    String ownedParts() {
        return ownedParts;
    }

    long lagRecords() {
        return lagRecords;
    }

    long storedTicks() {
        return storedTicks;
    }

    long droppedDuplicates() {
        return droppedDuplicates;
    }

    /** @return messages the topic deleted before this engine's store stored them, since it started. */
    long lostMessages() {
        return lostMessages;
    }

    /** @return the last such gap in plain words, or {@code null} while there was none. */
    String lastLoss() {
        return lastLoss;
    }

    private void run() {
        try {
            consumer = new KafkaConsumer<>(settings.groupConsumer());
            if (!running) {
                return;
            }
            consumer.subscribe(List.of(settings.topic()), this);
            downReason = null;
            while (running) {
                try {
                    final ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                    if (!toLoad.isEmpty()) {
                        load();
                    }
                    if (!records.isEmpty()) {
                        store(records);
                    }
                    updateLag();
                    backoffMs = BACKOFF_MIN_MS;
                } catch (final WakeupException e) {
                    break;
                } catch (final SQLException | StaleOffsetException e) {
                    onFailure(e instanceof SQLException ? "store: " + database.reason(e) : e.getMessage(), e);
                } catch (final KafkaException e) {
                    onFailure("kafka: " + e, e);
                }
            }
        } catch (final RuntimeException e) {
            downReason = "store stopped [cause=" + e + "]";
            LOG.error("kafka journal store stopped", e);
        } finally {
            if (consumer != null) {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            }
        }
    }

    private void onFailure(final String reason, final Exception cause) {
        if (!reason.equals(downReason)) {
            LOG.warn(
                    "kafka journal store failed; its partitions resume from the database [reason={}, cause={}]",
                    reason,
                    cause.toString());
        }
        downReason = reason;
        // The duplicate state moved with the batch that did not commit: read everything back.
        toLoad.addAll(owned.keySet());
        pauseAll(toLoad);
        final long sleepMs = backoffMs / 2 + ThreadLocalRandom.current().nextLong(backoffMs / 2 + 1);
        backoffMs = Math.min(BACKOFF_MAX_MS, backoffMs * 2);
        try {
            TimeUnit.MILLISECONDS.sleep(sleepMs);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
        // Nothing is read from a partition before its resume point and duplicate state are back from the database.
        for (final TopicPartition tp : partitions) {
            toLoad.add(tp.partition());
        }
        consumer.pause(partitions);
        updateOwned();
        LOG.info("kafka journal store assigned [partitions={}]", partitions);
    }

    @Override
    public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
        for (final TopicPartition tp : partitions) {
            owned.remove(tp.partition());
            toLoad.remove(tp.partition());
        }
        updateOwned();
        if (!partitions.isEmpty()) {
            LOG.info("kafka journal store revoked [partitions={}]", partitions);
        }
    }

    @Override
    public void onPartitionsLost(final Collection<TopicPartition> partitions) {
        onPartitionsRevoked(partitions);
    }

    private void load() throws SQLException {
        final List<TopicPartition> loading = new ArrayList<>();
        for (final Integer partition : toLoad) {
            loading.add(new TopicPartition(settings.topic(), partition));
        }
        final Map<TopicPartition, Long> oldest = consumer.beginningOffsets(loading);
        try (Connection c = database.connect()) {
            c.setAutoCommit(true);
            for (final TopicPartition tp : loading) {
                final int partition = tp.partition();
                final PartitionState state = new PartitionState(partition, new SourceSequences(dedupWindow));
                state.nextOffset = transaction.load(c, partition, state.sequences);
                // Nothing stored yet: from the partition's first offset, 0, unless the topic deleted messages already.
                final long from = Math.max(0, state.nextOffset);
                final long first = oldest.getOrDefault(tp, 0L);
                if (first > from) {
                    reportLoss(partition, from, first);
                }
                state.expectedOffset = Math.max(from, first);
                consumer.seek(tp, state.expectedOffset);
                owned.put(partition, state);
                toLoad.remove(partition);
                consumer.resume(List.of(tp));
            }
        }
        downReason = null;
        updateOwned();
    }

    /**
     * Messages of {@code state}'s partition from where the last poll's ended up to {@code firstOffset} did not come: if
     * the topic deleted them (its first offset is past where they were), they are lost; else they were not messages
     * the consumer hands over (transaction markers).
     */
    private void checkSkipped(final PartitionState state, final TopicPartition tp, final long firstOffset) {
        final long first = consumer.beginningOffsets(List.of(tp)).getOrDefault(tp, 0L);
        if (first > state.expectedOffset) {
            reportLoss(state.partition, state.expectedOffset, Math.min(first, firstOffset));
        }
    }

    /** Reports the messages {@code [from, to)} of {@code partition} as deleted before they were stored, once each. */
    private void reportLoss(final int partition, final long from, final long to) {
        final long start = Math.max(from, lossReportedTo.getOrDefault(partition, 0L));
        if (start >= to) {
            return;
        }
        lossReportedTo.put(partition, to);
        final long count = to - start;
        final String loss =
                settings.topic() + "-" + partition + " offsets " + start + "-" + (to - 1) + " (" + count + " messages)";
        LOG.error(
                "kafka journal store: messages deleted by the topic (its retention) before they were stored; their"
                        + " ticks are not in the database [partition={}, offsets={}-{}, messages={}]",
                settings.topic() + "-" + partition,
                start,
                to - 1,
                count);
        lastLoss = loss;
        lostMessages += count;
    }

    private void store(final ConsumerRecords<byte[], byte[]> records) throws SQLException, StaleOffsetException {
        final List<PartitionState> touched = new ArrayList<>();
        for (final TopicPartition tp : records.partitions()) {
            final PartitionState state = owned.get(tp.partition());
            if (state != null) {
                touched.add(state);
            }
        }
        if (touched.isEmpty()) {
            return;
        }
        for (final PartitionState state : touched) {
            final TopicPartition tp = new TopicPartition(settings.topic(), state.partition);
            final long firstOffset = records.records(tp).get(0).offset();
            if (firstOffset > state.expectedOffset) {
                checkSkipped(state, tp, firstOffset);
            }
        }
        long stored = 0;
        long duplicates = 0;
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            try {
                transaction.begin();
                for (final PartitionState state : touched) {
                    transaction.lockOffset(c, state.partition, state.nextOffset);
                    long last = -1;
                    for (final ConsumerRecord<byte[], byte[]> r :
                            records.records(new TopicPartition(settings.topic(), state.partition))) {
                        last = r.offset();
                        if (!decode(r)) {
                            continue;
                        }
                        if (isDuplicate(c, state)) {
                            duplicates++;
                            continue;
                        }
                        transaction.addTick(record, r.offset());
                        stored++;
                    }
                    state.pendingOffset = last + 1;
                    transaction.offset(state.partition, state.pendingOffset, state.sequences, state.touchedSources);
                }
                transaction.commit(c);
            } catch (final SQLException | StaleOffsetException | RuntimeException e) {
                database.abandon(c);
                throw e;
            }
        }
        for (final PartitionState state : touched) {
            state.nextOffset = state.pendingOffset;
            state.expectedOffset = state.pendingOffset;
            state.touchedSources.clear();
        }
        storedTicks += stored;
        droppedDuplicates += duplicates;
    }

    /** @return true if the message is a tick (else it is skipped: only ticks travel on this topic). */
    private boolean decode(final ConsumerRecord<byte[], byte[]> r) {
        try {
            TickMessages.read(r.value(), record);
        } catch (final IllegalArgumentException | IndexOutOfBoundsException e) {
            LOG.warn(
                    "message skipped: not a tick [partition={}, offset={}, cause={}]",
                    r.partition(),
                    r.offset(),
                    e.toString());
            return false;
        }
        return record.kind == TickRecordDescriptor.KIND_TICK;
    }

    /**
     * The authoritative duplicate check, in partition order: a {@code (source, seq)} is stored once. A seq below the
     * window of what the partition holds is looked up among the stored ticks.
     */
    private boolean isDuplicate(final Connection c, final PartitionState state) throws SQLException {
        if (record.seq <= 0 || record.sourceLength == 0) {
            return false;
        }
        final int sourceId = sourceNames.intern(record.source, 0, record.sourceLength);
        final int check = state.sequences.check(sourceId, record.seq);
        if (check == SourceSequences.DUPLICATE) {
            return true;
        }
        if (check == SourceSequences.BELOW_WINDOW && transaction.isStored(c, record)) {
            return true;
        }
        state.sequences.accept(sourceId, record.seq);
        state.touchedSources.add(sourceId);
        return false;
    }

    private void pauseAll(final Set<Integer> partitions) {
        final List<TopicPartition> tps = new ArrayList<>();
        for (final Integer p : partitions) {
            tps.add(new TopicPartition(settings.topic(), p));
        }
        try {
            consumer.pause(tps);
        } catch (final IllegalStateException e) {
            // Not assigned any more: the rebalance listener drops it.
        }
    }

    private void updateLag() {
        long lag = 0;
        for (final Integer p : owned.keySet()) {
            final OptionalLong l = consumer.currentLag(new TopicPartition(settings.topic(), p));
            if (l.isEmpty()) {
                lag = -1;
                break;
            }
            lag += l.getAsLong();
        }
        lagRecords = toLoad.isEmpty() ? lag : -1;
    }

    private void updateOwned() {
        final TreeSet<Integer> all = new TreeSet<>(owned.keySet());
        all.addAll(toLoad);
        final StringBuilder s = new StringBuilder();
        for (final Integer p : all) {
            s.append(s.isEmpty() ? "" : ",")
                    .append(settings.topic())
                    .append('-')
                    .append(p);
        }
        ownedParts = s.toString();
    }

    /** What this engine knows of a partition it owns. */
    private static final class PartitionState {
        final int partition;
        final SourceSequences sequences;
        final Set<Integer> touchedSources = new HashSet<>();
        /** Offset of the next message to store, as the database has it; -1: nothing stored yet. */
        long nextOffset;
        /** Offset of the next message the consumer should hand over: past a gap the topic left, above nextOffset. */
        long expectedOffset;

        long pendingOffset;

        PartitionState(final int partition, final SourceSequences sequences) {
            this.partition = partition;
            this.sequences = sequences;
        }
    }
}
