package io.tickengine.core.signal;

/**
 * What the executing EA reports for a leased signal.
 *
 * @param result {@code executed}, {@code rejected} or {@code failed}.
 * @param ticket the MT5 order/deal ticket, or 0.
 * @param fillPrice NaN if not filled.
 * @param retcode MT5's trade server return code, or 0.
 */
public record Ack(
        String signalId,
        String leaseId,
        String consumer,
        String result,
        long ticket,
        double fillPrice,
        int retcode,
        String message,
        long ackedAtMsc) {}
