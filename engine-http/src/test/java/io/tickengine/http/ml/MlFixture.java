package io.tickengine.http.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.http.EngineServer;
import io.tickengine.ml.MlBatchMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The ML loop's data for engine tests: the real 1-minute bars of {@code ../shared/data/bars} posted to a running
 * engine through {@code POST /ingest}, and the {@code ml-batch} jobs run in-process against its store.
 */
public final class MlFixture {
    /** The symbol the bars are posted as. */
    public static final String SYMBOL = "BTCALT";
    /** The last day of the bars, 2017-11-14 UTC: the held-out period. */
    public static final String TEST_FROM = "1510617600000";

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private MlFixture() {}

    /** Posts the first {@code count} bars as {@code symbol} and waits until the store holds them. */
    public static void postBars(final EngineServer server, final String key, final String symbol, final int count)
            throws Exception {
        final List<String> lines =
                Files.readAllLines(TickFiles.dataDir().resolveSibling("bars").resolve("BTCALT_M1_2017.csv"));
        final List<String> bars = lines.subList(1, Math.min(lines.size(), count + 1));
        for (int start = 0; start < bars.size(); start += 2000) {
            final StringBuilder body = new StringBuilder().append('[');
            for (int i = start; i < Math.min(bars.size(), start + 2000); i++) {
                final String[] f = bars.get(i).split(",");
                body.append(i == start ? "" : ",")
                        .append("{\"symbol\":\"")
                        .append(symbol)
                        .append("\",\"timeframe\":\"M1\",\"time_msc\":")
                        .append(f[0])
                        .append(",\"open\":")
                        .append(f[1])
                        .append(",\"high\":")
                        .append(f[2])
                        .append(",\"low\":")
                        .append(f[3])
                        .append(",\"close\":")
                        .append(f[4])
                        .append(",\"real_volume\":")
                        .append(f[5])
                        .append('}');
            }
            final HttpResponse<String> answer = send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/ingest"))
                    .header("X-API-Key", key)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.append(']').toString())));
            assertEquals(202, answer.statusCode(), answer.body());
        }
        final long deadlineNs = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (server.engine()
                        .store()
                        .candles(symbol, Timeframe.M1, 0, Long.MAX_VALUE / 2, 1_000_000)
                        .size()
                < bars.size()) {
            if (deadlineNs - System.nanoTime() < 0) {
                throw new AssertionError("the store did not get the bars in time [symbol=" + symbol + "]");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
    }

    /** {@code GET path} with the key. */
    public static HttpResponse<String> get(final EngineServer server, final String key, final String path)
            throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("X-API-Key", key)
                .GET());
    }

    private static HttpResponse<String> send(final HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Runs {@code ml-batch} with these arguments in-process.
     *
     * @return what it printed on standard output.
     * @throws AssertionError when it exits non-zero.
     */
    public static String mlBatch(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final var cli = MlBatchMain.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        final int code = cli.execute(args);
        if (code != 0) {
            throw new AssertionError("ml-batch " + String.join(" ", args) + " exited " + code + ": " + err);
        }
        return out.toString();
    }

    /** prepare, train and evaluate a model of {@link #SYMBOL} into {@code modelDir}. */
    public static void trainModel(final List<String> storeArgs, final Path work, final Path modelDir, final long seed) {
        final Path csv = work.resolve("dataset-" + seed + ".csv");
        final List<String> prepare = new java.util.ArrayList<>(List.of("prepare"));
        prepare.addAll(storeArgs);
        prepare.addAll(List.of("--symbol", SYMBOL, "--out", csv.toString()));
        mlBatch(prepare.toArray(new String[0]));
        mlBatch(
                "train",
                "--dataset",
                csv.toString(),
                "--test-from",
                TEST_FROM,
                "--model-out",
                modelDir.toString(),
                "--seed",
                Long.toString(seed));
        mlBatch("evaluate", "--model", modelDir.toString(), "--dataset", csv.toString(), "--test-from", TEST_FROM);
    }
}
