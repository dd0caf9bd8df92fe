package io.tickengine.http.metrics;

import io.tickengine.core.metrics.EngineMetrics;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Recorder;

/**
 * Counters and the acknowledgement latency of the HTTP front: requests by route and status code, ingest requests
 * (and their ticks) rejected by reason, and the time from a request being taken up to its acknowledgement.
 *
 * <p>Updated by every event loop: counters are slots of {@link AtomicLongArray}s, the latency a multi-writer
 * HdrHistogram {@link Recorder}; an update allocates nothing and never blocks. Route labels are the router's paths,
 * registered on first use (at most {@link #MAX_ROUTES}); anything unrouted counts under {@link #OTHER_ROUTE}, so
 * label cardinality stays bounded whatever paths clients send. Status codes outside {@link #CODES} count as
 * {@code other}.
 */
public final class HttpMetrics {
    /** Label of requests that matched no route (404, or refused by a connection guard before routing). */
    public static final String OTHER_ROUTE = "other";
    /** Most distinct route paths counted; later ones count as {@link #OTHER_ROUTE}. */
    public static final int MAX_ROUTES = 64;
    /** Status codes counted on their own; others count as {@code other}. */
    static final int[] CODES = {200, 202, 204, 400, 401, 403, 404, 405, 408, 413, 414, 415, 429, 431, 500, 503};

    private static final int CODE_SLOTS = CODES.length + 1;
    private static final byte[] SLOT_OF_CODE = new byte[600];

    static {
        java.util.Arrays.fill(SLOT_OF_CODE, (byte) CODES.length);
        for (int i = 0; i < CODES.length; i++) {
            SLOT_OF_CODE[CODES[i]] = (byte) i;
        }
    }

    /** Why an ingest request (tick or bar) was refused. */
    public enum Reject {
        /** A tick or bar failed validation, or the body did not parse (400). */
        INVALID,
        /** More ticks than one request may hold (413). */
        TOO_LARGE,
        /** Content type not accepted (415). */
        UNSUPPORTED_MEDIA_TYPE,
        /** The ring had no room (503). */
        RING_FULL,
        /** The engine is stopping (503). */
        SHUTTING_DOWN,
        /** A stage of the engine failed and ingest stopped until a restart (503). */
        STOPPED,
        /** The symbol or source table is full ({@code names.capacity}; 422). */
        NAMES_FULL,
        /** Published, but the journal could not append it (503). */
        JOURNAL_FAILED,
        /** A tick's seq is below its source's dedup window; nothing of the request was taken (409). */
        SEQ_BELOW_WINDOW,
        /** No or unknown API key (401). */
        UNAUTHORIZED,
        /** The key lacks the ingest scope (403). */
        FORBIDDEN,
        /** The key's rate limit was exceeded (429). */
        RATE_LIMITED;

        /** @return the label value, e.g. {@code ring_full}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Ingest requests received to acknowledged (2xx), in ns. Any event loop. */
    public final Recorder ackLatency = new Recorder(EngineMetrics.MAX_LATENCY_NS, 3);

    private final AtomicLongArray requests = new AtomicLongArray((MAX_ROUTES + 1) * CODE_SLOTS);
    private final AtomicLongArray rejectedRequests = new AtomicLongArray(Reject.values().length);
    private final AtomicLongArray rejectedTicks = new AtomicLongArray(Reject.values().length);
    private final AtomicLong internalErrors = new AtomicLong();
    private final String[] routes = new String[MAX_ROUTES + 1];
    private volatile Map<String, Integer> routeIndex = Map.of();

    public HttpMetrics() {
        routes[0] = OTHER_ROUTE;
    }

    /**
     * @param path a path that matched a route.
     * @return the route's counter index; the first call for a new path registers it (allocates, once per path).
     */
    public int routeIndex(final String path) {
        final Integer index = routeIndex.get(path);
        return index != null ? index : register(path);
    }

    private synchronized int register(final String path) {
        final Integer known = routeIndex.get(path);
        if (known != null) {
            return known;
        }
        final int size = routeIndex.size();
        if (size >= MAX_ROUTES) {
            return 0;
        }
        final Map<String, Integer> copy = new HashMap<>(routeIndex);
        copy.put(path, size + 1);
        routes[size + 1] = path;
        routeIndex = Map.copyOf(copy);
        return size + 1;
    }

    /** Counts an answer. Any event loop; allocates nothing. */
    public void onResponse(final int routeIndex, final int statusCode) {
        final int slot = statusCode >= 0 && statusCode < SLOT_OF_CODE.length ? SLOT_OF_CODE[statusCode] : CODES.length;
        requests.incrementAndGet(routeIndex * CODE_SLOTS + slot);
    }

    /**
     * Counts a refused ingest request and, when known, how many ticks it held.
     *
     * @param ticks the ticks of the request, or 0 if the body was not (fully) parsed.
     */
    public void onIngestRejected(final Reject reason, final int ticks) {
        rejectedRequests.incrementAndGet(reason.ordinal());
        if (ticks > 0) {
            rejectedTicks.addAndGet(reason.ordinal(), ticks);
        }
    }

    /**
     * Counts a request answered {@code 500} because of an unexpected failure: its route threw, or its answer could
     * not be made ready. Any event loop; allocates nothing.
     */
    public void onInternalError() {
        internalErrors.incrementAndGet();
    }

    /** @return requests answered {@code 500} because of an unexpected failure. */
    public long internalErrors() {
        return internalErrors.get();
    }

    /** Records the time from a request being taken up to its acknowledgement. Any event loop. */
    public void onAcknowledged(final long receivedNs, final long nowNs) {
        EngineMetrics.record(ackLatency, nowNs - receivedNs, EngineMetrics.MAX_LATENCY_NS);
    }

    /** @return the number of route indexes in use, including {@link #OTHER_ROUTE} (index 0). */
    int routeCount() {
        return routeIndex.size() + 1;
    }

    /** @return the label of a route index. */
    String route(final int index) {
        return routes[index];
    }

    /** @return the label of a status code slot: the code, or {@code other}. */
    static String code(final int slot) {
        return slot < CODES.length ? Integer.toString(CODES[slot]) : "other";
    }

    static int codeSlots() {
        return CODE_SLOTS;
    }

    static int slotOf(final int statusCode) {
        return SLOT_OF_CODE[statusCode];
    }

    /** @return answers counted for a route index and status code slot. */
    long requests(final int routeIndex, final int codeSlot) {
        return requests.get(routeIndex * CODE_SLOTS + codeSlot);
    }

    /** @return answers counted for a route path and status code, 0 if the path is not registered. For tests. */
    public long requests(final String route, final int statusCode) {
        final int index = OTHER_ROUTE.equals(route) ? 0 : routeIndex.getOrDefault(route, -1);
        return index < 0 ? 0 : requests(index, SLOT_OF_CODE[statusCode]);
    }

    /** @return answers counted over all routes with this status code (one of {@link #CODES}). */
    public long requestsWithCode(final int statusCode) {
        final int slot = SLOT_OF_CODE[statusCode];
        long total = 0;
        for (int route = 0; route < routeCount(); route++) {
            total += requests(route, slot);
        }
        return total;
    }

    /** @return answers counted over all routes with a status code of at least {@code minCode}. */
    public long requestsWithCodeAtLeast(final int minCode) {
        long total = 0;
        for (int route = 0; route < routeCount(); route++) {
            for (int slot = 0; slot < CODE_SLOTS; slot++) {
                if (slot == CODES.length || CODES[slot] >= minCode) {
                    total += requests(route, slot);
                }
            }
        }
        return total;
    }

    /** @return refused ingest requests for a reason. */
    public long rejectedRequests(final Reject reason) {
        return rejectedRequests.get(reason.ordinal());
    }

    /** @return ticks of refused ingest requests for a reason, where their number was known. */
    public long rejectedTicks(final Reject reason) {
        return rejectedTicks.get(reason.ordinal());
    }
}
