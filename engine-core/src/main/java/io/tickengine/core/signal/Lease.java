package io.tickengine.core.signal;

/**
 * A signal handed to one consumer until {@code leaseExpiresMsc}: it must be acked with {@code leaseId}.
 *
 * @param deliveries how many times the signal has been leased, this time included.
 */
public record Lease(Signal signal, String leaseId, String consumer, long leaseExpiresMsc, int deliveries) {}
