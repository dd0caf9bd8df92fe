package io.tickengine.http.metrics;

import io.tickengine.core.TickEngine;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.metrics.SymbolActivity;
import io.tickengine.http.route.Responses;

/**
 * The figures of the status page ({@code GET /status}) as one JSON object: counters (the page derives rates from two
 * of them), ring and store health, latency percentiles over the last {@link HistogramExport#WINDOW_SECONDS} to twice
 * that, and the tracked symbols with their newest tick, so the page knows which candles to chart.
 */
public final class StatusView {
    private final TickEngine engine;
    private final HttpMetrics http;
    private final long startMsc;
    private final HistogramExport.Percentiles ack;
    private final HistogramExport.Percentiles journal;
    private final HistogramExport.Percentiles freshness;
    private final HistogramExport.Percentiles storeWrite;

    StatusView(
            final TickEngine engine,
            final HttpMetrics http,
            final long startMsc,
            final HistogramExport.Percentiles ack,
            final HistogramExport.Percentiles journal,
            final HistogramExport.Percentiles freshness,
            final HistogramExport.Percentiles storeWrite) {
        this.engine = engine;
        this.http = http;
        this.startMsc = startMsc;
        this.ack = ack;
        this.journal = journal;
        this.freshness = freshness;
        this.storeWrite = storeWrite;
    }

    /** @return the JSON object. */
    public StringBuilder toJson() {
        final EngineMetrics m = engine.metrics();
        long rejected = 0;
        for (final HttpMetrics.Reject reason : HttpMetrics.Reject.values()) {
            rejected += http.rejectedTicks(reason);
        }
        final StringBuilder json = new StringBuilder(2048)
                .append("{\"now_msc\":")
                .append(System.currentTimeMillis())
                .append(",\"started_msc\":")
                .append(startMsc)
                .append(",\"ticks\":{\"journaled\":")
                .append(m.ticksJournaled.get())
                .append(",\"duplicate\":")
                .append(m.ticksDuplicate.get())
                .append(",\"late\":")
                .append(m.ticksLate.get())
                .append(",\"rejected\":")
                .append(rejected)
                .append(",\"replayed\":")
                .append(m.ticksReplayed.get())
                .append("},\"requests\":{\"errors\":")
                .append(http.requestsWithCodeAtLeast(400))
                .append(",\"throttled\":")
                .append(http.requestsWithCode(429))
                .append(",\"unavailable\":")
                .append(http.requestsWithCode(503))
                .append("},\"ring\":{\"size\":")
                .append(engine.ring().size())
                .append(",\"remaining\":")
                .append(engine.ring().remainingCapacity())
                .append("},\"store\":{\"kind\":");
        Responses.quote(json, engine.store().describe().split(" ", 2)[0]);
        final long committed = m.committedJournalIndex.get();
        json.append(",\"up\":")
                .append(m.storeUp.get() == 1)
                .append(",\"backlog_bars\":")
                .append(m.writerBacklog.get())
                .append(",\"errors\":")
                .append(m.storeErrors.get())
                .append(",\"candles_written\":")
                .append(m.candlesWritten.get())
                .append(",\"replay_lag_records\":")
                .append(engine.replayLagRecords())
                .append(",\"tick_store_lag_records\":")
                .append(m.tickStoreLag.get())
                .append("},\"journal\":{\"last_index\":")
                .append(m.lastJournalIndex.get())
                .append(",\"committed_index\":")
                .append(committed)
                .append(",\"appended_bytes\":")
                .append(m.journalBytes.get())
                .append("},\"latency_window_s\":")
                .append(HistogramExport.WINDOW_SECONDS)
                .append(",\"latency\":{");
        percentiles(json, "ack", ack).append(',');
        percentiles(json, "journal", journal).append(',');
        percentiles(json, "freshness", freshness).append(',');
        percentiles(json, "store_write", storeWrite).append("},\"symbols\":[");
        final SymbolActivity symbols = m.symbols;
        final int n = Math.min(symbols.capacity(), engine.symbols().size());
        boolean first = true;
        for (int id = 0; id < n; id++) {
            final long ticks = symbols.ticks(id);
            if (ticks == 0) {
                continue;
            }
            json.append(first ? "" : ",").append("{\"symbol\":");
            Responses.quote(json, engine.symbols().name(id));
            json.append(",\"ticks\":")
                    .append(ticks)
                    .append(",\"last_tick_msc\":")
                    .append(symbols.newestTimeMsc(id))
                    .append('}');
            first = false;
        }
        return json.append("]}");
    }

    private static StringBuilder percentiles(
            final StringBuilder json, final String name, final HistogramExport.Percentiles p) {
        json.append('"').append(name).append("\":{\"count\":").append(p.count());
        millis(json, "p50_ms", p.p50());
        millis(json, "p90_ms", p.p90());
        millis(json, "p99_ms", p.p99());
        millis(json, "p999_ms", p.p999());
        millis(json, "max_ms", p.max());
        return json.append('}');
    }

    private static void millis(final StringBuilder json, final String name, final double seconds) {
        json.append(",\"").append(name).append("\":");
        if (Double.isNaN(seconds)) {
            json.append("null");
        } else {
            json.append(Math.round(seconds * 1e6) / 1e3);
        }
    }
}
