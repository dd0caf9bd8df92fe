package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.core.security.ApiKeys;
import io.tickengine.http.server.HttpContext;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rate limits, CORS, digest keys, scopes and TLS of the HTTP front, over real loopback connections. */
class SecurityHttpTest {
    private static final String TICK =
            "{\"symbol\":\"EURUSD\",\"time_msc\":1783944000093,\"bid\":1.14273,\"ask\":1.14277,\"flags\":6}";
    private static final String CANDLES = "/candles?symbol=EURUSD&tf=M1";

    @TempDir
    Path dataDir;

    @Test
    void shouldAnswer429WithRetryAfterOnceTheBurstIsSpent() throws Exception {
        try (HttpFixture http =
                new HttpFixture(dataDir, null, "http.rate.limit.per.second=1", "http.rate.limit.burst=2")) {
            assertEquals(200, http.get(CANDLES, HttpFixture.READ_KEY).statusCode());
            assertEquals(200, http.get(CANDLES, HttpFixture.READ_KEY).statusCode());

            final HttpResponse<String> limited = http.get(CANDLES, HttpFixture.READ_KEY);

            assertEquals(429, limited.statusCode(), limited.body());
            final long retryAfter =
                    Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1, "Retry-After " + retryAfter);
            assertTrue(limited.body().contains("\"status\":429"), limited.body());
            // The bucket is per key: another key still has its whole burst.
            assertEquals(
                    202,
                    http.post("/ingest/tick", "application/json", TICK).statusCode(),
                    "another key is not limited");
            assertEquals(200, http.get("/health", null).statusCode(), "open routes are not limited");
        }
    }

    @Test
    void shouldAllowOnlyTheConfiguredOriginInAPreflight() throws Exception {
        try (HttpFixture http = new HttpFixture(dataDir, null, "http.cors.origins=https://dash.example")) {
            final RawHttp.Response allowed = preflight(http, "https://dash.example");
            assertEquals(200, allowed.status());
            assertEquals("https://dash.example", allowed.headers().get("access-control-allow-origin"));
            assertTrue(
                    allowed.headers()
                            .getOrDefault("access-control-allow-methods", "")
                            .contains("GET"),
                    allowed.headers().toString());
            assertTrue(
                    allowed.headers()
                            .getOrDefault("access-control-allow-headers", "")
                            .toLowerCase(java.util.Locale.ROOT)
                            .contains("x-api-key"),
                    allowed.headers().toString());

            final RawHttp.Response unknown = preflight(http, "https://evil.example");
            assertEquals(403, unknown.status(), unknown.body());
            assertTrue(unknown.body().contains("CORS origin not allowed [origin=https://evil.example"), unknown.body());
            assertTrue(unknown.body().contains("http.cors.origins"), unknown.body());
            assertNull(
                    unknown.headers().get("access-control-allow-origin"),
                    unknown.headers().toString());

            final RawHttp.Response get = RawHttp.send(
                    http.server.port(),
                    RawHttp.request(
                            "GET",
                            CANDLES,
                            Map.of("Origin", "https://dash.example", "X-API-Key", HttpFixture.READ_KEY),
                            null));
            assertEquals(200, get.status(), get.body());
            assertEquals("https://dash.example", get.headers().get("access-control-allow-origin"));
        }
    }

    @Test
    void shouldRefuseEveryPreflightWith403WhenNoOriginIsConfigured() throws Exception {
        try (HttpFixture http = new HttpFixture(dataDir, null)) {
            final RawHttp.Response refused = preflight(http, "https://dash.example");

            assertEquals(403, refused.status(), refused.body());
            assertTrue(refused.body().contains("CORS origin not allowed"), refused.body());
            assertNull(
                    refused.headers().get("access-control-allow-origin"),
                    refused.headers().toString());
            assertEquals(
                    405,
                    RawHttp.send(http.server.port(), RawHttp.request("OPTIONS", "/candles", Map.of(), null))
                            .status(),
                    "an OPTIONS that is no preflight is still a 405");
        }
    }

    @Test
    void shouldGiveAnAcknowledgementTheOriginHeaderAndTheConnectionHeaderItsRequestCalledFor() throws Exception {
        final Map<String, String> plain =
                Map.of("Content-Type", "application/json", "X-API-Key", HttpFixture.INGEST_KEY);
        final Map<String, String> fromDash = Map.of(
                "Content-Type",
                "application/json",
                "X-API-Key",
                HttpFixture.INGEST_KEY,
                "Origin",
                "https://dash.example");
        try (HttpFixture http = new HttpFixture(dataDir, null, "http.cors.origins=https://dash.example")) {
            try (RawConnection connection = new RawConnection(http.server.port())) {
                connection.write(RawConnection.request("POST", "/ingest/tick", plain, TICK));
                final RawHttp.Response first = connection.readResponse();
                assertEquals(202, first.status(), first.body());
                assertEquals("{\"accepted\":1,\"duplicates\":0}", first.body());
                assertEquals("keep-alive", first.headers().get("connection"));
                assertNull(
                        first.headers().get("access-control-allow-origin"),
                        first.headers().toString());

                connection.write(RawConnection.request("POST", "/ingest/tick", fromDash, TICK));
                final RawHttp.Response second = connection.readResponse();
                assertEquals(202, second.status(), second.body());
                assertEquals("keep-alive", second.headers().get("connection"));
                assertEquals("https://dash.example", second.headers().get("access-control-allow-origin"));
                assertEquals("application/json", second.headers().get("content-type"));
                assertEquals("no-store", second.headers().get("cache-control"));
            }
            final RawHttp.Response last = RawHttp.send(
                    http.server.port(),
                    RawHttp.request("POST", "/ingest/tick", plain, TICK.getBytes(StandardCharsets.UTF_8)));
            assertEquals(202, last.status(), last.body());
            assertEquals("close", last.headers().get("connection"));
            assertEquals(Integer.toString(last.body().length()), last.headers().get("content-length"));
        }
    }

    @Test
    void shouldCheckEveryKeyPresentedOnOneKeptAliveConnection() throws Exception {
        final String tick =
                "{\"symbol\":\"EURUSD\",\"time_msc\":1783944000093,\"bid\":1.14273,\"ask\":1.14277,\"flags\":6}";
        try (HttpFixture http = new HttpFixture(dataDir, null);
                RawConnection connection = new RawConnection(http.server.port())) {
            final String[] keys = {
                HttpFixture.INGEST_KEY,
                HttpFixture.INGEST_KEY,
                HttpFixture.INGEST_KEY.substring(0, HttpFixture.INGEST_KEY.length() - 1) + "X",
                HttpFixture.READ_KEY,
                HttpFixture.INGEST_KEY
            };
            final int[] expected = {202, 202, 401, 403, 202};
            for (int i = 0; i < keys.length; i++) {
                connection.write(RawConnection.request(
                        "POST",
                        "/ingest/tick",
                        Map.of("Content-Type", "application/json", "X-API-Key", keys[i]),
                        tick));
                final RawHttp.Response response = connection.readResponse();
                assertEquals(expected[i], response.status(), "request " + i + ": " + response.body());
            }
        }
    }

    @Test
    void shouldSendNoCorsHeadersWhenNoOriginIsConfigured() throws Exception {
        try (HttpFixture http = new HttpFixture(dataDir, null)) {
            final RawHttp.Response get = RawHttp.send(
                    http.server.port(),
                    RawHttp.request(
                            "GET",
                            CANDLES,
                            Map.of("Origin", "https://dash.example", "X-API-Key", HttpFixture.READ_KEY),
                            null));

            assertEquals(200, get.status(), get.body());
            assertNull(
                    get.headers().get("access-control-allow-origin"),
                    get.headers().toString());
        }
    }

    @Test
    void shouldAcceptAKeyConfiguredOnlyByItsSha256DigestWithItsScopes() throws Exception {
        final String key = "digest-only-key-" + System.nanoTime();
        final String hex = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        try (Server server = Server.start(dataDir, ApiKeys.parse(HttpFixture.KEYS + ",sha256:" + hex + "=read"))) {
            assertEquals(200, server.get(CANDLES, key).statusCode());
            assertEquals(403, server.post("/ingest/tick", key, TICK).statusCode(), "read only: no ingest");
            assertEquals(401, server.get(CANDLES, hex).statusCode(), "the digest itself is no key");
            assertEquals(401, server.get(CANDLES, key + "x").statusCode());
        }
    }

    @Test
    void shouldLetAnAdminKeyCallEveryScope() throws Exception {
        final String adminOnly = "admin-scope-only-0123456789";
        try (Server server = Server.start(dataDir, ApiKeys.parse(HttpFixture.KEYS + "," + adminOnly + "=admin"))) {
            for (final String key : List.of(HttpFixture.ADMIN_KEY, adminOnly)) {
                final HttpResponse<String> ingest = server.post("/ingest/tick", key, TICK);
                assertEquals(202, ingest.statusCode(), ingest.body());
                assertEquals(200, server.get(CANDLES, key).statusCode());
            }
            assertEquals(403, server.get(CANDLES, HttpFixture.INGEST_KEY).statusCode(), "an ingest key cannot read");
        }
    }

    @Test
    void shouldServeHealthOverTlsAndRefusePlainHttpOnTheSamePort(@TempDir final Path certDir) throws Exception {
        final Path cert = certDir.resolve("c.pem");
        final Path key = certDir.resolve("k.pem");
        generateSelfSignedCertificate(cert, key);
        try (HttpFixture http = new HttpFixture(
                dataDir, null, "http.tls.cert=" + cert, "http.tls.key=" + key, "http.request.timeout.ms=2000")) {
            final HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .sslContext(trusting(cert))
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            final HttpResponse<String> health = client.send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + http.server.port() + "/health"))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(health.body().startsWith("{\"status\":\"ok\""), health.body());

            assertThrows(IOException.class, () -> http.get("/health", null), "plain http to the TLS port");
            try (RawConnection plain = new RawConnection(http.server.port())) {
                plain.write(RawConnection.request("GET", "/health", Map.of(), null));
                final String answer = new String(plain.readUntilClosed(), StandardCharsets.ISO_8859_1);
                assertFalse(answer.startsWith("HTTP/"), "no plain HTTP answer on the TLS port: " + answer);
            }
        }
    }

    private static RawHttp.Response preflight(final HttpFixture http, final String origin) throws IOException {
        return RawHttp.send(
                http.server.port(),
                RawHttp.request(
                        "OPTIONS",
                        "/candles",
                        Map.of(
                                "Origin",
                                origin,
                                "Access-Control-Request-Method",
                                "GET",
                                "Access-Control-Request-Headers",
                                "X-API-Key"),
                        null));
    }

    /** Runs {@code openssl req -x509}, or skips the test when openssl is not on the PATH. */
    private static void generateSelfSignedCertificate(final Path cert, final Path key) throws Exception {
        Assumptions.assumeTrue(
                onPath("openssl"), "openssl is not on the PATH: cannot make a certificate for the TLS test");
        final Process openssl = new ProcessBuilder(
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "rsa:2048",
                        "-nodes",
                        "-keyout",
                        key.toString(),
                        "-out",
                        cert.toString(),
                        "-days",
                        "1",
                        "-subj",
                        "/CN=localhost",
                        "-addext",
                        "subjectAltName=DNS:localhost,IP:127.0.0.1")
                .redirectErrorStream(true)
                .redirectOutput(cert.resolveSibling("openssl.log").toFile())
                .start();
        assertTrue(openssl.waitFor(60, TimeUnit.SECONDS), "openssl did not finish in 60 s");
        assertEquals(
                0, openssl.exitValue(), () -> "openssl failed: " + readQuietly(cert.resolveSibling("openssl.log")));
    }

    private static boolean onPath(final String program) {
        final String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (final String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static SSLContext trusting(final Path certPem) throws Exception {
        final KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(certPem)) {
            trusted.setCertificateEntry(
                    "engine", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static String readQuietly(final Path file) {
        try {
            return Files.readString(file);
        } catch (final IOException e) {
            return e.toString();
        }
    }

    /** An in-process engine like {@link HttpFixture}, with keys of the test's choosing. */
    private record Server(EngineServer server, HttpClient client) implements AutoCloseable {
        static Server start(final Path dataDir, final ApiKeys keys) throws Exception {
            final EngineContext engine = new EngineContext()
                    .set("data.dir", dataDir.toString())
                    .set("ring.size", "8192")
                    .set("ring.max.batch", "4096");
            final HttpContext http = new HttpContext().set("http.port", "0").set("http.bind", "127.0.0.1");
            return new Server(
                    EngineServer.start(engine, http, keys),
                    HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(Duration.ofSeconds(5))
                            .build());
        }

        HttpResponse<String> get(final String pathAndQuery, final String key) throws Exception {
            return client.send(
                    HttpRequest.newBuilder(uri(pathAndQuery))
                            .header("X-API-Key", key)
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(final String path, final String key, final String json) throws Exception {
            return client.send(
                    HttpRequest.newBuilder(uri(path))
                            .header("X-API-Key", key)
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofString(json))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        private URI uri(final String pathAndQuery) {
            return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
