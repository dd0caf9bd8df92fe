package io.tickengine.http.metrics;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import io.tickengine.core.TickEngine;
import io.tickengine.core.metrics.EngineMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The engine's observability, assembled: the HTTP front's {@link HttpMetrics}, one {@link HistogramExport} per
 * latency recorder, and a Prometheus registry (one per server, not the global one) that reads them at scrape time.
 *
 * <p>A sampler thread ({@code tick-metrics}, daemon) moves each recorder's values into its export once a second, so
 * the status page's windows are current whoever scrapes; a scrape samples too, so it sees every value recorded
 * before it. {@link #scrape} and {@link #status} run on scrape threads, never an event loop.
 */
public final class Observability implements AutoCloseable {
    private static final double NS = 1e-9;
    /** Bounds for request and journal latencies, 10 µs to 60 s. */
    private static final double[] FAST_SECONDS = {
        0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
        2.5, 5, 10, 30, 60
    };
    /** Bounds for store writes, freshness and replay, 1 ms to 1 h. */
    private static final double[] SLOW_SECONDS = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600
    };

    private static final double[] BATCH_BARS = {
        1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000
    };

    private final TickEngine engine;
    private final HttpMetrics http = new HttpMetrics();
    private final HistogramExport ackLatency;
    private final HistogramExport journalLatency;
    private final HistogramExport freshness;
    private final HistogramExport storeWrite;
    private final List<HistogramExport> histograms;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final ScheduledExecutorService sampler;
    private final long startMsc = System.currentTimeMillis();

    public Observability(final TickEngine engine) {
        this.engine = engine;
        final EngineMetrics m = engine.metrics();
        ackLatency = new HistogramExport(
                "tick_ingest_ack_latency_seconds",
                "Ingest request taken up by the HTTP front to its acknowledgement (2xx): parse, publish, journal.",
                Unit.SECONDS,
                NS,
                http.ackLatency,
                EngineMetrics.MAX_LATENCY_NS,
                FAST_SECONDS);
        journalLatency = new HistogramExport(
                "tick_journal_latency_seconds",
                "Request published to the ring to all its ticks journaled (and synced with journal.sync).",
                Unit.SECONDS,
                NS,
                m.journalLatency,
                EngineMetrics.MAX_LATENCY_NS,
                FAST_SECONDS);
        freshness = new HistogramExport(
                "tick_candle_freshness_seconds",
                "Oldest tick of a store transaction published to its candles committed; corrected for coordinated"
                        + " omission at writer.flush.interval.ms.",
                Unit.SECONDS,
                NS,
                m.freshness,
                EngineMetrics.MAX_LONG_LATENCY_NS,
                SLOW_SECONDS);
        storeWrite = new HistogramExport(
                "tick_store_write_duration_seconds",
                "Duration of one store transaction; corrected for coordinated omission at writer.flush.interval.ms.",
                Unit.SECONDS,
                NS,
                m.storeWriteLatency,
                EngineMetrics.MAX_LONG_LATENCY_NS,
                SLOW_SECONDS);
        final HistogramExport batchSize = new HistogramExport(
                "tick_store_batch_bars",
                "Bars per store transaction.",
                null,
                1,
                m.storeBatchSize,
                EngineMetrics.MAX_BATCH_BARS,
                BATCH_BARS);
        final HistogramExport replay = new HistogramExport(
                "tick_journal_replay_duration_seconds",
                "Duration of the journal replay at start-up (one value per start).",
                Unit.SECONDS,
                NS,
                m.replayDuration,
                EngineMetrics.MAX_LONG_LATENCY_NS,
                SLOW_SECONDS);
        histograms = List.of(ackLatency, journalLatency, freshness, storeWrite, batchSize, replay);
        registry.register(new EngineCollector(engine, http, histograms));
        sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            final Thread t = new Thread(runnable, "tick-metrics");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
    }

    /** @return the HTTP front's counters, for the handlers and routes. */
    public HttpMetrics http() {
        return http;
    }

    /** @return the engine observed. */
    public TickEngine engine() {
        return engine;
    }

    /** @return the registry, e.g. to add JVM collectors. */
    public PrometheusRegistry registry() {
        return registry;
    }

    private void sample() {
        final long nowNs = System.nanoTime();
        for (final HistogramExport h : histograms) {
            h.sample(nowNs);
        }
    }

    /** A scrape's body and its content type. */
    public record Scrape(byte[] body, String contentType) {}

    /**
     * Scrapes every metric in the format the {@code Accept} header asks for (Prometheus text by default, OpenMetrics
     * or protobuf on request). Scrape thread.
     */
    public Scrape scrape(final String accept) {
        final ExpositionFormatWriter writer = formats.findWriter(accept);
        final ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Scrape(out.toByteArray(), writer.getContentType());
    }

    /** What the status page shows, sampled now. Scrape thread. */
    public StatusView status() {
        sample();
        return new StatusView(
                engine,
                http,
                startMsc,
                ackLatency.window(),
                journalLatency.window(),
                freshness.window(),
                storeWrite.window());
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
