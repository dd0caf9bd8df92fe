package io.tickengine.http.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * What every connection of a server shares: whether it is shutting down, how many requests are open, and who is told
 * a fault that only an event loop saw.
 */
final class ServerState {
    private final AtomicInteger openRequests = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean shuttingDown;
    private volatile Consumer<Throwable> faults = cause -> {};

    /** Sets who is told {@link #onFault}: the engine's fail-stop. */
    void faults(final Consumer<Throwable> faults) {
        this.faults = faults;
    }

    /**
     * A memory-mapped write faulted ({@link InternalError}) and the fault surfaced on an event loop, outside the code
     * that wrote: the journal can no longer be trusted.
     */
    void onFault(final Throwable cause) {
        faults.accept(cause);
    }

    boolean isShuttingDown() {
        return shuttingDown;
    }

    void shutDown() {
        shuttingDown = true;
    }

    void requestStarted() {
        openRequests.incrementAndGet();
    }

    void requestEnded() {
        openRequests.decrementAndGet();
    }

    int openRequests() {
        return openRequests.get();
    }

    AtomicInteger connections() {
        return connections;
    }
}
