package io.tickengine.core;

import io.tickengine.core.metrics.EngineMetrics;
import org.agrona.ErrorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's fail-stop switch. A stage that fails in a way it was not built to handle (a ring handler, the candle
 * writer) must not carry on with state it may have half-applied: it reports here, and from then on ingest answers
 * {@code 503} with the reason and {@code /health} is red, while the journal keeps every tick acknowledged before.
 * Recovery is a restart: the journal is replayed from the store's checkpoint, as after a crash.
 *
 * <p>The first reason wins (later errors are usually its consequences); every error is counted and logged.
 */
public final class FailStop {
    private static final Logger LOG = LoggerFactory.getLogger(FailStop.class);

    private final EngineMetrics metrics;
    private volatile String reason;

    FailStop(final EngineMetrics metrics) {
        this.metrics = metrics;
    }

    /** @return an agent runner's error handler: every error it is given is counted and stops ingest. */
    ErrorHandler handlerFor(final String stage) {
        return error -> {
            metrics.agentErrors.incrementRelease();
            stop(stage, error);
        };
    }

    /** Stops ingest: {@code stage} failed with {@code error}. Any thread; the first reason stays. */
    void stop(final String stage, final Throwable error) {
        if (reason == null) {
            synchronized (this) {
                if (reason == null) {
                    reason = stage + " failed (" + error + "); ingest stopped: restart the engine, it replays the"
                            + " journal, which holds every acknowledged tick";
                    metrics.ingestStopped.setRelease(1);
                }
            }
        }
        LOG.error(
                "{} failed: ingest stopped, the journal keeps every acknowledged tick [reason={}]",
                stage,
                reason,
                error);
    }

    /** @return why ingest is stopped, or {@code null} while the engine runs normally. Any thread. */
    public String reason() {
        return reason;
    }

    /** @return true once ingest is stopped. Any thread. */
    public boolean isStopped() {
        return reason != null;
    }
}
