package io.tickengine.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Reads a running engine (a child process, {@link EngineProcess})'s candles and ticks over HTTP, rendered for comparison. */
final class EngineClient {
    private final int port;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    EngineClient(final int port) {
        this.port = port;
    }

    String get(final String pathAndQuery) throws Exception {
        final HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                        .header("X-API-Key", HttpFixture.READ_KEY)
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + pathAndQuery + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /** @return M1 candles as lines {@code symbol,M1,open_time,o,h,l,c,tick_volume}. */
    String candlesM1(final String symbol) throws Exception {
        final StringBuilder lines = new StringBuilder();
        for (final String line : get("/candles?symbol=" + symbol + "&tf=M1&limit=100000&format=csv")
                .split("\n")) {
            if (!line.startsWith("symbol,") && !line.isEmpty()) {
                final String[] f = line.split(",");
                lines.append(String.join(",", f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]))
                        .append('\n');
            }
        }
        return lines.toString();
    }

    /** @return stored ticks as sorted lines {@code symbol,time_msc,bid,ask,last,volume,flags}. */
    List<String> ticks(final String symbol) throws Exception {
        final List<String> lines = new ArrayList<>();
        for (final String line :
                get("/ticks?symbol=" + symbol + "&limit=100000&format=csv").split("\n")) {
            if (!line.startsWith("symbol,") && !line.isEmpty()) {
                final String[] f = line.split(",", -1);
                lines.add(String.join(",", f[0], f[1], f[2], f[3], f[4], f[5], f[7]));
            }
        }
        Collections.sort(lines);
        return lines;
    }

    /** Polls the tick store until it holds at least {@code count} ticks of the symbol (it runs behind the journal). */
    List<String> awaitTicks(final String symbol, final int count) throws Exception {
        final long deadlineNs = System.nanoTime() + 60_000_000_000L;
        List<String> ticks;
        do {
            ticks = ticks(symbol);
            if (ticks.size() >= count) {
                return ticks;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
        } while (System.nanoTime() - deadlineNs < 0);
        return ticks;
    }
}
