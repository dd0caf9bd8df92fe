package io.tickengine.bench.load;

/** How the load generator writes ticks into a request body. */
public enum BodyFormat {
    /** One object, or an array of objects for more than one tick ({@code application/json}): what MT5 EAs send. */
    JSON("application/json"),
    /** One object per line ({@code application/x-ndjson}). */
    NDJSON("application/x-ndjson"),
    /** The engine's CSV with its header line ({@code text/csv}). */
    CSV("text/csv"),
    /** InfluxDB line protocol, one line per tick, times in milliseconds: QuestDB's ILP over HTTP. */
    ILP("text/plain; charset=utf-8");

    final String contentType;

    /** @return the Content-Type header value. */
    public String contentType() {
        return contentType;
    }

    BodyFormat(final String contentType) {
        this.contentType = contentType;
    }
}
