package io.tickengine.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Headless Chromium driven through its DevTools protocol over a WebSocket, so a test can use a page as a person
 * does: type into a form, pick from a list, and take a screenshot. One page; commands are answered in order.
 */
final class DevTools implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Pattern ANSWER_ID = Pattern.compile("^\\{\"id\":(\\d+),");
    private static final Pattern PAGE_SOCKET =
            Pattern.compile("\"type\"\\s*:\\s*\"page\"[^}]*?\"webSocketDebuggerUrl\"\\s*:\\s*\"([^\"]+)\"");
    private static final JsonFactory JSON = new JsonFactory();

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<String>> pending = new ConcurrentHashMap<>();

    private DevTools(final Process process, final WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    /** Starts Chromium headless with a throw-away profile in {@code dir}, on about:blank, at the given size. */
    static DevTools start(final Path chromium, final Path dir, final int width, final int height) throws Exception {
        final Path stderr = dir.resolve("chromium.err");
        final Process process = new ProcessBuilder(List.of(
                        chromium.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--disable-extensions",
                        "--disable-default-apps",
                        "--no-first-run",
                        "--no-default-browser-check",
                        "--hide-scrollbars",
                        "--remote-debugging-port=0",
                        "--window-size=" + width + "," + height,
                        "--user-data-dir=" + Files.createDirectories(dir.resolve("profile")),
                        "about:blank"))
                .redirectOutput(dir.resolve("chromium.out").toFile())
                .redirectError(stderr.toFile())
                .start();
        try {
            final String browser = awaitLine(process, stderr);
            final URI list = URI.create(browser.replaceFirst("^ws://([^/]+)/.*$", "http://$1/json/list"));
            final HttpClient http = HttpClient.newHttpClient();
            final String pages = http.send(HttpRequest.newBuilder(list).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
            final Matcher page = PAGE_SOCKET.matcher(pages);
            if (!page.find()) {
                throw new AssertionError("no page target: " + pages);
            }
            final DevTools[] self = new DevTools[1];
            final WebSocket socket = http.newWebSocketBuilder()
                    .buildAsync(URI.create(page.group(1)), new Listener(answer -> self[0].onAnswer(answer)))
                    .get(30, TimeUnit.SECONDS);
            self[0] = new DevTools(process, socket);
            return self[0];
        } catch (final Exception | AssertionError e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private static String awaitLine(final Process process, final Path stderr) throws IOException {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() - deadlineNs < 0) {
            final Matcher m = LISTENING.matcher(Files.readString(stderr));
            if (m.find()) {
                return m.group(1);
            }
            if (!process.isAlive()) {
                throw new AssertionError("chromium exited: " + Files.readString(stderr));
            }
            LockSupport.parkNanos(50_000_000L);
        }
        throw new AssertionError("chromium did not open its DevTools port: " + Files.readString(stderr));
    }

    /** Sends one command and returns its answer, the whole JSON message. */
    String send(final String method, final String paramsJson) throws Exception {
        final int id = ids.incrementAndGet();
        final CompletableFuture<String> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + paramsJson + "}", true)
                .get(30, TimeUnit.SECONDS);
        final String message = answer.get(60, TimeUnit.SECONDS);
        if (message.contains("\"error\":{")) {
            throw new AssertionError(method + " failed: " + message);
        }
        return message;
    }

    void navigate(final String url) throws Exception {
        send("Page.navigate", "{\"url\":" + quote(url) + "}");
    }

    /** @return the value of a JavaScript expression (a promise is awaited), as a string. */
    String evaluate(final String expression) throws Exception {
        final String answer = send(
                "Runtime.evaluate",
                "{\"expression\":" + quote("String(" + expression + ")")
                        + ",\"returnByValue\":true,\"awaitPromise\":true}");
        if (answer.contains("\"exceptionDetails\"")) {
            throw new AssertionError("script failed: " + expression + "\n" + answer);
        }
        return field(answer, "value");
    }

    /**
     * Waits until a JavaScript condition is true; fails with {@code describe}'s value after {@code timeout}. A
     * condition that throws (the page is still loading: no body yet) counts as false.
     */
    void await(final String condition, final Duration timeout, final String describe) throws Exception {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (!"true".equals(evaluate(guarded(condition)))) {
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError("timed out waiting for " + condition + ": " + evaluate(guarded(describe)));
            }
            LockSupport.parkNanos(100_000_000L);
        }
    }

    private static String guarded(final String expression) {
        return "(() => { try { return (" + expression + "); } catch (e) { return 'not yet: ' + e; } })()";
    }

    /** @return a PNG of the page area {@code x, y, width, height} in CSS pixels. */
    byte[] screenshot(final double x, final double y, final double width, final double height) throws Exception {
        final String answer = send(
                "Page.captureScreenshot",
                "{\"format\":\"png\",\"clip\":{\"x\":" + x + ",\"y\":" + y + ",\"width\":" + width + ",\"height\":"
                        + height + ",\"scale\":1}}");
        return Base64.getDecoder().decode(field(answer, "data"));
    }

    private void onAnswer(final String message) {
        final Matcher m = ANSWER_ID.matcher(message);
        if (m.find()) {
            final CompletableFuture<String> answer = pending.remove(Integer.parseInt(m.group(1)));
            if (answer != null) {
                answer.complete(message);
            }
        }
    }

    @Override
    public void close() {
        socket.abort();
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String quote(final String text) {
        final StringBuilder out = new StringBuilder();
        io.tickengine.http.route.Responses.quote(out, text);
        return out.toString();
    }

    /** @return the first scalar value of a field named {@code name} anywhere in {@code json}. */
    private static String field(final String json, final String name) {
        try (JsonParser p = JSON.createParser(json)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME && name.equals(p.currentName())) {
                    final JsonToken v = p.nextToken();
                    if (v.isScalarValue()) {
                        return p.getText();
                    }
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no " + name + " in " + json);
    }

    /** Collects text frames into messages. */
    private static final class Listener implements WebSocket.Listener {
        private final java.util.function.Consumer<String> onMessage;
        private final StringBuilder partial = new StringBuilder();

        Listener(final java.util.function.Consumer<String> onMessage) {
            this.onMessage = onMessage;
        }

        @Override
        public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last) {
            partial.append(data);
            if (last) {
                final String message = partial.toString();
                partial.setLength(0);
                onMessage.accept(message);
            }
            webSocket.request(1);
            return null;
        }
    }
}
