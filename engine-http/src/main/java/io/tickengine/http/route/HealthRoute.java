package io.tickengine.http.route;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.tickengine.core.TickEngine;
import io.tickengine.core.journal.JournalSpace;
import io.tickengine.core.journal.JournalTail;
import io.tickengine.core.metrics.EngineMetrics;
import io.tickengine.core.security.Scope;
import io.tickengine.core.store.DatabaseProbe;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /health}: liveness and readiness. 200 when the engine accepts ticks and the store is up; 503 with the
 * reasons otherwise (shutting down; {@code journal: disk full} or {@code journal: write failed}, when ingest is
 * refused as not journaled; a stage that failed stop ({@code FailStop}); or store down with the database's own
 * reason, e.g. {@code connection refused [host=…, port=…]}: ticks are still journaled then, candles wait). Always
 * reports the ring's free slots, the store's lag, the journal's free space and a tail cut at start; with
 * {@code journal.mirror}, the mirror's state and lag (it ships behind the acknowledgement, so it never makes the answer
 * 503). Open: no key.
 *
 * <p>The database is asked too ({@link DatabaseProbe}): one that has not answered within {@code db.connect.timeout.ms}
 * (hung, not refusing) makes the answer 503 {@code database not answering}, given after that timeout at the latest;
 * the writer waiting on it would not notice. The answer is written on the event loop; nothing here blocks.
 */
public final class HealthRoute implements Route {
    private final TickEngine engine;
    private final BooleanSupplier shuttingDown;
    private final String retryAfterSeconds;
    private final DatabaseProbe probe;
    private final String notAnswering;

    public HealthRoute(
            final TickEngine engine,
            final BooleanSupplier shuttingDown,
            final int retryAfterSeconds,
            final DatabaseProbe probe) {
        this.engine = engine;
        this.shuttingDown = shuttingDown;
        this.retryAfterSeconds = Integer.toString(retryAfterSeconds);
        this.probe = probe;
        this.notAnswering =
                "database not answering [timeoutMs=" + probe.timeoutMs() + ", setting=db.connect.timeout.ms]";
    }

    @Override
    public Scope scope() {
        return null;
    }

    @Override
    public void handle(final Exchange exchange) {
        probe.check()
                .copy()
                .completeOnTimeout(notAnswering, probe.timeoutMs(), TimeUnit.MILLISECONDS)
                .whenComplete((databaseReason, error) -> exchange.eventLoop()
                        .execute(() -> answer(exchange, error != null ? error.toString() : databaseReason)));
    }

    /** @param databaseReason why the database did not answer the probe, or {@code null} if it did. */
    private void answer(final Exchange exchange, final String databaseReason) {
        final EngineMetrics m = engine.metrics();
        final boolean storeUp = m.storeUp.get() == 1;
        final boolean tickStoreUp = m.tickStoreUp.get() == 1;
        final String storeDownReason = storeUp ? null : engine.storeDownReason();
        final boolean closing = shuttingDown.getAsBoolean() || engine.ring().isClosed();
        final long remaining = engine.ring().remainingCapacity();
        final int ringSize = engine.ring().size();
        final JournalSpace space = engine.journalSpace();
        final boolean diskFull = space.isFull();
        final boolean appendsFailing = m.journalFailing.get() == 1;
        final JournalTail.FileCheck tailCut = engine.journal().tailCut();
        final StringBuilder reasons = new StringBuilder();
        if (closing) {
            reasons.append("shutting down");
        }
        if (diskFull) {
            reasons.append(reasons.isEmpty() ? "" : "; ")
                    .append("journal: ")
                    .append(space.describe())
                    .append(" (ingest refused until space is freed)");
        }
        // A failed append stops ingest through the fail-stop: its reason names the journal.
        final String stopped = engine.stoppedReason();
        if (stopped != null) {
            reasons.append(reasons.isEmpty() ? "" : "; ").append(stopped);
        }
        if (!storeUp) {
            reasons.append(reasons.isEmpty() ? "" : "; ").append("store down");
            if (storeDownReason != null) {
                reasons.append(": ").append(storeDownReason);
            }
            reasons.append(" (candles wait in the writer; ticks are journaled)");
        }
        // A database that refuses is already named by "store down" once the writer has met it.
        if (databaseReason != null && (storeUp || !databaseReason.equals(storeDownReason))) {
            reasons.append(reasons.isEmpty() ? "" : "; ");
            if (databaseReason == notAnswering) {
                reasons.append(notAnswering);
            } else {
                reasons.append("database unavailable: ").append(databaseReason);
            }
        }
        if (!tickStoreUp) {
            reasons.append(reasons.isEmpty() ? "" : "; ").append("tick store down (ticks wait in the journal)");
        }
        // journal.kind=kafka: ingest is refused while the cluster does not take the topic's messages.
        final io.tickengine.core.journal.ReplicatedJournal replicated = engine.replicatedJournal();
        final String replicatedDown = replicated == null ? null : replicated.downReason();
        if (replicatedDown != null) {
            reasons.append(reasons.isEmpty() ? "" : "; ")
                    .append("kafka: ")
                    .append(replicatedDown)
                    .append(" (ingest refused)");
        }
        final String replicatedStoreDown = replicated == null ? null : replicated.storeDownReason();
        if (replicatedStoreDown != null) {
            reasons.append(reasons.isEmpty() ? "" : "; ")
                    .append("kafka store: ")
                    .append(replicatedStoreDown)
                    .append(" (ticks wait in the topic)");
        }
        final boolean ready = reasons.isEmpty();
        final long setAside = m.barsSetAside.get();
        final StringBuilder json =
                new StringBuilder(512).append("{\"status\":").append(ready ? "\"ok\"" : "\"unavailable\"");
        if (!ready) {
            json.append(",\"reason\":");
            Responses.quote(json, reasons);
        }
        // Ingest goes on, but what is stored is not complete: an operator's job.
        final StringBuilder warnings = new StringBuilder();
        if (setAside > 0) {
            warnings.append(setAside)
                    .append(" bars refused by the database for their data, set aside in engine_rejected_bars")
                    .append(" (see the log)");
        }
        final long lost = replicated == null ? 0 : replicated.storeLostMessages();
        if (lost > 0) {
            warnings.append(warnings.isEmpty() ? "" : "; ")
                    .append("kafka store: ")
                    .append(lost)
                    .append(" messages deleted by the topic before they were stored, their ticks are not in the")
                    .append(" database (last: ")
                    .append(replicated.storeLastLoss())
                    .append("; see the log)");
        }
        if (!warnings.isEmpty()) {
            json.append(",\"warning\":");
            Responses.quote(json, warnings);
        }
        json.append(",\"journal\":{\"ticks\":")
                .append(m.ticksJournaled.get())
                .append(",\"duplicates\":")
                .append(m.ticksDuplicate.get())
                .append(",\"errors\":")
                .append(m.journalErrors.get())
                .append(",\"lastIndex\":")
                .append(m.lastJournalIndex.get())
                .append(",\"state\":")
                .append(diskFull ? "\"disk full\"" : appendsFailing ? "\"write failed\"" : "\"ok\"")
                .append(",\"notJournaled\":")
                .append(m.journalRefused.get())
                .append(",\"freeBytes\":")
                .append(space.freeBytes())
                .append(",\"minFreeBytes\":")
                .append(space.minFreeBytes())
                .append(",\"tailCut\":");
        if (tailCut == null) {
            json.append("null");
        } else {
            Responses.quote(json, tailCut.describe());
        }
        json.append("},\"ring\":{\"size\":")
                .append(ringSize)
                .append(",\"remaining\":")
                .append(remaining)
                .append("},\"store\":{\"up\":")
                .append(storeUp);
        if (storeDownReason != null) {
            json.append(",\"reason\":");
            Responses.quote(json, storeDownReason);
        }
        json.append(",\"kind\":");
        Responses.quote(json, engine.store().describe().split(" ", 2)[0]);
        json.append(",\"backlogBars\":")
                .append(m.writerBacklog.get())
                .append(",\"committedJournalIndex\":")
                .append(m.committedJournalIndex.get())
                .append(",\"errors\":")
                .append(m.storeErrors.get())
                .append(",\"barsSetAside\":")
                .append(setAside)
                .append(",\"answering\":")
                .append(databaseReason == null)
                .append("},\"tickStore\":{\"up\":")
                .append(tickStoreUp)
                .append(",\"committedJournalIndex\":")
                .append(m.tickStoreIndex.get())
                .append(",\"lagRecords\":")
                .append(m.tickStoreLag.get())
                .append(",\"errors\":")
                .append(m.tickStoreErrors.get())
                .append("},\"candles\":{\"late\":")
                .append(m.ticksLate.get())
                .append(",\"written\":")
                .append(m.candlesWritten.get())
                .append(",\"rebuilt\":")
                .append(m.barsRebuilt.get())
                .append('}');
        final io.tickengine.core.journal.JournalMirror mirror = engine.journalMirror();
        if (mirror != null) {
            // Behind the acknowledgement: a mirror that cannot ship does not stop ingest, so it is not a reason here.
            final String mirrorDown = mirror.downReason();
            json.append(",\"mirror\":{\"target\":");
            Responses.quote(json, mirror.describe());
            json.append(",\"up\":")
                    .append(mirrorDown == null)
                    .append(",\"shippedIndex\":")
                    .append(mirror.shippedIndex())
                    .append(",\"lagRecords\":")
                    .append(mirror.lagRecords())
                    .append(",\"errors\":")
                    .append(mirror.errors());
            if (mirrorDown != null) {
                json.append(",\"reason\":");
                Responses.quote(json, mirrorDown);
            }
            json.append('}');
        }
        if (replicated != null) {
            final String storeDown = replicatedStoreDown;
            json.append(",\"kafka\":{\"journal\":");
            Responses.quote(json, replicated.describe());
            json.append(",\"up\":").append(replicatedDown == null);
            if (replicatedDown != null) {
                json.append(",\"reason\":");
                Responses.quote(json, replicatedDown);
            }
            json.append(",\"store\":{\"up\":").append(storeDown == null);
            if (storeDown != null) {
                json.append(",\"reason\":");
                Responses.quote(json, storeDown);
            }
            json.append(",\"partitions\":");
            Responses.quote(json, replicated.ownedParts());
            json.append(",\"lagRecords\":")
                    .append(replicated.storeLagRecords())
                    .append(",\"lostMessages\":")
                    .append(lost)
                    .append("}}");
        }
        json.append('}');
        final io.netty.handler.codec.http.FullHttpResponse response = Responses.json(
                exchange.alloc(), ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, json);
        if (!ready) {
            response.headers().set(io.netty.handler.codec.http.HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        }
        exchange.respond(response);
    }
}
