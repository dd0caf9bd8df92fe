package io.tickengine.http.server;

import java.util.concurrent.atomic.AtomicInteger;

/** What every connection of a server shares: whether it is shutting down, and how many requests are open. */
final class ServerState {
    private final AtomicInteger openRequests = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean shuttingDown;

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
