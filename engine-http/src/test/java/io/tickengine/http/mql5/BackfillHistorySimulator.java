package io.tickengine.http.mql5;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code BackfillHistory.mq5} in Java, step for step: the range (by default the last day before the terminal's
 * {@code TimeTradeServer()}), {@code InpServerTz} checked against the server clock, the symbol to
 * {@code POST /symbols}, then its ticks ({@code CopyTicksRange} day by day, to {@code /ingest/tick}, seq from each
 * tick's own time) or its closed M1 bars ({@code CopyRates}, to {@code /ingest}), each time converted to UTC with the
 * offset in force at that time, in batches retried with backoff; the progress line as {@code Comment} shows it.
 */
public final class BackfillHistorySimulator {
    /** {@code TeBackfillMode}. */
    public enum Mode {
        TICKS,
        BARS
    }

    private static final long DAY_MSC = 86_400_000L;

    // Inputs, with the script's defaults.
    /** {@code InpBaseUrl}. */
    public String baseUrl = "http://127.0.0.1:18000";
    /** {@code InpApiKey}. */
    public String apiKey = "";
    /** {@code InpMode}. */
    public Mode mode = Mode.TICKS;
    /** {@code InpSymbolMap}. */
    public String symbolMap = "";
    /** {@code InpFrom}, {@code InpTo}: server time, seconds; 0 = the default. */
    public long fromS;

    public long toS;
    /** {@code InpBatch}. */
    public int batch = 1000;
    /** {@code InpServerTz}. */
    public String serverTz = "";
    /** {@code InpSource}. */
    public String source = "";

    private final Terminal terminal;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private ServerTime.Tz tz;
    private long from;
    private long to;
    private String progress = "";

    /** What {@code Comment} showed, in order; the last one stays on the chart. */
    public final List<String> comments = new ArrayList<>();
    /** What the script printed to the Experts log. */
    public final List<String> log = new ArrayList<>();
    /** Batches answered 409: sent before under this source. */
    public int below;
    /** Ticks or bars acknowledged. */
    public long sent;

    /** @param terminal the chart's symbol and its history. */
    public BackfillHistorySimulator(final Terminal terminal) {
        this.terminal = terminal;
    }

    /** {@code OnStart}: @return whether everything was sent ("done", not "stopped"). */
    public boolean onStart() {
        final String symbol = terminal.symbol();
        to = toS != 0 ? toS : terminal.timeTradeServerS();
        from = fromS != 0 ? fromS : to - 86_400;
        final String canonical = TickCollectorSimulator.canonical(symbol, symbolMap);
        boolean ok = useServerTz() && post("/symbols", "[" + Mql5Json.symbol(terminal, canonical) + "]");
        if (ok) {
            ok = mode == Mode.TICKS ? sendTicks(canonical) : sendBars(canonical);
        }
        comments.add("BackfillHistory " + (ok ? "done" : "stopped") + " [symbol=" + symbol + ", from="
                + timeToString(from) + ", to=" + timeToString(to) + "]: " + progress
                + (below > 0 ? ", " + below + " batches sent before under this source" : ""));
        return ok;
    }

    /** MQL5's {@code TimeToString(t)}: {@code yyyy.mm.dd hh:mi}. */
    public static String timeToString(final long timeS) {
        return java.time.LocalDateTime.ofEpochSecond(timeS, 0, java.time.ZoneOffset.UTC)
                .format(java.time.format.DateTimeFormatter.ofPattern("yyyy.MM.dd HH:mm"));
    }

    /** @return the range sent, server time in seconds: {@code [from, to]}. */
    long[] range() {
        return new long[] {from, to};
    }

    /** {@code UseServerTz}. */
    private boolean useServerTz() {
        tz = ServerTime.parse(serverTz);
        log.add("serverTz=" + (tz == null ? "unknown" : tz));
        if (tz == null) {
            comments.add("BackfillHistory: unknown time zone [value=" + serverTz + "]");
            return false;
        }
        final int measuredS = ServerTime.measuredOffsetSeconds(terminal.timeTradeServerS(), terminal.timeGmtS());
        if (tz.kind() == ServerTime.MEASURED) {
            tz = new ServerTime.Tz(ServerTime.FIXED, measuredS, "");
            return true;
        }
        final int ruleS = ServerTime.offsetAtUtc(tz, terminal.timeGmtS());
        if (ruleS != measuredS) {
            comments.add("BackfillHistory: InpServerTz=" + tz.id() + " gives UTC" + ruleS / 60
                    + " min now, the server clock is at UTC" + measuredS / 60 + " min: nothing sent");
            return false;
        }
        return true;
    }

    /** {@code Post}: up to 10 attempts with backoff; a 400, 401, 403 or 413 stops at once. */
    private boolean post(final String path, final String body) {
        long delayMs = 50;
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                final HttpResponse<String> response = client.send(
                        HttpRequest.newBuilder(URI.create(baseUrl + path))
                                .header("X-API-Key", apiKey)
                                .header("Content-Type", "application/json")
                                .timeout(Duration.ofSeconds(15))
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                final int status = response.statusCode();
                if (status / 100 == 2) {
                    return true;
                }
                log.add("HTTP " + status + " " + response.body()); // the script's Print
                if (status == 409) {
                    below++; // below the engine's window for this source: sent before
                    return true;
                }
                if (status == 400 || status == 401 || status == 403 || status == 413) {
                    return false;
                }
            } catch (final java.io.IOException e) {
                log.add("WebRequest failed: " + e); // -1: retried
            } catch (final InterruptedException e) {
                log.add("interrupted");
                Thread.currentThread().interrupt();
                return false;
            }
            try {
                Thread.sleep(delayMs); // the script's own Sleep between attempts
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            delayMs = Math.min(1000, delayMs * 2);
        }
        return false;
    }

    /** {@code TE_SEQ_PER_DAY}. */
    static final long SEQ_PER_DAY = 10_000_000L;

    /** {@code SendTicks}: whole server days; seq = day * 10^7 + the tick's place in its day. */
    private boolean sendTicks(final String canonical) {
        final String src =
                !source.isEmpty() ? source : ("bf-" + canonical).substring(0, Math.min(32, 3 + canonical.length()));
        final int digits = terminal.digits();
        final long fromMsc = from * 1000;
        final long toMsc = to * 1000;
        long prevUtc = 0;
        for (long dayStart = fromMsc - fromMsc % DAY_MSC; dayStart < toMsc; dayStart += DAY_MSC) {
            final List<Terminal.MqlTick> ticks =
                    terminal.copyTicksRange(dayStart, dayStart + DAY_MSC - 1).ticks();
            if (ticks.size() >= SEQ_PER_DAY) {
                return false;
            }
            final StringBuilder body = new StringBuilder();
            int inBatch = 0;
            for (int k = 0; k < ticks.size(); k++) {
                final Terminal.MqlTick tick = ticks.get(k);
                if (tick.timeMsc() < fromMsc || tick.timeMsc() >= toMsc) {
                    continue;
                }
                final long seq = dayStart / DAY_MSC * SEQ_PER_DAY + k + 1;
                final long utc = ServerTime.serverToUtcMsc(tz, tick.timeMsc(), prevUtc);
                prevUtc = utc;
                body.append(inBatch == 0 ? "[" : ",")
                        .append(Mql5Json.tick(
                                canonical,
                                utc,
                                tick.bid(),
                                tick.ask(),
                                tick.last(),
                                tick.volume(),
                                tick.volumeReal(),
                                tick.flags(),
                                digits,
                                src,
                                seq,
                                (int) ((tick.timeMsc() - utc) / 1000)));
                inBatch++;
                if (inBatch == batch) {
                    if (!post("/ingest/tick", body.append(']').toString())) {
                        return false;
                    }
                    sent += inBatch;
                    body.setLength(0);
                    inBatch = 0;
                    ticksProgress(tick.timeMsc(), fromMsc, toMsc);
                }
            }
            if (inBatch > 0) {
                if (!post("/ingest/tick", body.append(']').toString())) {
                    return false;
                }
                sent += inBatch;
            }
            ticksProgress(Math.min(toMsc, dayStart + DAY_MSC), fromMsc, toMsc);
        }
        return true;
    }

    /** {@code TicksProgress}. */
    private void ticksProgress(final long atMsc, final long fromMsc, final long toMsc) {
        progress = sent + " ticks sent ("
                + Math.round(100.0 * (Math.max(atMsc, fromMsc) - fromMsc) / Math.max(1, toMsc - fromMsc)) + "%)";
        comments.add("BackfillHistory: " + progress);
    }

    /** {@code SendBars}, M1. */
    private boolean sendBars(final String canonical) {
        final int digits = terminal.digits();
        final double point = Math.pow(10, -digits);
        final List<Terminal.MqlRates> rates = terminal.copyRatesM1(from, to);
        int n = rates.size();
        while (n > 0 && rates.get(n - 1).time() + 60 > to) {
            n--; // only closed bars
        }
        final StringBuilder body = new StringBuilder();
        int inBatch = 0;
        long prevUtc = 0;
        for (int k = 0; k < n; k++) {
            final Terminal.MqlRates r = rates.get(k);
            final long utc = ServerTime.serverToUtcMsc(tz, r.time() * 1000, prevUtc);
            prevUtc = utc;
            body.append(inBatch == 0 ? "[" : ",")
                    .append(Mql5Json.bar(
                            canonical,
                            "M1",
                            utc,
                            r.open(),
                            r.high(),
                            r.low(),
                            r.close(),
                            r.tickVolume(),
                            0,
                            r.spread(),
                            digits,
                            point));
            inBatch++;
            if (inBatch == batch || k == n - 1) {
                if (!post("/ingest", body.append(']').toString())) {
                    return false;
                }
                sent += inBatch;
                body.setLength(0);
                inBatch = 0;
                progress = (k + 1) + " of " + n + " bars sent (" + Math.round(100.0 * (k + 1) / n) + "%)";
                comments.add("BackfillHistory: " + progress);
            }
        }
        return true;
    }
}
