package io.tickengine.edge.forward;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Posts batches to the engine's {@code POST /ingest/tick} and classifies the answers ({@link EngineAnswer}).
 *
 * <p>The JDK's HTTP client over HTTP/1.1 with keep-alive; HTTPS when the URL says so, trusting the JDK's CA
 * certificates or, if given, the PEM certificates of {@code engine.tls.ca.file} (an engine with its own
 * certificate). The key goes in {@code X-API-Key}. It talks to the configured engine and nowhere else.
 *
 * <p>Thread-safe, but batches of one source must be sent one at a time and in seq order: the engine drops a tick
 * whose seq is not above the highest it accepted from that source.
 */
public final class EngineClient {
    private static final JsonFactory JSON = new JsonFactory();
    private static final String USER_AGENT = "tick-engine-edge-agent/0.1";

    private final URI endpoint;
    /** The engine's base URL without a trailing slash. */
    private final String base;

    private final String apiKey;
    private final Duration requestTimeout;
    private final HttpClient http;

    /**
     * @param engineUrl the engine's base URL, e.g. {@code http://10.0.0.5:18001}; batches go to its
     *     {@code /ingest/tick}.
     * @param apiKey the engine key (ingest scope).
     * @param tlsCaFile PEM certificates to trust for HTTPS, or {@code null} for the JDK's trust store.
     */
    public EngineClient(
            final URI engineUrl,
            final String apiKey,
            final Path tlsCaFile,
            final Duration connectTimeout,
            final Duration requestTimeout)
            throws IOException, GeneralSecurityException {
        // Appended, not resolved: an engine behind a proxy may live under a path prefix.
        final String url = engineUrl.toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.endpoint = URI.create(base + "/ingest/tick");
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.requestTimeout = requestTimeout;
        final HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (tlsCaFile != null) {
            builder.sslContext(trusting(tlsCaFile));
        }
        this.http = builder.build();
    }

    /** @return where batches go. */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * Posts one CSV body and waits for the answer.
     *
     * @param body the bytes, read until this returns (not copied).
     * @throws InterruptedException if the thread is interrupted (the agent is stopping); the batch's fate is unknown,
     *     which is fine: it is resent and the engine drops what it already has.
     */
    public EngineAnswer post(final byte[] body, final int length) throws InterruptedException {
        return await(postAsync(body, length));
    }

    /**
     * Posts one CSV body; the answer completes the future, which never completes exceptionally (a network error is
     * an answer of status 0).
     *
     * @param body the bytes, read until the future completes (not copied): do not reuse them before.
     */
    public CompletableFuture<EngineAnswer> postAsync(final byte[] body, final int length) {
        return send(endpoint, "text/csv", HttpRequest.BodyPublishers.ofByteArray(body, 0, length));
    }

    /**
     * Posts a JSON body to another path of the engine ({@code /ingest} for bars, {@code /symbols}) and waits for the
     * answer, classified as for ticks.
     *
     * @throws InterruptedException if the thread is interrupted (the agent is stopping); the body is sent again.
     */
    public EngineAnswer postJson(final String path, final byte[] body) throws InterruptedException {
        return await(send(URI.create(base + path), "application/json", HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** Sends one POST with the agent's key; every failure becomes an answer (a network error is status 0). */
    private CompletableFuture<EngineAnswer> send(
            final URI uri, final String contentType, final HttpRequest.BodyPublisher body) {
        final HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Content-Type", contentType)
                .header("X-API-Key", apiKey)
                .header("User-Agent", USER_AGENT)
                .POST(body)
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, failure) -> failure == null ? classify(response) : noAnswer(failure));
    }

    /** Waits for an answer; an interrupt (the agent is stopping) cancels the request, which is sent again later. */
    private static EngineAnswer await(final CompletableFuture<EngineAnswer> answer) throws InterruptedException {
        try {
            return answer.get();
        } catch (final InterruptedException e) {
            answer.cancel(true);
            throw e;
        } catch (final ExecutionException e) {
            // send turns every failure into an answer; this would be a bug in it.
            throw new IllegalStateException(e.getCause());
        }
    }

    private static EngineAnswer classify(final HttpResponse<byte[]> response) {
        final int status = response.statusCode();
        final Body body = readBody(response.body(), status);
        final long retryAfterMs =
                retryAfterMs(response.headers().firstValue("Retry-After").orElse(null), System.currentTimeMillis());
        final EngineAnswer.Kind kind;
        if (status >= 200 && status < 300) {
            kind = EngineAnswer.Kind.ACCEPTED;
        } else if (status == 400 || status == 409 || status == 422) {
            kind = EngineAnswer.Kind.INVALID;
        } else if (status == 413) {
            kind = EngineAnswer.Kind.TOO_LARGE;
        } else if (status == 408 || status == 429 || status >= 500) {
            kind = EngineAnswer.Kind.RETRY;
        } else {
            kind = EngineAnswer.Kind.REFUSED;
        }
        return new EngineAnswer(
                kind, status, body.accepted, body.duplicates, retryAfterMs, body.index, body.field, body.error);
    }

    private static EngineAnswer noAnswer(final Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof HttpTimeoutException) {
            return noAnswer("no answer in time (" + cause.getMessage() + ")");
        }
        return noAnswer(
                cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    }

    private static EngineAnswer noAnswer(final String message) {
        return new EngineAnswer(EngineAnswer.Kind.RETRY, 0, 0, 0, -1, -1, null, message);
    }

    /** The fields of the engine's JSON answers: {@code {"accepted","duplicates"}} or {@code {"error","index","field"}}. */
    private static final class Body {
        int accepted;
        int duplicates;
        int index = -1;
        String field;
        String error;
    }

    private static Body readBody(final byte[] bytes, final int status) {
        final Body body = new Body();
        try (JsonParser json = JSON.createParser(bytes)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return body;
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                final String name = json.currentName();
                final JsonToken value = json.nextToken();
                switch (name) {
                    case "accepted" -> body.accepted = value.isNumeric() ? json.getIntValue() : 0;
                    case "duplicates" -> body.duplicates = value.isNumeric() ? json.getIntValue() : 0;
                    case "index" -> body.index = value.isNumeric() ? json.getIntValue() : -1;
                    case "field" -> body.field = value == JsonToken.VALUE_STRING ? json.getText() : null;
                    case "error" -> body.error = value == JsonToken.VALUE_STRING ? json.getText() : null;
                    default -> json.skipChildren();
                }
            }
        } catch (final IOException e) {
            // Not JSON (a proxy's HTML page, a cut connection): the status alone decides.
            if (body.error == null && status >= 300) {
                body.error = "unreadable answer body";
            }
        }
        return body;
    }

    /**
     * @param value a {@code Retry-After} header: delay in seconds, or an HTTP date.
     * @return the delay in milliseconds, or -1 if absent or unreadable.
     */
    static long retryAfterMs(final String value, final long nowMsc) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        try {
            return Math.max(0, Long.parseLong(value.trim())) * 1000;
        } catch (final NumberFormatException notSeconds) {
            try {
                final long atMsc = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant()
                        .toEpochMilli();
                return Math.max(0, atMsc - nowMsc);
            } catch (final DateTimeParseException notADate) {
                return -1;
            }
        }
    }

    private static SSLContext trusting(final Path pemFile) throws IOException, GeneralSecurityException {
        final KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(pemFile)) {
            int i = 0;
            for (final Certificate certificate :
                    CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("engine-" + i++, certificate);
            }
            if (i == 0) {
                throw new GeneralSecurityException("no certificate in engine.tls.ca.file [file=" + pemFile + "]");
            }
        }
        final TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        final SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, factory.getTrustManagers(), null);
        return tls;
    }
}
