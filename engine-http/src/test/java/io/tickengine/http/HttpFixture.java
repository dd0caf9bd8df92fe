package io.tickengine.http;

import io.tickengine.core.EngineContext;
import io.tickengine.core.security.ApiKeys;
import io.tickengine.core.testsupport.Settle;
import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.http.server.HttpContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** An in-process engine with its HTTP front on a free loopback port, and a client for it. */
final class HttpFixture implements AutoCloseable {
    static final String INGEST_KEY = "ingest-key-0123456789";
    static final String READ_KEY = "read-key-0123456789ab";
    static final String ADMIN_KEY = "admin-key-0123456789a";
    static final String KEYS = INGEST_KEY + "=ingest," + READ_KEY + "=read," + ADMIN_KEY;

    final EngineServer server;
    final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    HttpFixture(final Path dataDir, final String dbUrl, final String... settings) throws Exception {
        this(dataDir, dbUrl, context -> {}, settings);
    }

    /** @param customize changes the engine's context beyond its keys, e.g. wraps its store. */
    HttpFixture(
            final Path dataDir,
            final String dbUrl,
            final java.util.function.Consumer<EngineContext> customize,
            final String... settings)
            throws Exception {
        final EngineContext engine = new EngineContext()
                .set("data.dir", dataDir.toString())
                .set("ring.size", "8192")
                .set("ring.max.batch", "4096")
                .set("writer.flush.interval.ms", "20");
        if (dbUrl != null) {
            engine.set("db.url", dbUrl);
        }
        final HttpContext http = new HttpContext().set("http.port", "0").set("http.bind", "127.0.0.1");
        for (final String setting : settings) {
            final int eq = setting.indexOf('=');
            final String key = setting.substring(0, eq);
            if (key.startsWith("http.")) {
                http.set(key, setting.substring(eq + 1));
            } else {
                engine.set(key, setting.substring(eq + 1));
            }
        }
        customize.accept(engine);
        server = EngineServer.start(engine, http, ApiKeys.parse(KEYS));
    }

    URI uri(final String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    HttpResponse<String> post(final String path, final String contentType, final String body) throws Exception {
        return client.send(
                HttpRequest.newBuilder(uri(path))
                        .header("Content-Type", contentType)
                        .header("X-API-Key", INGEST_KEY)
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(final String pathAndQuery, final String key) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .GET();
        if (key != null) {
            request.header("X-API-Key", key);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** @return the M1 candles of a symbol as CSV lines {@code symbol,M1,open_time,o,h,l,c,tick_volume}. */
    String candlesM1(final String symbol) throws Exception {
        final HttpResponse<String> response =
                get("/candles?symbol=" + symbol + "&tf=M1&limit=100000&format=csv", READ_KEY);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /candles answered " + response.statusCode() + ": " + response.body());
        }
        final StringBuilder lines = new StringBuilder();
        for (final String line : response.body().split("\n")) {
            if (line.startsWith("symbol,")) {
                continue;
            }
            final String[] f = line.split(",");
            lines.append(String.join(",", f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]))
                    .append('\n');
        }
        return lines.toString();
    }

    /**
     * @return the stored ticks of a symbol from {@code GET /ticks}, as sorted lines
     *     {@code symbol,time_msc,bid,ask,last,volume,flags}: ticks of one millisecond may be stored in another order
     *     than a file lists them (arrival order).
     */
    String ticksCsv(final String symbol) throws Exception {
        final HttpResponse<String> response = get("/ticks?symbol=" + symbol + "&limit=100000&format=csv", READ_KEY);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /ticks answered " + response.statusCode() + ": " + response.body());
        }
        return storedTicksCsv(response.body());
    }

    /** @return the body of {@code GET /ticks?format=csv} rendered like {@link #ticksCsv(String)}. */
    static String storedTicksCsv(final String body) {
        final List<String> lines = new java.util.ArrayList<>();
        for (final String line : body.split("\n")) {
            if (!line.startsWith("symbol,")) {
                final String[] f = line.split(",", -1);
                lines.add(String.join(",", f[0], f[1], f[2], f[3], f[4], f[5], f[7]));
            }
        }
        return sortedLines(lines);
    }

    /** @return ticks rendered and sorted like {@link #ticksCsv(String)}. */
    static String ticksCsv(final List<TickFiles.Tick> ticks) {
        final List<String> lines = new java.util.ArrayList<>();
        for (final TickFiles.Tick t : ticks) {
            lines.add(t.symbol() + "," + t.timeMsc() + "," + t.bid() + "," + t.ask() + "," + t.last() + "," + t.volume()
                    + "," + t.flags());
        }
        return sortedLines(lines);
    }

    private static String sortedLines(final List<String> lines) {
        java.util.Collections.sort(lines);
        return String.join("\n", lines) + "\n";
    }

    /** @return the expected M1 candles of a fixture, rendered like {@link #candlesM1}. */
    static String expectedM1(final String fixture) {
        return render(TickFiles.expectedM1(fixture));
    }

    /** @return candles rendered like {@link #candlesM1}. */
    static String render(final List<TickFiles.Candle> candles) {
        final StringBuilder lines = new StringBuilder();
        for (final TickFiles.Candle c : candles) {
            lines.append(String.join(
                            ",",
                            c.symbol(),
                            c.timeframe(),
                            Long.toString(c.openTimeMsc()),
                            Double.toString(c.open()),
                            Double.toString(c.high()),
                            Double.toString(c.low()),
                            Double.toString(c.close()),
                            Long.toString(c.tickVolume())))
                    .append('\n');
        }
        return lines.toString();
    }

    /** @return ticks as a JSON array, with source/seq when {@code source} is not null (seq = index + 1). */
    static String jsonArray(final List<TickFiles.Tick> ticks, final int from, final int to, final String source) {
        final StringBuilder json = new StringBuilder().append('[');
        for (int i = from; i < to; i++) {
            json.append(i == from ? "" : ",").append(jsonObject(ticks.get(i), source, i + 1));
        }
        return json.append(']').toString();
    }

    static String jsonObject(final TickFiles.Tick t, final String source, final long seq) {
        final StringBuilder json = new StringBuilder(160)
                .append("{\"symbol\":\"")
                .append(t.symbol())
                .append("\",\"time_msc\":")
                .append(t.timeMsc())
                .append(",\"bid\":")
                .append(t.bid())
                .append(",\"ask\":")
                .append(t.ask())
                .append(",\"last\":")
                .append(t.last())
                .append(",\"volume\":")
                .append(t.volume())
                .append(",\"flags\":")
                .append(t.flags());
        if (source != null) {
            json.append(",\"source\":\"").append(source).append("\",\"seq\":").append(seq);
        }
        return json.append('}').toString();
    }

    static String csv(final List<TickFiles.Tick> ticks, final int from, final int to) {
        final StringBuilder csv = new StringBuilder("symbol,time_msc,bid,ask,last,volume,flags\n");
        for (int i = from; i < to; i++) {
            final TickFiles.Tick t = ticks.get(i);
            csv.append(t.symbol())
                    .append(',')
                    .append(t.timeMsc())
                    .append(',')
                    .append(t.bid())
                    .append(',')
                    .append(t.ask())
                    .append(',')
                    .append(t.last())
                    .append(',')
                    .append(t.volume())
                    .append(',')
                    .append(t.flags())
                    .append('\n');
        }
        return csv.toString();
    }

    static String ndjson(final List<TickFiles.Tick> ticks, final int from, final int to) {
        final StringBuilder nd = new StringBuilder();
        for (int i = from; i < to; i++) {
            nd.append(jsonObject(ticks.get(i), null, 0)).append('\n');
        }
        return nd.toString();
    }

    /**
     * Waits until everything journaled so far is in the store: candles committed, ticks stored, no bar waiting to be
     * rebuilt (at most 30 s).
     */
    void awaitCommitted() {
        try {
            Settle.await(server.engine(), 30_000);
        } catch (final Exception e) {
            throw new AssertionError("the engine did not settle: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
