package io.tickengine.edge.forward;

/**
 * The engine's answer to one batch, classified by what the agent does next.
 *
 * @param status the HTTP status, 0 if there was no answer (network error, timeout).
 * @param accepted ticks the engine journaled (2xx), else 0.
 * @param duplicates ticks the engine dropped as already seen from this source (2xx), else 0.
 * @param retryAfterMs the engine's {@code Retry-After}, or -1.
 * @param errorIndex the index of the offending tick in the batch (400), or -1.
 * @param errorField its offending field, or {@code null}.
 * @param message the engine's error message or the network error, or {@code null}.
 */
public record EngineAnswer(
        Kind kind,
        int status,
        int accepted,
        int duplicates,
        long retryAfterMs,
        int errorIndex,
        String errorField,
        String message) {

    /** What the forwarder does with the batch. */
    public enum Kind {
        /** 2xx: every tick of the batch is in the engine's journal (or was already): advance the mark. */
        ACCEPTED,
        /**
         * 400, 409 (a seq below the engine's dedup window for this source) or 422 (the engine's symbol or source
         * table is full, until its operator raises {@code names.capacity}): the engine rejects the data; the batch
         * must not be retried as it is: quarantine.
         */
        INVALID,
        /** 413: too many ticks or bytes for the engine: send smaller batches. */
        TOO_LARGE,
        /** No answer, 429, 503 or another 5xx: the engine cannot take it now: retry later, unchanged. */
        RETRY,
        /** 401, 403, 404 and other 4xx: the agent is misconfigured (key, URL); nothing wrong with the data: retry. */
        REFUSED
    }

    /** @return a one-line description for logs, {@code status} and the quarantine reason. */
    public String describe() {
        final StringBuilder sb = new StringBuilder();
        if (status == 0) {
            sb.append("engine unreachable: ").append(message);
            return sb.toString();
        }
        sb.append("engine answered ").append(status);
        if (message != null) {
            sb.append(": ").append(message);
        }
        if (errorIndex >= 0 || errorField != null) {
            sb.append(" [");
            if (errorIndex >= 0) {
                sb.append("index=").append(errorIndex);
            }
            if (errorField != null) {
                sb.append(errorIndex >= 0 ? ", " : "").append("field=").append(errorField);
            }
            sb.append(']');
        }
        return sb.toString();
    }
}
