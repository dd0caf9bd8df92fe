package io.tickengine.http.mql5;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code SignalExecutor.mq5} in Java: poll {@code /signals/next}; a signal with a recorded outcome is acked again,
 * any other is "traded" (a ticket counted in {@link #trades}), recorded, then acked. {@code loseAck} drops chosen
 * acks on the floor, as a lost response or a terminal stopping before the ack would.
 */
final class SignalExecutorSimulator {
    private static final Pattern SIGNAL_ID = Pattern.compile("\"signal_id\":\"([^\"]+)\"");
    private static final Pattern LEASE_ID = Pattern.compile("\"lease_id\":\"([^\"]+)\"");

    private final String baseUrl;
    private final String apiKey;
    private final String consumer;
    private final Predicate<String> loseAck;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    /** The EA's outcome file: signal id to ticket. Shared by the consumers of one terminal. */
    private final Map<String, Long> recorded;
    /** Orders sent to the "broker": signal id to how many times it was traded. */
    final Map<String, Integer> trades;

    int acks;

    SignalExecutorSimulator(
            final String baseUrl,
            final String apiKey,
            final String consumer,
            final Map<String, Long> recorded,
            final Map<String, Integer> trades,
            final Predicate<String> loseAck) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.consumer = consumer;
        this.recorded = recorded;
        this.trades = trades;
        this.loseAck = loseAck;
    }

    /**
     * {@code OnTimer}: one poll.
     *
     * @return true if a signal was leased.
     */
    boolean onTimer() {
        try {
            final HttpResponse<String> next = client.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + "/signals/next?consumer=" + consumer))
                            .header("X-API-Key", apiKey)
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (next.statusCode() != 200) {
                return false;
            }
            final String signalId = group(SIGNAL_ID, next.body());
            final String leaseId = group(LEASE_ID, next.body());
            Long ticket;
            synchronized (recorded) {
                ticket = recorded.get(signalId);
                if (ticket == null) {
                    ticket = 1_000_000L + trades.size();
                    trades.merge(signalId, 1, Integer::sum);
                    recorded.put(signalId, ticket);
                }
            }
            if (loseAck.test(signalId)) {
                return true;
            }
            final String ack = Mql5Json.ack(signalId, leaseId, consumer, "executed", ticket, 1.14273, 10009, "done");
            final HttpResponse<String> answer = client.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + "/signals/ack"))
                            .header("X-API-Key", apiKey)
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(10))
                            .POST(HttpRequest.BodyPublishers.ofString(ack))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 200) {
                acks++;
            }
            return true;
        } catch (final java.io.IOException e) {
            return false; // engine down: poll again at the next timer
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static Map<String, Long> newRecord() {
        return new LinkedHashMap<>();
    }

    private static String group(final Pattern pattern, final String text) {
        final Matcher m = pattern.matcher(text);
        if (!m.find()) {
            throw new AssertionError("no " + pattern + " in " + text);
        }
        return m.group(1);
    }
}
