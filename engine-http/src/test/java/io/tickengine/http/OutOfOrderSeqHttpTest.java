package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.PgDatabase;
import io.tickengine.core.testsupport.PostgresExtension;
import io.tickengine.core.testsupport.TickFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source's seqs arriving out of order over real HTTP: each is accepted once within the window below the source's
 * highest seq, resends are duplicates, a seq below the window is {@code 409} and changes nothing, and the window
 * outlives a restart (graceful, with the journal gone, and a kill -9).
 */
class OutOfOrderSeqHttpTest {
    private static final String FIXTURE = "EURUSD_20260713";
    private static final String SOURCE = "term-01";
    private static final Pattern ACK = Pattern.compile("\\{\"accepted\":(\\d+),\"duplicates\":(\\d+)}");
    /** Out-of-order ticks must not be late: their bars stay open for the whole test. */
    private static final String NO_LATE_TICKS = "candles.late.window.ms=86400000";

    /** Accepted and duplicate counts summed over the 202 answers of some requests. */
    record Counts(int accepted, int duplicates) {
        Counts plus(final Counts other) {
            return new Counts(accepted + other.accepted, duplicates + other.duplicates);
        }
    }

    abstract static class Scenarios extends StoreScenarios {
        Scenarios(final PgDatabase database) {
            super(database);
        }

        private HttpFixture engine(final String... settings) throws Exception {
            final List<String> all = new ArrayList<>(List.of(settings));
            all.add(NO_LATE_TICKS);
            return new HttpFixture(dataDir, dbUrl(), all.toArray(new String[0]));
        }

        @Test
        void shouldAcceptSeqsSentOutOfOrderOnceAndCallEveryResendADuplicate() throws Exception {
            final List<TickFiles.Tick> ticks = TickFiles.ticks(FIXTURE);
            final int n = ticks.size();
            final int third = n / 3;
            // Acceptance 5 of issue 11 over a whole fixture: the middle third, then the first, then the last.
            final int[][] ranges = {{third + 1, 2 * third}, {1, third}, {2 * third + 1, n}};
            try (HttpFixture http = engine()) {
                Counts sent = new Counts(0, 0);
                for (final int[] range : ranges) {
                    sent = sent.plus(postSeqs(http.server.port(), ticks, range[0], range[1], 250));
                }
                assertEquals(new Counts(n, 0), sent);
                http.awaitCommitted();
                assertEquals(
                        HttpFixture.expectedM1(FIXTURE),
                        http.candlesM1(ticks.get(0).symbol()));

                Counts resent = new Counts(0, 0);
                for (final int[] range : ranges) {
                    resent = resent.plus(postSeqs(http.server.port(), ticks, range[0], range[1], 250));
                }
                assertEquals(new Counts(0, n), resent);
                assertEquals(n, http.server.engine().metrics().ticksJournaled.get());
                http.awaitCommitted();
                assertEquals(
                        HttpFixture.expectedM1(FIXTURE),
                        http.candlesM1(ticks.get(0).symbol()));
            }
        }

        @Test
        void shouldRefuseASeqBelowTheWindowWith409AndChangeNothing() throws Exception {
            final List<TickFiles.Tick> ticks = TickFiles.ticks(FIXTURE);
            try (HttpFixture http = engine("dedup.window=1024")) {
                final int port = http.server.port();
                assertEquals(new Counts(100, 0), postSeqs(port, ticks, 2001, 2100, 100));
                final var metrics = http.server.engine().metrics();
                final long journaled = metrics.ticksJournaled.get();
                final long lastIndex = http.server.engine().journal().lastIndex();

                // 2101 is new, but 500 is below the window 1078..2101 once 2101 is in: the request is refused whole.
                final HttpResponse<String> refused = post(port, array(ticks, 2101, 500));
                assertEquals(409, refused.statusCode(), refused.body());
                assertEquals(
                        "{\"error\":\"seq below the dedup window [source=term-01, seq=500, window=1078..2101]\","
                                + "\"index\":1,\"field\":\"seq\",\"status\":409}",
                        refused.body());
                assertEquals(journaled, metrics.ticksJournaled.get());
                assertEquals(lastIndex, http.server.engine().journal().lastIndex());

                // Nothing of it was recorded: 2101 is still new, the window still 1077..2100.
                final HttpResponse<String> below = post(port, array(ticks, 1076));
                assertEquals(409, below.statusCode(), below.body());
                assertTrue(below.body().contains("[source=term-01, seq=1076, window=1077..2100]"), below.body());
                assertEquals(new Counts(2, 0), counts(post(port, array(ticks, 2101, 1078))));
                assertEquals(new Counts(0, 2), counts(post(port, array(ticks, 2101, 1078))));
                assertEquals(journaled + 2, metrics.ticksJournaled.get());

                // Another source's new tick in a refused request is not taken either.
                final String mixed = "[" + HttpFixture.jsonObject(ticks.get(0), "term-02", 7) + ","
                        + HttpFixture.jsonObject(ticks.get(1), SOURCE, 3) + "]";
                final HttpResponse<String> refusedMixed = post(port, mixed);
                assertEquals(409, refusedMixed.statusCode(), refusedMixed.body());
                assertTrue(refusedMixed.body().contains("\"index\":1,\"field\":\"seq\""), refusedMixed.body());
                assertEquals(journaled + 2, metrics.ticksJournaled.get());
                assertEquals(
                        new Counts(1, 0),
                        counts(post(port, "[" + HttpFixture.jsonObject(ticks.get(0), "term-02", 7) + "]")));
            }
        }

        @Test
        void shouldKeepTheWindowInTheStoreAcrossARestartWithoutTheJournal() throws Exception {
            final List<TickFiles.Tick> ticks = TickFiles.ticks(FIXTURE);
            try (HttpFixture http = engine()) {
                assertEquals(new Counts(1190, 0), postWithGap(http.server.port(), ticks));
            }
            if (dbUrl() != null) {
                assertWindowStored();
            }
            // The journal gone, whatever the window knows comes from the store.
            deleteTree(dataDir.resolve("journal"));
            try (HttpFixture http = engine()) {
                final int port = http.server.port();
                assertEquals(new Counts(10, 1190), postSeqs(port, ticks, 1, 1200, 200), "the gap 100..109 is new");
                assertEquals(new Counts(0, 1200), postSeqs(port, ticks, 1, 1200, 200));
            }
        }

        void assertWindowStored() throws Exception {
            // Overridden where the test can reach the database.
        }
    }

    @Nested
    class OnSqlite extends Scenarios {
        OnSqlite() {
            super(null);
        }
    }

    @Nested
    @ExtendWith(PostgresExtension.class)
    class OnPostgres extends Scenarios {
        OnPostgres(final PgDatabase database) {
            super(database);
        }

        @Override
        void assertWindowStored() throws Exception {
            try (Connection c = database().connect();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT last_seq, length(window_bits) FROM engine_source_seq WHERE source = 'term-01'")) {
                assertTrue(rs.next());
                assertEquals(1200, rs.getLong(1));
                assertEquals(32_768 / 8, rs.getInt(2));
            }
        }
    }

    @TempDir
    Path dataDir;

    @Test
    void shouldKeepTheWindowAcrossAKillOfTheEngineProcess() throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks(FIXTURE);
        try (EngineProcess engine = EngineProcess.start(dataDir, "--set", NO_LATE_TICKS)) {
            assertEquals(new Counts(1190, 0), postWithGap(engine.port(), ticks));
            engine.kill();
        }
        try (EngineProcess engine = EngineProcess.start(dataDir, "--set", NO_LATE_TICKS)) {
            final int port = engine.port();
            assertEquals(new Counts(10, 1190), postSeqs(port, ticks, 1, 1200, 200), "the gap 100..109 is new");
            assertEquals(new Counts(0, 1200), postSeqs(port, ticks, 1, 1200, 200));
            // Every tick counted once in the candles, whatever the order and the kill.
            final long deadlineNs = System.nanoTime() + 30_000_000_000L;
            long volume;
            while ((volume = m1TickVolume(port, ticks.get(0).symbol())) != 1200 && deadlineNs - System.nanoTime() > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
            }
            assertEquals(1200, volume);
            assertEquals(0, engine.terminate(), engine.output());
        }
    }

    /** Seqs 401..800, then 1..400 without 100..109, then 801..1200 (seq = tick index + 1). */
    private static Counts postWithGap(final int port, final List<TickFiles.Tick> ticks) throws Exception {
        return postSeqs(port, ticks, 401, 800, 200)
                .plus(postSeqs(port, ticks, 1, 99, 200))
                .plus(postSeqs(port, ticks, 110, 400, 200))
                .plus(postSeqs(port, ticks, 801, 1200, 200));
    }

    /** Posts seqs {@code from..to} (tick {@code seq - 1} each) in requests of {@code batch}, each answered 202. */
    private static Counts postSeqs(
            final int port, final List<TickFiles.Tick> ticks, final int from, final int to, final int batch)
            throws Exception {
        Counts total = new Counts(0, 0);
        for (int seq = from; seq <= to; seq += batch) {
            final int end = Math.min(to, seq + batch - 1);
            total = total.plus(counts(post(port, HttpFixture.jsonArray(ticks, seq - 1, end, SOURCE))));
        }
        return total;
    }

    /** @return the ticks with these seqs (tick {@code seq - 1} each), as a JSON array from {@link #SOURCE}. */
    private static String array(final List<TickFiles.Tick> ticks, final long... seqs) {
        final StringBuilder json = new StringBuilder("[");
        for (final long seq : seqs) {
            json.append(json.length() > 1 ? "," : "")
                    .append(HttpFixture.jsonObject(ticks.get((int) seq - 1), SOURCE, seq));
        }
        return json.append(']').toString();
    }

    private static Counts counts(final HttpResponse<String> response) {
        assertEquals(202, response.statusCode(), response.body());
        final Matcher m = ACK.matcher(response.body());
        assertTrue(m.matches(), response.body());
        return new Counts(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private static HttpResponse<String> post(final int port, final String json) throws Exception {
        return CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ingest/tick"))
                        .header("Content-Type", "application/json")
                        .header("X-API-Key", HttpFixture.INGEST_KEY)
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** @return the sum of the M1 tick volumes of a symbol, from {@code GET /candles}. */
    private static long m1TickVolume(final int port, final String symbol) throws Exception {
        final HttpResponse<String> response = CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/candles?symbol=" + symbol
                                + "&tf=M1&limit=100000&format=csv"))
                        .header("X-API-Key", HttpFixture.READ_KEY)
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        long volume = 0;
        for (final String line : response.body().split("\n")) {
            if (!line.isBlank() && !line.startsWith("symbol,")) {
                volume += Long.parseLong(line.split(",")[7]);
            }
        }
        return volume;
    }

    private static void deleteTree(final Path root) throws Exception {
        try (Stream<Path> paths = Files.walk(root)) {
            for (final Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
