import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * GET /predict at a fixed rate; latency measured from when each request was due (so a slow answer that delays the
 * next request counts against it). Prints p50, p99, p99.9 and max in milliseconds, and the non-200 answers.
 *
 * <p>Usage: java PredictLatency.java URL API_KEY RATE SECONDS (a single-file program; JDK 17+).
 */
public final class PredictLatency {
    public static void main(final String[] args) throws Exception {
        final URI uri = URI.create(args[0]);
        final String key = args[1];
        final double rate = Double.parseDouble(args[2]);
        final int seconds = Integer.parseInt(args[3]);
        final HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(8))
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        final HttpRequest request =
                HttpRequest.newBuilder(uri).header("X-API-Key", key).timeout(Duration.ofSeconds(5)).GET().build();
        for (int i = 0; i < 200; i++) { // warm-up: connections, JIT, the engine's answer cache
            client.send(request, HttpResponse.BodyHandlers.discarding());
        }
        final int total = (int) (rate * seconds);
        final long[] latencyNs = new long[total];
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        final long startNs = System.nanoTime();
        final long intervalNs = (long) (1e9 / rate);
        for (int i = 0; i < total; i++) {
            final int index = i;
            final long dueNs = startNs + i * intervalNs;
            timer.schedule(
                    () -> client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                            .whenComplete((response, error) -> {
                                latencyNs[index] = System.nanoTime() - dueNs;
                                if (error != null || response.statusCode() != 200) {
                                    failed.incrementAndGet();
                                }
                                done.incrementAndGet();
                            }),
                    dueNs - System.nanoTime(),
                    TimeUnit.NANOSECONDS);
        }
        timer.shutdown();
        timer.awaitTermination(seconds + 30L, TimeUnit.SECONDS);
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (done.get() < total && deadlineNs - System.nanoTime() > 0) {
            Thread.sleep(10); // a benchmark driver, not a test: waiting for the last answers
        }
        Arrays.sort(latencyNs);
        System.out.printf(
                Locale.ROOT,
                "{\"requests\":%d,\"rate\":%.0f,\"non_200\":%d,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,"
                        + "\"max_ms\":%.3f}%n",
                total,
                rate,
                failed.get(),
                pct(latencyNs, 0.50),
                pct(latencyNs, 0.99),
                pct(latencyNs, 0.999),
                latencyNs[total - 1] / 1e6);
        System.exit(0);
    }

    private static double pct(final long[] sorted, final double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
