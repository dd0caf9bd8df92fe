package io.tickengine.edge.forward;

import io.tickengine.core.tick.TickBuffer;
import io.tickengine.edge.EdgeContext;
import io.tickengine.edge.store.ForwardLog;
import io.tickengine.edge.store.TickReader;
import io.tickengine.edge.store.TickStore;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends stored ticks to the engine, oldest first, one batch at a time, and advances the forwarded mark only when
 * the engine acknowledges a batch (2xx).
 *
 * <ul>
 *   <li>Each tick carries {@code source} = the agent id and {@code seq} = its row id, so a batch sent twice (the
 *       answer was lost, the agent crashed before recording the mark) is dropped by the engine as duplicates.
 *   <li>No answer, 429, 503 and other 5xx: the same batch again after an exponential backoff with jitter, at least
 *       the engine's {@code Retry-After}. A misconfiguration (401, 403, 404) is retried the same way: the data is
 *       fine, and the operator fixes the key or URL without restarting the agent's EA side.
 *   <li>400, 409, 422 (a symbol the engine has no room for): the engine rejects the data. The tick it names ({@code index}) goes to quarantine with the reason and
 *       the rest of the batch is sent again; an answer that names no tick quarantines the whole batch. Either way
 *       the rest flows on and nothing is retried forever.
 *   <li>413: the batch is halved.
 * </ul>
 *
 * <p>Batches go strictly one after the other: the engine's duplicate check is a per-source high-water mark, so a
 * batch that overtook an earlier one would make the earlier one look like duplicates. Forwarded ticks are deleted
 * after {@code retention.hours}.
 *
 * <p>Its own thread ({@code edge-forwarder}); {@link #wake()} may be called from any thread.
 */
public final class Forwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

    private final TickStore store;
    private final EngineClient client;
    private final ForwardStats stats;
    private final long idlePollMs;
    private final long retentionMs;
    private final long pruneIntervalMs;
    private final Backoff backoff;
    private final Object work = new Object();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;
    /** The batch being sent. */
    private Batch current;
    /** The batch after it, read and encoded while the engine works on the current one. */
    private Batch next;

    private int batchLimit;
    private boolean woken;
    private long nextPruneMsc;
    /** When the current run of failures began, 0 while forwarding works: to log state changes, not attempts. */
    private long failingSinceMsc;

    public Forwarder(
            final EdgeContext context, final TickStore store, final EngineClient client, final ForwardStats stats) {
        this.store = store;
        this.client = client;
        this.stats = stats;
        this.batchLimit = context.forwardBatchSize();
        this.idlePollMs = context.forwardIdlePollMs();
        this.retentionMs = context.retentionMs();
        this.pruneIntervalMs = context.retentionPruneIntervalMs();
        this.backoff = new Backoff(context.forwardBackoffMinMs(), context.forwardBackoffMaxMs());
        this.current = new Batch(batchLimit);
        this.next = new Batch(batchLimit);
        this.thread = new Thread(this::run, "edge-forwarder");
    }

    /** Starts the forwarder thread. */
    public Forwarder start() {
        thread.start();
        return this;
    }

    /** Tells the forwarder that new ticks are stored, so it does not wait for its next poll. */
    public void wake() {
        synchronized (work) {
            woken = true;
            work.notifyAll();
        }
    }

    /** Stops forwarding: an in-flight batch is abandoned (it will be resent, and dropped there as duplicates). */
    @Override
    public void close() {
        stop.countDown();
        wake();
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        LOG.info(
                "forwarding started [engine={}, source={}, forwardedSeq={}, backlog={}]",
                client.endpoint(),
                store.agentId(),
                store.forwardedSeq(),
                store.backlog());
        try (TickReader reader = new TickReader(store);
                ForwardLog log = new ForwardLog(store)) {
            while (stop.getCount() > 0) {
                try {
                    pruneWhenDue(log);
                    if (!forwardOneBatch(reader, log)) {
                        awaitWork();
                    }
                } catch (final SQLException e) {
                    onFailure("buffer: " + e.getMessage(), log);
                    pause(backoff.nextDelayMs());
                } catch (final RuntimeException e) {
                    // A bug must not end forwarding for good while the listener keeps accepting: log it, retry.
                    LOG.error("forwarding failed unexpectedly; retrying", e);
                    onFailure("internal error: " + e, log);
                    pause(backoff.nextDelayMs());
                }
            }
        } catch (final InterruptedException e) {
            // Stopping.
        } catch (final SQLException e) {
            LOG.error("cannot open the buffer for forwarding; forwarding stopped", e);
        }
        LOG.info("forwarding stopped [forwardedSeq={}, backlog={}]", store.forwardedSeq(), store.backlog());
    }

    /**
     * Sends the oldest unforwarded batch and handles the answer. While the engine works on it, the batch after it is
     * read and encoded, and becomes the next one sent if this one is acknowledged (the engine's time and the agent's
     * overlap; the order of batches does not change).
     *
     * @return false if there was nothing to send.
     */
    private boolean forwardOneBatch(final TickReader reader, final ForwardLog log)
            throws SQLException, InterruptedException {
        if (!current.readAfter(store.forwardedSeq(), reader, batchLimit, store.agentId())) {
            return false;
        }
        final CompletableFuture<EngineAnswer> inFlight = client.postAsync(current.body.bytes(), current.body.length());
        final EngineAnswer answer;
        try {
            next.readAfter(current.lastSeq(), reader, batchLimit, store.agentId());
            answer = inFlight.get();
        } catch (final InterruptedException | SQLException | RuntimeException e) {
            inFlight.cancel(true);
            throw e;
        } catch (final ExecutionException e) {
            throw new IllegalStateException("postAsync never fails", e.getCause());
        }
        final int n = current.ticks.size();
        final long firstSeq = current.ticks.seq(0);
        final long lastSeq = current.lastSeq();
        switch (answer.kind()) {
            case ACCEPTED -> {
                log.markForwarded(lastSeq, System.currentTimeMillis());
                store.advanceLastSeq(lastSeq);
                stats.onForwarded(n, answer.duplicates(), System.currentTimeMillis(), System.nanoTime());
                backoff.reset();
                if (failingSinceMsc != 0) {
                    LOG.info(
                            "forwarding resumed after {} s [backlog={}]",
                            (System.currentTimeMillis() - failingSinceMsc) / 1000,
                            store.backlog());
                    failingSinceMsc = 0;
                }
                final Batch sent = current;
                current = next;
                next = sent;
                current.prefetched = current.ticks.size() > 0;
                return true;
            }
            case INVALID -> quarantine(answer, n, firstSeq, lastSeq, log);
            case TOO_LARGE -> {
                if (n > 1) {
                    batchLimit = Math.max(1, n / 2);
                    LOG.warn("engine refused the batch as too large; sending smaller ones [batchSize={}]", batchLimit);
                } else {
                    quarantine(answer, n, firstSeq, lastSeq, log);
                }
            }
            case RETRY, REFUSED -> {
                onFailure(answer.describe(), log);
                pause(Math.max(answer.retryAfterMs(), backoff.nextDelayMs()));
            }
        }
        current.prefetched = false;
        return true;
    }

    private void quarantine(
            final EngineAnswer answer, final int n, final long firstSeq, final long lastSeq, final ForwardLog log)
            throws SQLException {
        final String reason = answer.describe();
        final long nowMsc = System.currentTimeMillis();
        final int moved;
        if (answer.errorIndex() >= 0 && answer.errorIndex() < n) {
            // The ticks before it passed the engine's checks and are sent again with the rest.
            final long seq = current.ticks.seq(answer.errorIndex());
            moved = log.quarantine(seq, seq, reason, nowMsc, answer.errorIndex() == 0 ? seq : 0);
            LOG.warn("tick quarantined [seq={}, reason={}]", seq, reason);
        } else {
            moved = log.quarantine(firstSeq, lastSeq, reason, nowMsc, lastSeq);
            LOG.warn("batch quarantined [fromSeq={}, toSeq={}, ticks={}, reason={}]", firstSeq, lastSeq, n, reason);
        }
        stats.quarantined.addAndGet(moved);
        backoff.reset();
    }

    private void onFailure(final String error, final ForwardLog log) {
        final long nowMsc = System.currentTimeMillis();
        stats.onFailure(error, nowMsc);
        if (failingSinceMsc == 0) {
            failingSinceMsc = nowMsc;
            LOG.warn("forwarding failed, retrying with backoff [error={}, backlog={}]", error, store.backlog());
        }
        try {
            log.recordError(error, nowMsc);
        } catch (final SQLException e) {
            // Only for `status`; the failure is counted and on /health anyway.
        }
    }

    private void pruneWhenDue(final ForwardLog log) throws SQLException {
        final long nowMsc = System.currentTimeMillis();
        if (nowMsc - nextPruneMsc < 0) {
            return;
        }
        nextPruneMsc = nowMsc + pruneIntervalMs;
        final long deleted = log.prune(nowMsc - retentionMs);
        if (deleted > 0) {
            LOG.debug("pruned forwarded ticks past retention [deleted={}]", deleted);
        }
    }

    private void awaitWork() throws InterruptedException {
        synchronized (work) {
            if (!woken && stop.getCount() > 0) {
                work.wait(idlePollMs);
            }
            woken = false;
        }
    }

    /** Waits out a backoff; new ticks do not cut it short, stopping does. */
    private void pause(final long delayMs) throws InterruptedException {
        if (stop.await(delayMs, TimeUnit.MILLISECONDS)) {
            throw new InterruptedException("stopping");
        }
    }

    /** A batch of ticks read from the buffer and its encoded body; two of them alternate. */
    private static final class Batch {
        final TickBuffer ticks;
        final CsvBody body = new CsvBody();
        /** Read ahead while the previous batch was in flight, and still valid: the previous one was acknowledged. */
        boolean prefetched;

        Batch(final int capacity) {
            ticks = new TickBuffer(capacity);
        }

        /**
         * Reads and encodes the ticks after {@code afterSeq}, unless this batch was read ahead from exactly there.
         *
         * @return false if there are none.
         */
        boolean readAfter(final long afterSeq, final TickReader reader, final int limit, final String source)
                throws SQLException {
            if (prefetched && ticks.size() > 0 && ticks.seq(0) > afterSeq && ticks.size() <= limit) {
                prefetched = false;
                return true;
            }
            prefetched = false;
            if (reader.read(afterSeq, Long.MAX_VALUE, limit, ticks) == 0) {
                return false;
            }
            body.encode(ticks, reader::symbolName, source);
            return true;
        }

        long lastSeq() {
            return ticks.seq(ticks.size() - 1);
        }
    }
}
