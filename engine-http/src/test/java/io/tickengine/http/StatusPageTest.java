package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.http.metrics.HttpMetrics;
import java.awt.image.BufferedImage;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page at {@code GET /}, loaded by headless Chromium (Debian package {@code chromium}) from an engine
 * that has ingested real ticks: it shows the figures and a candlestick chart per symbol, fails no request (the page
 * reports its own fetches, load failures and script errors in {@code <body data-*>}; the engine's counters show
 * every request it got was answered 200), and its screenshot is a picture, not a blank.
 */
class StatusPageTest {
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 900;
    private static final int UP_RGB = 0x26a69a;
    private static final int DOWN_RGB = 0xef5350;

    @TempDir
    Path dir;

    @Test
    void shouldRenderTheFiguresAndACandleChartPerSymbolWithNoFailedRequest() throws Exception {
        final Path chromium = Tools.require("chromium", "chromium");
        try (HttpFixture http = new HttpFixture(dir.resolve("engine"), null)) {
            for (final String fixture : TickFiles.FIXTURES) {
                final List<TickFiles.Tick> ticks = TickFiles.ticks(fixture);
                for (int from = 0; from < ticks.size(); from += 500) {
                    final int to = Math.min(ticks.size(), from + 500);
                    final HttpResponse<String> r =
                            http.post("/ingest/tick", "application/json", HttpFixture.jsonArray(ticks, from, to, null));
                    assertEquals(202, r.statusCode(), r.body());
                }
            }
            http.awaitCommitted();
            // The key travels in the fragment, which the browser never sends: the page moves it to sessionStorage.
            final String url = "http://127.0.0.1:" + http.server.port() + "/#key=" + HttpFixture.READ_KEY;

            final String dom = runChromium(chromium, "dom", "--dump-dom", url);
            assertEquals("ready", attribute(dom, "data-state"), dom);
            assertEquals("0", attribute(dom, "data-failed"), "failed requests:\n" + problems(dom));
            assertEquals("0", attribute(dom, "data-errors"), "script errors:\n" + problems(dom));
            assertTrue(Integer.parseInt(attribute(dom, "data-requests")) >= 3, dom);
            assertEquals(String.valueOf(TickFiles.FIXTURES.size()), attribute(dom, "data-charts"), dom);
            for (final String figure : List.of("rate", "journaled", "ack-p99", "fresh-p99", "ring", "store")) {
                final String text = elementText(dom, figure);
                assertTrue(!text.isEmpty() && !text.equals("–"), "figure " + figure + " is empty: " + text);
            }
            assertEquals("up", elementText(dom, "store"));
            assertEquals("0.0", elementText(dom, "ring"));

            final Path png = dir.resolve("status.png");
            runChromium(chromium, "shot", "--screenshot=" + png, "--window-size=" + WIDTH + "," + HEIGHT, url);
            assertPictureWithCandles(png);

            final HttpMetrics requests = http.server.http().observability().http();
            assertEquals(0, requests.requestsWithCodeAtLeast(400), "the engine answered every request with 2xx");
            assertEquals(0, requests.requests(HttpMetrics.OTHER_ROUTE, 404), "no request for anything unknown");
            for (final String path : List.of("/", "/status.js", "/status.css", "/status", "/candles")) {
                assertTrue(requests.requests(path, 200) >= 2, "each browser run fetched " + path);
            }
        }
    }

    /** Runs headless Chromium once against loopback, with a throw-away profile; returns its standard output. */
    private String runChromium(final Path chromium, final String name, final String... args) throws Exception {
        final List<String> command = new ArrayList<>(List.of(
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
                "--user-data-dir=" + Files.createDirectories(dir.resolve("profile-" + name)),
                // Waits for the page's timers and fetches: several refreshes of the figures and the charts.
                "--virtual-time-budget=10000"));
        command.addAll(List.of(args));
        final Path stdout = dir.resolve(name + ".out");
        final Path stderr = dir.resolve(name + ".err");
        final Process process = new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s:\n" + Files.readString(stderr));
        }
        assertEquals(0, process.exitValue(), "chromium failed:\n" + Files.readString(stderr));
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    private static void assertPictureWithCandles(final Path png) throws Exception {
        assertTrue(Files.exists(png), "no screenshot written");
        final byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 8 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', "not a PNG");
        final BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "unreadable PNG");
        assertEquals(WIDTH, image.getWidth());
        assertEquals(HEIGHT, image.getHeight());
        final Set<Integer> colors = new HashSet<>();
        int up = 0;
        int down = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                final int rgb = image.getRGB(x, y) & 0xffffff;
                colors.add(rgb);
                up += rgb == UP_RGB ? 1 : 0;
                down += rgb == DOWN_RGB ? 1 : 0;
            }
        }
        assertTrue(colors.size() > 50, "a blank or near-uniform screenshot: " + colors.size() + " colours");
        assertTrue(up > 100 && down > 100, "candle bodies drawn [up=" + up + ", down=" + down + "]");
    }

    private static String attribute(final String dom, final String name) {
        final Matcher m =
                Pattern.compile("<body[^>]*\\s" + name + "=\"([^\"]*)\"").matcher(dom);
        return m.find() ? m.group(1) : "(no " + name + ")";
    }

    private static String elementText(final String dom, final String id) {
        final Matcher m = Pattern.compile("id=\"" + id + "\"[^>]*>([^<]*)<").matcher(dom);
        return m.find() ? m.group(1) : "(no #" + id + ")";
    }

    private static String problems(final String dom) {
        final Matcher m = Pattern.compile("<ul id=\"problems\"[^>]*>(.*?)</ul>", Pattern.DOTALL)
                .matcher(dom);
        return m.find() ? m.group(1) : "(none listed)";
    }
}
