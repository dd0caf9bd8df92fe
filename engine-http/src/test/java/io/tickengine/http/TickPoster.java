package io.tickengine.http;

import io.tickengine.core.testsupport.TickFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client that posts a fixture in batches with {@code source}/{@code seq} (seq = tick index + 1), as the edge
 * agent would, and records how far it got acknowledged. Stops at the first failure (the engine was killed).
 */
final class TickPoster implements Runnable {
    final AtomicInteger acknowledged;
    private final List<TickFiles.Tick> ticks;
    private final int port;
    private final int batch;
    private final String source;
    private final int end;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private volatile Throwable stoppedBy;

    TickPoster(
            final List<TickFiles.Tick> ticks,
            final int from,
            final int end,
            final int port,
            final int batch,
            final String source) {
        this.ticks = ticks;
        this.acknowledged = new AtomicInteger(from);
        this.end = end;
        this.port = port;
        this.batch = batch;
        this.source = source;
    }

    @Override
    public void run() {
        try {
            while (acknowledged.get() < end) {
                final int from = acknowledged.get();
                final int to = Math.min(end, from + batch);
                final HttpResponse<String> r = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ingest/tick"))
                                .header("Content-Type", "application/json")
                                .header("X-API-Key", HttpFixture.INGEST_KEY)
                                .timeout(Duration.ofSeconds(30))
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        HttpFixture.jsonArray(ticks, from, to, source)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 503) {
                    // Shutting down or ring full: not acknowledged, so resent later.
                    stoppedBy = new IllegalStateException("503 " + r.body());
                    return;
                }
                if (r.statusCode() != 202) {
                    throw new AssertionError("unexpected answer " + r.statusCode() + ": " + r.body());
                }
                acknowledged.set(to);
            }
        } catch (final java.io.IOException e) {
            stoppedBy = e; // the engine went away mid-request: that request is not acknowledged
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Throwable stoppedBy() {
        return stoppedBy;
    }
}
