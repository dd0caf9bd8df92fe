package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.http.cli.ImportCommand;
import io.tickengine.http.metrics.HttpMetrics;
import java.awt.image.BufferedImage;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The status page at {@code GET /}, used in headless Chromium (Debian package {@code chromium}) as a person would:
 * log in with the key in the login box, see the figures and a chart per live symbol, pick an imported symbol and a
 * timeframe and see its candles, watch a live symbol's chart grow while ticks arrive, and see what to do when a
 * timeframe has no candles. No request fails (the page reports its own fetches, load failures and script errors in
 * {@code <body data-*>}; the engine's counters show every request it got was answered 2xx), the key never appears
 * in the URL, and the screenshot of the chart area is a picture of candles, not a blank.
 */
class StatusPageTest {
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 900;
    private static final int UP_RGB = 0x26a69a;
    private static final int DOWN_RGB = 0xef5350;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String STATE =
            "JSON.stringify(document.body.dataset) + ' '" + " + document.getElementById('problems').textContent";

    @TempDir
    Path dir;

    @Test
    void shouldLogInAndChartAnImportedSymbolAndTimeframeAndFollowLiveTicksWithNoFailedRequest() throws Exception {
        final Path chromium = Tools.require("chromium", "chromium");
        final Path data = dir.resolve("engine");
        // BTCUSD is history imported before the engine starts: it never gets a live tick.
        assertEquals(
                0,
                new CommandLine(new ImportCommand())
                        .execute(
                                "--data-dir",
                                data.toString(),
                                TickFiles.dataDir()
                                        .resolve("BTCUSD_20230220_mt5export.csv")
                                        .toString()));
        final List<TickFiles.Tick> eurusd = TickFiles.ticks("EURUSD_20260713");
        final int half = firstAtOrAfter(eurusd, eurusd.get(0).timeMsc() + 30 * 60_000L);
        try (HttpFixture http = new HttpFixture(data, null);
                DevTools page =
                        DevTools.start(chromium, Files.createDirectories(dir.resolve("chromium")), WIDTH, HEIGHT)) {
            post(http, eurusd, 0, half);
            http.awaitCommitted();

            page.navigate("http://127.0.0.1:" + http.server.port() + "/");
            page.await("document.body.dataset.state === 'need-key'", WAIT, STATE);
            page.evaluate("(() => { document.getElementById('key').value = '" + HttpFixture.READ_KEY + "';"
                    + " document.getElementById('key-form').requestSubmit(); return true; })()");
            page.await("document.body.dataset.state === 'ready' && document.body.dataset.charts === '1'", WAIT, STATE);
            assertEquals(HttpFixture.READ_KEY, page.evaluate("sessionStorage.getItem('tickEngineKey')"));
            assertEquals("http://127.0.0.1:" + http.server.port() + "/", page.evaluate("location.href"));
            // The rate needs two refreshes of the figures.
            for (final String figure : List.of("rate", "journaled", "ack-p99", "fresh-p99", "ring", "store")) {
                page.await(
                        "!['', '–'].includes(document.getElementById('" + figure + "').textContent)",
                        WAIT,
                        "document.getElementById('" + figure + "').textContent");
            }
            assertEquals("up", page.evaluate("document.getElementById('store').textContent"));

            // The imported symbol is in the picker although it had no live tick; its M5 candles are charted.
            page.await(
                    "[...document.getElementById('symbol').options].map(o => o.value).join() === 'BTCUSD,EURUSD'",
                    WAIT,
                    "[...document.getElementById('symbol').options].map(o => o.value).join()");
            choose(page, "BTCUSD", "M5");
            page.await(
                    "document.body.dataset.picked === 'BTCUSD:M5' && document.body.dataset.pickedBars === '12'",
                    WAIT,
                    STATE);
            assertPictureWithCandles(chartShot(page));
            keepForTheDocs(page, "status.page.screenshot");

            // A timeframe with no candles says what to do instead of a blank.
            choose(page, "BTCUSD", "W1");
            page.await(
                    "document.body.dataset.picked === 'BTCUSD:W1' && document.body.dataset.pickedBars === '0'"
                            + " && !document.getElementById('picked-empty').hidden",
                    WAIT,
                    STATE);
            assertTrue(
                    page.evaluate("document.getElementById('picked-empty').textContent")
                            .startsWith("No W1 candles of BTCUSD."),
                    page.evaluate("document.getElementById('picked-empty').textContent"));

            // A live symbol's chart follows the ticks as they arrive.
            choose(page, "EURUSD", "M1");
            final int firstHalfBars = minutes(eurusd, 0, half);
            page.await(
                    "document.body.dataset.picked === 'EURUSD:M1' && document.body.dataset.pickedBars === '"
                            + firstHalfBars + "'",
                    WAIT,
                    STATE);
            post(http, eurusd, half, eurusd.size());
            page.await("document.body.dataset.pickedBars === '" + minutes(eurusd, 0, eurusd.size()) + "'", WAIT, STATE);
            assertPictureWithCandles(chartShot(page));

            assertEquals("0", page.evaluate("document.body.dataset.failed"), page.evaluate(STATE));
            assertEquals("0", page.evaluate("document.body.dataset.errors"), page.evaluate(STATE));
            final HttpMetrics requests = http.server.http().observability().http();
            assertEquals(0, requests.requestsWithCodeAtLeast(400), "the engine answered every request with 2xx");
            assertEquals(0, requests.requests(HttpMetrics.OTHER_ROUTE, 404), "no request for anything unknown");
            for (final String path :
                    List.of("/", "/status.js", "/status.css", "/status", "/symbols", "/symbols/stored", "/candles")) {
                assertTrue(requests.requests(path, 200) >= 1, "the page fetched " + path);
            }
        }
    }

    private static void post(final HttpFixture http, final List<TickFiles.Tick> ticks, final int from, final int to)
            throws Exception {
        for (int i = from; i < to; i += 500) {
            final HttpResponse<String> r = http.post(
                    "/ingest/tick", "application/json", HttpFixture.jsonArray(ticks, i, Math.min(to, i + 500), null));
            assertEquals(202, r.statusCode(), r.body());
        }
    }

    private static int firstAtOrAfter(final List<TickFiles.Tick> ticks, final long timeMsc) {
        for (int i = 0; i < ticks.size(); i++) {
            if (ticks.get(i).timeMsc() >= timeMsc) {
                return i;
            }
        }
        return ticks.size();
    }

    /** @return the number of distinct minutes of ticks {@code [from, to)}: their M1 bars. */
    private static int minutes(final List<TickFiles.Tick> ticks, final int from, final int to) {
        return (int) ticks.subList(from, to).stream()
                .mapToLong(t -> t.timeMsc() / 60_000L)
                .distinct()
                .count();
    }

    /** Picks a symbol and a timeframe the way a person does, firing the change events. */
    private static void choose(final DevTools page, final String symbol, final String tf) throws Exception {
        page.evaluate("(() => { for (const [id, v] of [['symbol', '" + symbol + "'], ['tf', '" + tf + "']]) {"
                + " const s = document.getElementById(id); s.value = v;"
                + " s.dispatchEvent(new Event('change')); } return true; })()");
    }

    /** @return a screenshot of the picked chart's canvas. */
    /**
     * Writes the whole page as a PNG to the file the system property names, when set: the picture in
     * {@code docs/img/} is made this way ({@code -Dstatus.page.screenshot=$PWD/docs/img/status-page.png}).
     */
    private static void keepForTheDocs(final DevTools page, final String property) throws Exception {
        final String file = System.getProperty(property);
        if (file != null && !file.isBlank()) {
            // At 80 %, as a browser's zoom shows it, the figures and the chart fit in the window together.
            page.evaluate("(() => { document.body.style.zoom = '0.8'; window.scrollTo(0, 0); return true; })()");
            final double visible = Double.parseDouble(page.evaluate("String(window.innerHeight)"));
            Files.write(Path.of(file), page.screenshot(0, 0, WIDTH, visible));
            page.evaluate("(() => { document.body.style.zoom = ''; return true; })()");
        }
    }

    private Path chartShot(final DevTools page) throws Exception {
        final String[] rect = page.evaluate("(() => { const c = document.getElementById('picked-canvas');"
                        + " c.scrollIntoView(); const r = c.getBoundingClientRect();"
                        + " return [r.left + scrollX, r.top + scrollY, r.width, r.height].join(' '); })()")
                .split(" ");
        final byte[] png = page.screenshot(
                Double.parseDouble(rect[0]),
                Double.parseDouble(rect[1]),
                Double.parseDouble(rect[2]),
                Double.parseDouble(rect[3]));
        final Path file = Files.createTempFile(dir, "chart-", ".png");
        Files.write(file, png);
        return file;
    }

    private static void assertPictureWithCandles(final Path png) throws Exception {
        assertTrue(Files.exists(png), "no screenshot written");
        final byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 8 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', "not a PNG");
        final BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "unreadable PNG");
        assertTrue(
                image.getWidth() > 300 && image.getHeight() > 200,
                "chart area " + image.getWidth() + "x" + image.getHeight());
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
        assertTrue(colors.size() > 10, "a blank or near-uniform chart: " + colors.size() + " colours");
        assertTrue(up > 100 && down > 100, "candle bodies drawn [up=" + up + ", down=" + down + "]");
    }
}
