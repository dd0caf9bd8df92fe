package io.tickengine.http.mql5;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * {@code TickCollector.mq5} in Java, step for step: on each timer, per symbol, {@code CopyTicksRange} from the last
 * tick time seen, skipping the ticks of that boundary millisecond already collected; ticks numbered with the
 * terminal's source and seq; batches spooled, sent in order, kept until a 2xx.
 */
final class TickCollectorSimulator {
    private final List<Terminal> terminals;
    private final String source;
    private final int serverOffsetS;
    private final int batchMax;
    private final String endpoint;
    private final String apiKey;
    private final long[] lastMsc;
    private final int[] atLast;
    private final Deque<String> spool = new ArrayDeque<>();
    private final List<String> allBatches = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private long seq;
    long accepted;
    long duplicates;
    int failures;

    TickCollectorSimulator(
            final List<Terminal> terminals,
            final String source,
            final int serverOffsetS,
            final int batchMax,
            final String endpoint,
            final String apiKey) {
        this.terminals = terminals;
        this.source = source;
        this.serverOffsetS = serverOffsetS;
        this.batchMax = batchMax;
        this.endpoint = endpoint;
        this.apiKey = apiKey;
        this.lastMsc = new long[terminals.size()];
        this.atLast = new int[terminals.size()];
    }

    /** {@code OnTimer}: collect, then send. */
    void onTimer() {
        collect();
        send();
    }

    int pendingBatches() {
        return spool.size();
    }

    /** @return every batch body spooled so far, in order (what the EA wrote to its spool files). */
    List<String> batches() {
        return allBatches;
    }

    private void collect() {
        final StringBuilder batch = new StringBuilder();
        int inBatch = 0;
        for (int i = 0; i < terminals.size(); i++) {
            final Terminal terminal = terminals.get(i);
            final long from = lastMsc[i] == 0 ? Long.MIN_VALUE : lastMsc[i];
            int skip = lastMsc[i] == 0 ? 0 : atLast[i];
            for (final Terminal.MqlTick tick : terminal.copyTicksRange(from)) {
                final long t = tick.timeMsc();
                if (t == lastMsc[i] && skip > 0) {
                    skip--;
                    continue;
                }
                if (t == lastMsc[i]) {
                    atLast[i]++;
                } else {
                    lastMsc[i] = t;
                    atLast[i] = 1;
                }
                seq++;
                batch.append(inBatch == 0 ? "[" : ",")
                        .append(Mql5Json.tick(
                                terminal.symbol(),
                                t - serverOffsetS * 1000L,
                                tick.bid(),
                                tick.ask(),
                                tick.last(),
                                tick.volume(),
                                tick.volumeReal(),
                                tick.flags(),
                                terminal.digits(),
                                source,
                                seq,
                                serverOffsetS));
                inBatch++;
                if (inBatch == batchMax) {
                    spool(batch.append(']').toString());
                    batch.setLength(0);
                    inBatch = 0;
                }
            }
        }
        if (inBatch > 0) {
            spool(batch.append(']').toString());
        }
    }

    private void spool(final String body) {
        spool.addLast(body);
        allBatches.add(body);
    }

    private void send() {
        while (!spool.isEmpty()) {
            final HttpResponse<String> response;
            try {
                response = client.send(
                        HttpRequest.newBuilder(URI.create(endpoint))
                                .header("X-API-Key", apiKey)
                                .header("Content-Type", "application/json")
                                .timeout(Duration.ofSeconds(10))
                                .POST(HttpRequest.BodyPublishers.ofString(spool.peekFirst()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (final java.io.IOException e) {
                failures++; // engine down: keep the batch, try at the next timer (the EA backs off)
                return;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (response.statusCode() / 100 != 2) {
                if (response.statusCode() == 400 || response.statusCode() == 413) {
                    throw new AssertionError("the engine refused a batch the EA built: " + response.body());
                }
                failures++;
                return;
            }
            spool.removeFirst();
            accepted += number(response.body(), "accepted");
            duplicates += number(response.body(), "duplicates");
        }
    }

    private static long number(final String json, final String key) {
        final int at = json.indexOf("\"" + key + "\":");
        if (at < 0) {
            return 0;
        }
        int end = at + key.length() + 3;
        while (end < json.length() && Character.isDigit(json.charAt(end))) {
            end++;
        }
        return Long.parseLong(json.substring(at + key.length() + 3, end));
    }
}
