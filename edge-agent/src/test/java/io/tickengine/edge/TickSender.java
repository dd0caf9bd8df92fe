package io.tickengine.edge;

import io.tickengine.core.testsupport.TickFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Posts fixture ticks to an agent as an EA would: JSON arrays of {@code batch} ticks with the EA's {@code source}
 * and {@code seq} (= tick index + 1), one request at a time. {@link #acknowledged} is how many ticks the agent has
 * answered 202 for. Stops at the first failure (the agent was killed), so the caller can resend from there.
 */
final class TickSender implements Runnable {
    static final String EA_KEY = "ea-key-0123456789abcdef";

    final AtomicInteger acknowledged;
    private final List<TickFiles.Tick> ticks;
    private final int end;
    private final int batch;
    private final String source;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final int port;
    private volatile Throwable stoppedBy;

    TickSender(
            final List<TickFiles.Tick> ticks,
            final int from,
            final int end,
            final int port,
            final int batch,
            final String source) {
        this.ticks = ticks;
        this.source = source;
        this.acknowledged = new AtomicInteger(from);
        this.end = end;
        this.port = port;
        this.batch = batch;
    }

    @Override
    public void run() {
        try {
            while (acknowledged.get() < end) {
                final int from = acknowledged.get();
                final int to = Math.min(end, from + batch);
                final HttpResponse<String> r = post(port, json(ticks, from, to, source));
                if (r.statusCode() != 202) {
                    stoppedBy = new IllegalStateException(r.statusCode() + " " + r.body());
                    return;
                }
                acknowledged.set(to);
            }
        } catch (final IOException e) {
            stoppedBy = e;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Throwable stoppedBy() {
        return stoppedBy;
    }

    HttpResponse<String> post(final int port, final String json) throws IOException, InterruptedException {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ingest/tick"))
                        .header("Content-Type", "application/json")
                        .header("X-API-Key", EA_KEY)
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** @return ticks {@code [from, to)} as a JSON array, with {@code source} and {@code seq = index + 1}. */
    static String json(final List<TickFiles.Tick> ticks, final int from, final int to, final String source) {
        final StringBuilder json = new StringBuilder().append('[');
        for (int i = from; i < to; i++) {
            final TickFiles.Tick t = ticks.get(i);
            json.append(i == from ? "" : ",")
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
                json.append(",\"source\":\"")
                        .append(source)
                        .append("\",\"seq\":")
                        .append(i + 1);
            }
            json.append('}');
        }
        return json.append(']').toString();
    }

    /** @return a client's health query of the agent on {@code port}. */
    HttpResponse<String> health(final int port) throws IOException, InterruptedException {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
