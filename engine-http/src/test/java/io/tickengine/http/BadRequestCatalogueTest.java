package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad request gets its documented status and JSON error body ({@code docs/api.md}), and none of them
 * leaves anything in the journal or the candles.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadRequestCatalogueTest {
    /** One bad request: what is sent and what must come back. */
    record Case(String name, byte[] request, int status, String field, Integer index) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String TICK =
            "{\"symbol\":\"EURUSD\",\"time_msc\":1783944000093,\"bid\":1.14273,\"ask\":1.14277,\"flags\":6}";
    private static final int MAX_BODY = 65_536;

    private HttpFixture http;

    @BeforeAll
    void start(@TempDir final Path dataDir) throws Exception {
        http = new HttpFixture(dataDir, null, "http.max.body.bytes=" + MAX_BODY, "ring.max.batch=1000");
    }

    @AfterAll
    void shouldHaveLeftNothingInTheJournalOrTheCandles() throws Exception {
        // Runs once the whole catalogue has been sent.
        try {
            assertEquals(0, http.server.engine().metrics().ticksJournaled.get(), "no bad tick may reach the journal");
            assertEquals(-1, http.server.engine().journal().lastIndex(), "the journal must be empty");
            assertEquals("", http.candlesM1("EURUSD"), "no candle may come from a bad request");
        } finally {
            http.close();
        }
    }

    Stream<Case> catalogue() {
        final List<Case> cases = new ArrayList<>();
        // Body syntax
        json(cases, "unclosed object", "{\"symbol\":\"EURUSD\",", 400, null, null);
        json(cases, "unclosed array", "[" + TICK, 400, null, null);
        json(
                cases,
                "trailing comma in object",
                "{\"symbol\":\"EURUSD\",\"time_msc\":1783944000093,\"bid\":1.1,}",
                400,
                null,
                null);
        json(cases, "trailing comma in array", "[" + TICK + ",]", 400, null, null);
        json(cases, "single quotes", "{'symbol':'EURUSD','time_msc':1783944000093,'bid':1.1}", 400, null, null);
        json(
                cases,
                "comment",
                "{/* c */\"symbol\":\"EURUSD\",\"time_msc\":1783944000093,\"bid\":1.1}",
                400,
                null,
                null);
        json(cases, "garbage after value", TICK + "x", 400, null, null);
        json(cases, "number with leading zero", tick("\"bid\":01.1"), 400, null, 0);
        json(cases, "bad escape in unknown field", tick("\"note\":\"\\q\""), 400, null, 0);
        json(cases, "duplicate field", tick("\"bid\":1.1,\"bid\":1.2"), 400, "bid", 0);
        // Types and values
        json(cases, "bid as string", tick("\"bid\":\"1.1\""), 400, "bid", 0);
        json(
                cases,
                "time_msc as string",
                "{\"symbol\":\"EURUSD\",\"time_msc\":\"1783944000093\",\"bid\":1.1}",
                400,
                "time_msc",
                0);
        json(
                cases,
                "time_msc with fraction",
                "{\"symbol\":\"EURUSD\",\"time_msc\":1783944000093.5,\"bid\":1.1}",
                400,
                "time_msc",
                0);
        json(cases, "flags as float", tick("\"flags\":6.5"), 400, "flags", 0);
        json(cases, "bid NaN", tick("\"bid\":NaN"), 400, "bid", 0);
        json(cases, "ask Infinity", tick("\"ask\":Infinity"), 400, "ask", 0);
        json(cases, "last -Infinity", tick("\"last\":-Infinity"), 400, "last", 0);
        json(cases, "negative bid", tick("\"bid\":-1.1"), 400, "bid", 0);
        json(
                cases,
                "all prices zero",
                "{\"symbol\":\"EURUSD\",\"time_msc\":1783944000093,\"bid\":0,\"ask\":0}",
                400,
                "tick",
                0);
        json(cases, "negative volume", tick("\"volume\":-5"), 400, "volume", 0);
        json(
                cases,
                "time before 2000",
                "{\"symbol\":\"EURUSD\",\"time_msc\":86400000,\"bid\":1.1}",
                400,
                "time_msc",
                0);
        json(
                cases,
                "time two days ahead",
                "{\"symbol\":\"EURUSD\",\"time_msc\":" + (System.currentTimeMillis() + 2 * 86_400_000L)
                        + ",\"bid\":1.1}",
                400,
                "time_msc",
                0);
        json(cases, "flags outside the MqlTick mask", tick("\"flags\":1024"), 400, "flags", 0);
        json(cases, "seq without source", tick("\"seq\":5"), 400, "seq", 0);
        json(cases, "negative seq", tick("\"source\":\"ea-1\",\"seq\":-5"), 400, "seq", 0);
        json(cases, "huge integer", tick("\"volume\":99999999999999999999999"), 400, "volume", 0);
        // Missing fields and names
        json(cases, "missing symbol", "{\"time_msc\":1783944000093,\"bid\":1.1}", 400, "symbol", 0);
        json(cases, "missing time_msc", "{\"symbol\":\"EURUSD\",\"bid\":1.1}", 400, "time_msc", 0);
        json(cases, "null symbol", "{\"symbol\":null,\"time_msc\":1783944000093,\"bid\":1.1}", 400, "symbol", 0);
        json(
                cases,
                "symbol with a slash",
                "{\"symbol\":\"EUR/USD\",\"time_msc\":1783944000093,\"bid\":1.1}",
                400,
                "symbol",
                0);
        json(
                cases,
                "symbol too long",
                "{\"symbol\":\"" + "X".repeat(40) + "\",\"time_msc\":1783944000093,\"bid\":1.1}",
                400,
                "symbol",
                0);
        json(cases, "empty symbol", "{\"symbol\":\"\",\"time_msc\":1783944000093,\"bid\":1.1}", 400, "symbol", 0);
        json(cases, "bad source", tick("\"source\":\"ea 1\",\"seq\":1"), 400, "source", 0);
        json(
                cases,
                "second tick of three bad",
                "[" + TICK + "," + tick("\"bid\":-1") + "," + TICK + "]",
                400,
                "bid",
                1);
        // Empty
        json(cases, "empty body", "", 400, null, null);
        json(cases, "empty array", "[]", 400, null, null);
        json(cases, "only whitespace", "  \n ", 400, null, null);
        // Encoding
        cases.add(new Case(
                "invalid UTF-8 in symbol",
                post(
                        "application/json",
                        bytes(
                                "{\"symbol\":\"EUR",
                                new byte[] {(byte) 0xC3, (byte) 0x28},
                                "\",\"time_msc\":1783944000093,\"bid\":1.1}")),
                400,
                null,
                null));
        cases.add(new Case(
                "invalid UTF-8 in an unknown field",
                post(
                        "application/json",
                        bytes(TICK.substring(0, TICK.length() - 1) + ",\"note\":\"", new byte[] {(byte) 0xFF}, "\"}")),
                400,
                null,
                null));
        // Other formats
        cases.add(new Case(
                "NDJSON with a bad second line",
                post(
                        "application/x-ndjson",
                        (TICK + "\n" + tick("\"ask\":-2") + "\n").getBytes(StandardCharsets.UTF_8)),
                400,
                "ask",
                1));
        cases.add(new Case(
                "CSV with an unknown column",
                post(
                        "text/csv",
                        "symbol,time_msc,bid,colour\nEURUSD,1783944000093,1.1,red\n".getBytes(StandardCharsets.UTF_8)),
                400,
                null,
                null));
        cases.add(new Case(
                "CSV row with a missing field",
                post(
                        "text/csv",
                        "symbol,time_msc,bid,ask\nEURUSD,1783944000093,1.1\n".getBytes(StandardCharsets.UTF_8)),
                400,
                null,
                0));
        cases.add(new Case(
                "CSV header only",
                post("text/csv", "symbol,time_msc,bid,ask\n".getBytes(StandardCharsets.UTF_8)),
                400,
                null,
                null));
        // Media type and sizes
        cases.add(new Case(
                "text/plain body", post("text/plain", TICK.getBytes(StandardCharsets.UTF_8)), 415, null, null));
        cases.add(new Case(
                "no Content-Type",
                RawHttp.request(
                        "POST",
                        "/ingest/tick",
                        Map.of("X-API-Key", HttpFixture.INGEST_KEY),
                        TICK.getBytes(StandardCharsets.UTF_8)),
                415,
                null,
                null));
        cases.add(new Case("body over the limit", post("application/json", new byte[MAX_BODY + 1]), 413, null, null));
        cases.add(new Case(
                "more ticks than one request may carry",
                post(
                        "application/json",
                        ("[" + String.join(",", java.util.Collections.nCopies(1001, TICK)) + "]")
                                .getBytes(StandardCharsets.UTF_8)),
                413,
                null,
                null));
        final Map<String, String> bigHeaders = headers("application/json");
        bigHeaders.put("X-Padding", "p".repeat(10_000));
        cases.add(new Case(
                "headers over the limit",
                RawHttp.request("POST", "/ingest/tick", bigHeaders, TICK.getBytes(StandardCharsets.UTF_8)),
                431,
                null,
                null));
        cases.add(new Case(
                "request line over the limit",
                RawHttp.request(
                        "GET", "/candles?symbol=" + "E".repeat(5000), Map.of("X-API-Key", HttpFixture.READ_KEY), null),
                414,
                null,
                null));
        // HTTP framing
        final Map<String, String> smuggle = headers("application/json");
        smuggle.put("Content-Length", "4");
        smuggle.put("Transfer-Encoding", "chunked");
        cases.add(new Case(
                "Content-Length with Transfer-Encoding",
                RawHttp.request(
                        "POST",
                        "/ingest/tick",
                        smuggle,
                        ("5\r\n" + "[1,2]" + "\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII)),
                400,
                null,
                null));
        cases.add(new Case(
                "garbage request line", "HELLO THERE\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 400, null, null));
        // Routing and keys
        cases.add(new Case("unknown path", post("/ingest/nothing", "application/json", TICK), 404, null, null));
        cases.add(new Case(
                "wrong method",
                RawHttp.request("GET", "/ingest/tick", Map.of("X-API-Key", HttpFixture.INGEST_KEY), null),
                405,
                null,
                null));
        cases.add(new Case(
                "missing key",
                RawHttp.request(
                        "POST",
                        "/ingest/tick",
                        Map.of("Content-Type", "application/json"),
                        TICK.getBytes(StandardCharsets.UTF_8)),
                401,
                null,
                null));
        final Map<String, String> wrongKey = headers("application/json");
        wrongKey.put("X-API-Key", "not-a-key-0123456789");
        cases.add(new Case(
                "unknown key",
                RawHttp.request("POST", "/ingest/tick", wrongKey, TICK.getBytes(StandardCharsets.UTF_8)),
                401,
                null,
                null));
        final Map<String, String> readKey = headers("application/json");
        readKey.put("X-API-Key", HttpFixture.READ_KEY);
        cases.add(new Case(
                "key without the ingest scope",
                RawHttp.request("POST", "/ingest/tick", readKey, TICK.getBytes(StandardCharsets.UTF_8)),
                403,
                null,
                null));
        cases.add(new Case(
                "candles without a key",
                RawHttp.request("GET", "/candles?symbol=EURUSD", Map.of(), null),
                401,
                null,
                null));
        cases.add(new Case(
                "candles with an ingest-only key",
                RawHttp.request("GET", "/candles?symbol=EURUSD", Map.of("X-API-Key", HttpFixture.INGEST_KEY), null),
                403,
                null,
                null));
        cases.add(new Case(
                "candles with a bad timeframe",
                RawHttp.request("GET", "/candles?symbol=EURUSD&tf=M2", Map.of("X-API-Key", HttpFixture.READ_KEY), null),
                400,
                "tf",
                null));
        cases.add(new Case(
                "candles with a bad limit",
                RawHttp.request(
                        "GET", "/candles?symbol=EURUSD&limit=-1", Map.of("X-API-Key", HttpFixture.READ_KEY), null),
                400,
                "limit",
                null));
        final Map<String, String> read = Map.of("X-API-Key", HttpFixture.READ_KEY);
        cases.add(new Case(
                "ticks without a key",
                RawHttp.request("GET", "/ticks?symbol=EURUSD", Map.of(), null),
                401,
                null,
                null));
        cases.add(new Case(
                "ticks without a symbol", RawHttp.request("GET", "/ticks?from=0", read, null), 400, "symbol", null));
        cases.add(new Case(
                "ticks with a bad symbol",
                RawHttp.request("GET", "/ticks?symbol=EUR%20USD", read, null),
                400,
                "symbol",
                null));
        cases.add(new Case(
                "ticks from after to",
                RawHttp.request("GET", "/ticks?symbol=EURUSD&from=10&to=5", read, null),
                400,
                "from",
                null));
        cases.add(new Case(
                "ticks with a bad limit",
                RawHttp.request("GET", "/ticks?symbol=EURUSD&limit=100001", read, null),
                400,
                "limit",
                null));
        cases.add(new Case(
                "ticks in a bad format",
                RawHttp.request("GET", "/ticks?symbol=EURUSD&format=xml", read, null),
                400,
                "format",
                null));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void shouldAnswerEachBadRequestWithItsDocumentedStatusAndError(final Case c) throws Exception {
        final RawHttp.Response response = RawHttp.send(http.server.port(), c.request());
        assertEquals(c.status(), response.status(), c.name() + ": " + response.body());
        assertTrue(response.headers().getOrDefault("content-type", "").startsWith("application/json"), c.name());
        assertTrue(response.body().startsWith("{\"error\":\""), c.name() + ": " + response.body());
        assertTrue(response.body().contains("\"status\":" + c.status()), c.name() + ": " + response.body());
        if (c.field() != null) {
            assertTrue(response.body().contains("\"field\":\"" + c.field() + "\""), c.name() + ": " + response.body());
        }
        if (c.index() != null) {
            assertTrue(response.body().contains("\"index\":" + c.index()), c.name() + ": " + response.body());
        }
    }

    @Test
    void shouldHaveAtLeastFortyCases() {
        assertTrue(catalogue().count() >= 40);
    }

    private static String tick(final String extra) {
        return TICK.substring(0, TICK.length() - 1) + "," + extra + "}";
    }

    private static void json(
            final List<Case> cases,
            final String name,
            final String body,
            final int status,
            final String field,
            final Integer index) {
        cases.add(
                new Case(name, post("application/json", body.getBytes(StandardCharsets.UTF_8)), status, field, index));
    }

    private static byte[] post(final String contentType, final byte[] body) {
        return RawHttp.request("POST", "/ingest/tick", headers(contentType), body);
    }

    private static byte[] post(final String path, final String contentType, final String body) {
        return RawHttp.request("POST", path, headers(contentType), body.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> headers(final String contentType) {
        final Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        headers.put("X-API-Key", HttpFixture.INGEST_KEY);
        return headers;
    }

    private static byte[] bytes(final String before, final byte[] middle, final String after) {
        final byte[] a = before.getBytes(StandardCharsets.UTF_8);
        final byte[] c = after.getBytes(StandardCharsets.UTF_8);
        final byte[] all = new byte[a.length + middle.length + c.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(middle, 0, all, a.length, middle.length);
        System.arraycopy(c, 0, all, a.length + middle.length, c.length);
        return all;
    }
}
