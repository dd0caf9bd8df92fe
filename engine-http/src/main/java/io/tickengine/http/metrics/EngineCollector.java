package io.tickengine.http.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import io.tickengine.core.TickEngine;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.metrics.SymbolActivity;
import java.util.List;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Reads the engine's counters, the HTTP front's counters and the latency histograms at scrape time and turns them
 * into Prometheus snapshots: nothing is copied on the tick path, the counters are read where they are. Names follow
 * Prometheus conventions: prefix {@code tick_}, base units in the name ({@code _seconds}, {@code _bytes}),
 * {@code _total} on counters (added by the exposition format). The full list is in {@code docs/observability.md}.
 *
 * <p>Called on a scrape thread (the blocking executor or the metrics port's), never an event loop: it allocates a
 * few objects per series.
 */
final class EngineCollector implements MultiCollector {
    private final TickEngine engine;
    private final HttpMetrics http;
    private final List<HistogramExport> histograms;

    EngineCollector(final TickEngine engine, final HttpMetrics http, final List<HistogramExport> histograms) {
        this.engine = engine;
        this.http = http;
        this.histograms = histograms;
    }

    @Override
    public MetricSnapshots collect() {
        final long nowNs = System.nanoTime();
        final EngineMetrics m = engine.metrics();
        final MetricSnapshots.Builder out = MetricSnapshots.builder();

        out.metricSnapshot(
                counter("tick_ticks_journaled", "Ticks accepted and appended to the journal.", m.ticksJournaled));
        out.metricSnapshot(counter(
                "tick_ticks_duplicate",
                "Ticks dropped because their source had sent that seq before.",
                m.ticksDuplicate));
        out.metricSnapshot(counter(
                "tick_ticks_late", "Ticks older than the late window: journaled, not aggregated.", m.ticksLate));
        out.metricSnapshot(counter(
                "tick_ticks_no_price",
                "Ticks without the price their symbol is built from: journaled only.",
                m.ticksNoPrice));
        out.metricSnapshot(counter("tick_ticks_aggregated", "Ticks applied to candles.", m.ticksAggregated));
        out.metricSnapshot(
                counter("tick_ticks_replayed", "Ticks read back from the journal at start-up.", m.ticksReplayed));
        out.metricSnapshot(
                counter("tick_bars_journaled", "Whole bars (backfill) appended to the journal.", m.barsJournaled));
        out.metricSnapshot(counter(
                "tick_journal_errors", "Ticks and bars the journal failed to append (answered 503).", m.journalErrors));
        out.metricSnapshot(counter(
                "tick_journal_refused_requests",
                "Requests answered 503 not journaled: disk full, or an append or sync that failed.",
                m.journalRefused));
        out.metricSnapshot(gauge(
                "tick_journal_disk_full",
                "1 while the journal's file system has less free space than journal.min.free.mb (ingest refused).",
                m.journalDiskFull.get()));
        out.metricSnapshot(gauge(
                "tick_journal_failing",
                "1 once a journal append failed: ingest refused until a restart.",
                m.journalFailing.get()));
        out.metricSnapshot(gauge(
                "tick_journal_free_bytes",
                "Free bytes on the journal's file system at the last look, -1 before the first.",
                m.journalFreeBytes.get()));
        out.metricSnapshot(counter(
                "tick_journal_tail_cuts", "Damaged journal tails cut at start-up (see /health).", m.journalTailCuts));
        out.metricSnapshot(counter(
                "tick_journal_tail_cut_bytes",
                "Bytes of damaged journal tails cut at start-up.",
                m.journalTailCutBytes));
        out.metricSnapshot(CounterSnapshot.builder()
                .name("tick_journal_appended_bytes")
                .help("Bytes of the records appended to the journal since start.")
                .unit(Unit.BYTES)
                .dataPoint(CounterDataPointSnapshot.builder()
                        .value(m.journalBytes.get())
                        .build())
                .build());
        out.metricSnapshot(counter("tick_candles_emitted", "Bar versions handed to the writer.", m.candlesEmitted));
        out.metricSnapshot(
                counter("tick_candles_written", "Bars written to the store, after coalescing.", m.candlesWritten));
        out.metricSnapshot(counter("tick_store_batches", "Store transactions committed.", m.storeBatches));
        out.metricSnapshot(counter(
                "tick_store_errors", "Store writes that failed; each one is retried with backoff.", m.storeErrors));
        out.metricSnapshot(counter(
                "tick_bars_set_aside",
                "Bars the database refused for their data, set aside in engine_rejected_bars for an operator.",
                m.barsSetAside));
        out.metricSnapshot(counter("tick_handler_errors", "Errors thrown by a ring handler.", m.handlerErrors));
        out.metricSnapshot(counter(
                "tick_agent_errors",
                "Unexpected errors of the engine's agents (tick store writer, bar rebuilder, journal retention, page agents); each starts over.",
                m.agentErrors));
        out.metricSnapshot(
                counter("tick_ticks_stored", "Ticks written to the tick store (ticks table).", m.ticksStored));
        out.metricSnapshot(counter(
                "tick_ticks_replaced",
                "Stored ticks deleted because an import replaced their range.",
                m.ticksReplaced));
        out.metricSnapshot(counter(
                "tick_tick_store_errors",
                "Tick store writes that failed; each one is retried with backoff.",
                m.tickStoreErrors));
        out.metricSnapshot(counter(
                "tick_rebuild_requests",
                "Requests to rebuild bars from stored ticks (late ticks, replaced ranges).",
                m.rebuildRequests));
        out.metricSnapshot(
                counter("tick_bars_rebuilt", "Bars rebuilt from stored ticks and written again.", m.barsRebuilt));
        out.metricSnapshot(gauge(
                "tick_tick_store_up",
                "1 while the last tick store write succeeded, 0 after a failure.",
                m.tickStoreUp.get()));
        out.metricSnapshot(gauge(
                "tick_tick_store_committed_index",
                "Chronicle index of the newest journal record whose ticks are in the tick store, -1 if none.",
                m.tickStoreIndex.get()));
        out.metricSnapshot(gauge(
                "tick_tick_store_lag_records",
                "Journal records the tick store has not committed yet (they wait in the journal).",
                m.tickStoreLag.get()));

        out.metricSnapshot(gauge(
                "tick_ingest_stopped",
                "1 once a stage failed unexpectedly and ingest answers 503 until a restart (see /health), else 0.",
                m.ingestStopped.get()));
        out.metricSnapshot(
                gauge("tick_store_up", "1 while the last store write succeeded, 0 after a failure.", m.storeUp.get()));
        out.metricSnapshot(gauge("tick_writer_backlog_bars", "Bars waiting for the store.", m.writerBacklog.get()));
        out.metricSnapshot(gauge(
                "tick_ring_slots", "Slots of the tick ring.", engine.ring().size()));
        out.metricSnapshot(gauge(
                "tick_ring_remaining_slots",
                "Free slots of the tick ring; 0 means ingest answers 503.",
                engine.ring().remainingCapacity()));
        out.metricSnapshot(gauge(
                "tick_journal_last_index",
                "Chronicle index of the newest journal record, -1 before the first.",
                m.lastJournalIndex.get()));
        final long committed = m.committedJournalIndex.get();
        out.metricSnapshot(gauge(
                "tick_journal_committed_index",
                "Chronicle index of the newest journal record whose candles are committed, -1 if none.",
                committed));
        out.metricSnapshot(gauge(
                "tick_replay_lag_records",
                "Journal records a restart now would replay at least: from the first tick of the oldest open bar,"
                        + " or the checkpoint if older.",
                engine.replayLagRecords()));
        out.metricSnapshot(gauge(
                "tick_symbols",
                "Distinct symbol names the engine has seen.",
                engine.symbols().size()));

        final io.tickengine.core.journal.JournalMirror mirror = engine.journalMirror();
        if (mirror != null) {
            out.metricSnapshot(gauge(
                    "tick_kafka_mirror_lag_records",
                    "Journal records not shipped to the Kafka topic yet (journal.mirror=kafka; the journal keeps them).",
                    mirror.lagRecords()));
            out.metricSnapshot(gauge(
                    "tick_kafka_mirror_shipped_index",
                    "Chronicle index of the newest journal record the Kafka topic holds with every one before it.",
                    mirror.shippedIndex()));
            out.metricSnapshot(gauge(
                    "tick_kafka_mirror_up",
                    "1 while the journal mirror ships to Kafka, 0 while it cannot (see /health).",
                    mirror.downReason() == null ? 1 : 0));
            out.metricSnapshot(CounterSnapshot.builder()
                    .name("tick_kafka_mirror_errors")
                    .help("Failed attempts to ship to Kafka; each resumes from what the topic holds, with backoff.")
                    .dataPoint(CounterDataPointSnapshot.builder()
                            .value(mirror.errors())
                            .build())
                    .build());
        }

        final io.tickengine.core.journal.ReplicatedJournal replicated = engine.replicatedJournal();
        if (replicated != null) {
            out.metricSnapshot(gauge(
                    "tick_kafka_journal_up",
                    "1 while the Kafka cluster takes the topic's messages (journal.kind=kafka), 0 while ingest is"
                            + " refused (see /health).",
                    replicated.downReason() == null ? 1 : 0));
            out.metricSnapshot(gauge(
                    "tick_kafka_store_up",
                    "1 while this engine's group store writes its partitions to the database, 0 while it cannot.",
                    replicated.storeDownReason() == null ? 1 : 0));
            out.metricSnapshot(gauge(
                    "tick_kafka_store_lag_records",
                    "Messages of the partitions this engine owns not stored yet (-1: not known).",
                    replicated.storeLagRecords()));
            out.metricSnapshot(CounterSnapshot.builder()
                    .name("tick_kafka_store_ticks")
                    .help("Ticks this engine's group store wrote to the database.")
                    .dataPoint(CounterDataPointSnapshot.builder()
                            .value(replicated.storedTicks())
                            .build())
                    .build());
            out.metricSnapshot(CounterSnapshot.builder()
                    .name("tick_kafka_store_duplicates")
                    .help("Messages this engine's group store dropped as duplicates of a stored (source, seq).")
                    .dataPoint(CounterDataPointSnapshot.builder()
                            .value(replicated.droppedDuplicates())
                            .build())
                    .build());
            out.metricSnapshot(CounterSnapshot.builder()
                    .name("tick_kafka_store_lost_messages")
                    .help("Messages the topic deleted (its retention) before this engine's group store stored them:"
                            + " acknowledged ticks that are not in the database (see the log and /health).")
                    .dataPoint(CounterDataPointSnapshot.builder()
                            .value(replicated.storeLostMessages())
                            .build())
                    .build());
        }

        symbolActivity(out, m.symbols);
        httpCounters(out);

        for (final HistogramExport h : histograms) {
            h.sample(nowNs);
            out.metricSnapshot(h.snapshot());
        }
        return out.build();
    }

    private void symbolActivity(final MetricSnapshots.Builder out, final SymbolActivity symbols) {
        final CounterSnapshot.Builder ticks = CounterSnapshot.builder()
                .name("tick_symbol_ticks")
                .help("Ticks journaled per symbol, for the first metrics.symbols.max symbols seen.");
        final GaugeSnapshot.Builder newest = GaugeSnapshot.builder()
                .name("tick_symbol_last_tick_timestamp_seconds")
                .help("Time (epoch, the tick's own time_msc) of the newest tick journaled per symbol.")
                .unit(Unit.SECONDS);
        final int n = Math.min(symbols.capacity(), engine.symbols().size());
        for (int id = 0; id < n; id++) {
            final long count = symbols.ticks(id);
            if (count == 0) {
                continue;
            }
            final Labels labels = Labels.of("symbol", engine.symbols().name(id));
            ticks.dataPoint(CounterDataPointSnapshot.builder()
                    .labels(labels)
                    .value(count)
                    .build());
            newest.dataPoint(GaugeDataPointSnapshot.builder()
                    .labels(labels)
                    .value(symbols.newestTimeMsc(id) / 1000.0)
                    .build());
        }
        out.metricSnapshot(ticks.build());
        out.metricSnapshot(newest.build());
    }

    private void httpCounters(final MetricSnapshots.Builder out) {
        final CounterSnapshot.Builder requests = CounterSnapshot.builder()
                .name("tick_http_requests")
                .help("HTTP answers by route (router path, or 'other') and status code.");
        for (int route = 0; route < http.routeCount(); route++) {
            for (int slot = 0; slot < HttpMetrics.codeSlots(); slot++) {
                final long count = http.requests(route, slot);
                // Zero series are left out, except 429 and 503 of the ingest routes, so alerts see them from start.
                if (count == 0 && !(isIngest(http.route(route)) && isThrottle(slot))) {
                    continue;
                }
                requests.dataPoint(CounterDataPointSnapshot.builder()
                        .labels(Labels.of("route", http.route(route), "code", HttpMetrics.code(slot)))
                        .value(count)
                        .build());
            }
        }
        out.metricSnapshot(requests.build());
        out.metricSnapshot(CounterSnapshot.builder()
                .name("tick_http_internal_errors")
                .help("Requests answered 500 because of an unexpected failure: the route threw, or its answer could"
                        + " not be made ready.")
                .dataPoint(CounterDataPointSnapshot.builder()
                        .value(http.internalErrors())
                        .build())
                .build());

        final CounterSnapshot.Builder rejectedRequests = CounterSnapshot.builder()
                .name("tick_ingest_rejected_requests")
                .help("Ingest requests (ticks or bars) refused whole, by reason.");
        final CounterSnapshot.Builder rejectedTicks = CounterSnapshot.builder()
                .name("tick_ticks_rejected")
                .help("Ticks of refused ingest requests, by reason, where the body was parsed (else only the request"
                        + " counts).");
        for (final HttpMetrics.Reject reason : HttpMetrics.Reject.values()) {
            final Labels labels = Labels.of("reason", reason.label());
            rejectedRequests.dataPoint(CounterDataPointSnapshot.builder()
                    .labels(labels)
                    .value(http.rejectedRequests(reason))
                    .build());
            rejectedTicks.dataPoint(CounterDataPointSnapshot.builder()
                    .labels(labels)
                    .value(http.rejectedTicks(reason))
                    .build());
        }
        out.metricSnapshot(rejectedRequests.build());
        out.metricSnapshot(rejectedTicks.build());
    }

    private static boolean isIngest(final String route) {
        return route.startsWith("/ingest");
    }

    private static boolean isThrottle(final int slot) {
        return slot == HttpMetrics.slotOf(429) || slot == HttpMetrics.slotOf(503);
    }

    private static CounterSnapshot counter(final String name, final String help, final AtomicCounter counter) {
        return CounterSnapshot.builder()
                .name(name)
                .help(help)
                .dataPoint(
                        CounterDataPointSnapshot.builder().value(counter.get()).build())
                .build();
    }

    private static GaugeSnapshot gauge(final String name, final String help, final double value) {
        return GaugeSnapshot.builder()
                .name(name)
                .help(help)
                .dataPoint(GaugeDataPointSnapshot.builder().value(value).build())
                .build();
    }
}
