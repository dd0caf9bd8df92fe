package io.tickengine.http.mql5;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * {@code TickCollector.mq5} in Java, step for step, function for function: on each timer, per symbol,
 * {@code CopyTicksRange} over a bounded window from the last tick time seen (an error or partial answer takes
 * nothing and is asked again), skipping the ticks of that boundary millisecond already collected; ticks numbered
 * with the install's source and seq; batches spooled to files before the position moves, sent in order, kept until
 * a 2xx; a 413 halves a batch, a 400 sets the refused tick (or symbol) aside, a 409 or a batch called a duplicate on
 * its first send starts a new source epoch. The files live in a real folder ({@link Mt5Files}); a restart is a new
 * simulator over the same folder. Each tick is converted to UTC with the offset in force at its own time:
 * {@link #serverTz}'s rule ({@link ServerTime}), or without one the offset measured for every batch from the
 * terminal's clock. The symbols go to {@code POST /symbols} at the first timer (again at each until answered).
 */
final class TickCollectorSimulator {
    private static final String DIR = "TickEngine";

    // Inputs (set before onInit).
    String endpoint;
    String apiKey;
    String sourceId = "";
    String symbolMap = "";
    /** {@code InpServerTz}: empty = measured per batch. */
    String serverTz = "";

    int batchMax = 500;
    int startMinutesAgo;
    int windowMinutes = 60;
    int spoolMaxBatches = 2000;
    /**
     * Market Watch, when {@code InpSymbols} is empty: the symbols collected, read again when its size changes (a test
     * adds a terminal to it). {@code null}: {@code InpSymbols} lists the constructor's terminals.
     */
    List<Terminal> marketWatch;

    /** {@code ACCOUNT_LOGIN}. */
    long login = 1_234_567;

    private final List<Terminal> terminals;
    private final Mt5Files files;
    private final Random random;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private String[] canonical;
    private ServerTime.Tz tz;
    private int marketWatchTotal;
    private long[] prevUtc;
    private boolean symbolsPending;
    /** The offset measured at the latest batch, seconds. */
    int offsetS;
    /** What the chart shows when {@link #serverTz} disagrees with the server clock. */
    String tzWarning = "";
    /** Answers of {@code POST /symbols}, in order. */
    final List<Integer> symbolAnswers = new ArrayList<>();

    private long[] lastMsc;
    private int[] atLast;
    private long[] scanMsc;
    private long seq;
    private String sourceBase = "";
    private int epoch;
    private String source;
    private long attemptedSeq;
    private String ackedLine = "";
    private String spoolDir;
    private String stateFile;
    private final List<Long> queue = new ArrayList<>();
    private long headSeq;
    private String headLine = "";
    private final List<String> parts = new ArrayList<>();

    // What the chart shows, and what a test counts.
    long accepted;
    long duplicates;
    long refused;
    int failures;
    int epochs;
    int splits;
    String alarm = "";
    String notice = "";
    String lastError = "";
    final List<String> log = new ArrayList<>();

    TickCollectorSimulator(
            final List<Terminal> terminals, final Mt5Files files, final String endpoint, final String apiKey) {
        this.terminals = new ArrayList<>(terminals);
        this.files = files;
        this.endpoint = endpoint;
        this.apiKey = apiKey;
        this.random = new Random(files.hashCode());
    }

    /** {@code OnInit}. */
    TickCollectorSimulator onInit() {
        tz = ServerTime.parse(serverTz);
        if (tz == null) {
            throw new IllegalArgumentException("INIT_PARAMETERS_INCORRECT: unknown time zone [value=" + serverTz + "]");
        }
        stateFile = DIR + "/" + (sourceId.isEmpty() ? "collector" : "collector_" + sourceId) + ".state";
        spoolDir = DIR + "/" + (sourceId.isEmpty() ? "spool" : "spool_" + sourceId);
        final List<Terminal> list = marketWatch != null ? List.copyOf(marketWatch) : List.copyOf(terminals);
        marketWatchTotal = marketWatch != null ? marketWatch.size() : 0;
        terminals.clear();
        canonical = new String[0];
        prevUtc = new long[0];
        lastMsc = new long[0];
        atLast = new int[0];
        scanMsc = new long[0];
        for (final Terminal t : list) {
            addSymbol(t);
        }
        symbolsPending = true;
        final int n = terminals.size();
        final boolean known = loadState();
        loadQueue(known);
        if (known && queue.isEmpty() && !ackedLine.isEmpty() && lineSeq(ackedLine) < seq) {
            rewind(spoolDir);
        }
        if (sourceBase.isEmpty()) {
            sourceBase = sourceId.isEmpty() ? newSourceId() : sourceId;
            epoch = 0;
            for (int i = 0; i < n; i++) {
                startPosition(i, startMinutesAgo);
            }
            ackedLine = positionLine();
            notice = "no saved state: new source " + sourceBase;
            log.add(notice);
        } else {
            for (int i = 0; i < n; i++) {
                if (lastMsc[i] == 0 && scanMsc[i] == 0) {
                    startPosition(i, 0); // added since the state was saved
                }
            }
        }
        source = sourceOf(sourceBase, epoch);
        saveState();
        return this;
    }

    /** {@code AddSymbol}. */
    private void addSymbol(final Terminal t) {
        for (final Terminal known : terminals) {
            if (known.symbol().equals(t.symbol())) {
                return;
            }
        }
        final int k = terminals.size();
        terminals.add(t);
        canonical = Arrays.copyOf(canonical, k + 1);
        lastMsc = Arrays.copyOf(lastMsc, k + 1);
        atLast = Arrays.copyOf(atLast, k + 1);
        scanMsc = Arrays.copyOf(scanMsc, k + 1);
        prevUtc = Arrays.copyOf(prevUtc, k + 1);
        final String mapped = canonical(t.symbol(), symbolMap);
        canonical[k] = safeSymbol(mapped);
        if (!canonical[k].equals(mapped)) {
            notice = "symbol " + mapped + " sent as " + canonical[k];
            log.add(notice);
        }
    }

    /** {@code AddMarketWatchSymbols}. */
    private void addMarketWatchSymbols() {
        marketWatchTotal = marketWatch.size();
        final int before = terminals.size();
        for (final Terminal t : List.copyOf(marketWatch)) {
            addSymbol(t);
        }
        if (terminals.size() == before) {
            return;
        }
        for (int k = before; k < terminals.size(); k++) {
            startPosition(k, 0);
        }
        saveState();
        symbolsPending = true;
        notice = (terminals.size() - before) + " symbol(s) added from Market Watch, collected from now";
        log.add(notice);
    }

    /** {@code OnTimer}: collect, then send. */
    void onTimer() {
        if (marketWatch != null && marketWatch.size() != marketWatchTotal) {
            addMarketWatchSymbols();
        }
        if (symbolsPending) {
            sendSymbols();
        }
        collect();
        send();
    }

    int pendingBatches() {
        return queue.size();
    }

    String source() {
        return source;
    }

    Mt5Files files() {
        return files;
    }

    /**
     * {@code StartPosition}. TimeTradeServer() before any tick is the terminal's own clock (the fixtures are of
     * different days; on a real terminal all symbols share one).
     */
    private void startPosition(final int i, final int minutesAgo) {
        final Terminal terminal = terminals.get(i);
        final long newest = terminal.newestMsc();
        if (newest == 0) {
            scanMsc[i] = (terminal.nowMsc() / 1000 - minutesAgo * 60L) * 1000;
            return;
        }
        if (minutesAgo > 0) {
            scanMsc[i] = newest - minutesAgo * 60_000L;
            return;
        }
        final int same = terminal.copyTicksRange(newest, newest).ticks().size();
        lastMsc[i] = newest;
        atLast[i] = Math.max(same, 1);
        scanMsc[i] = newest;
    }

    private String newSourceId() {
        return "mt5-" + login + "-" + String.format("%08x", random.nextInt());
    }

    static String sourceOf(final String base, final int epoch) {
        return epoch == 0 ? base : base.substring(0, Math.min(26, base.length())) + ".e" + epoch;
    }

    /** {@code TeCanonical}. */
    static String canonical(final String broker, final String map) {
        for (final String pair : map.split(",")) {
            final String[] kv = pair.split("=");
            if (kv.length == 2 && kv[0].trim().equals(broker)) {
                return kv[1].trim();
            }
        }
        return broker;
    }

    /** {@code TeSafeSymbol}. */
    static String safeSymbol(final String name) {
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(name.length(), 32); i++) {
            final char c = name.charAt(i);
            final boolean ok = (c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '#'
                    || c == '+'
                    || c == '-';
            out.append(ok ? c : '_');
        }
        return out.isEmpty() ? "_" : out.toString();
    }

    /** {@code SendSymbols}. */
    private void sendSymbols() {
        final StringBuilder body = new StringBuilder();
        for (int i = 0; i < terminals.size(); i++) {
            body.append(i == 0 ? "[" : ",").append(Mql5Json.symbol(terminals.get(i), canonical[i]));
        }
        final int status = post(baseUrl(endpoint) + "/symbols", body.append(']').toString());
        if (status != -1) {
            symbolAnswers.add(status);
        }
        if (status / 100 == 2) {
            symbolsPending = false;
            return;
        }
        if (status >= 400 && status < 500 && status != 429) {
            symbolsPending = false;
            notice = "symbols not stored by the engine: HTTP " + status;
            log.add(notice);
        }
    }

    /** {@code TeBaseUrl}. */
    static String baseUrl(final String url) {
        final int scheme = url.indexOf("://");
        final int path = url.indexOf('/', scheme < 0 ? 0 : scheme + 3);
        return path < 0 ? url : url.substring(0, path);
    }

    /** @return the status of a POST, -1 when the request failed (WebRequest's -1). */
    private int post(final String url, final String body) {
        try {
            return client.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .header("X-API-Key", apiKey)
                                    .header("Content-Type", "application/json")
                                    .timeout(Duration.ofSeconds(10))
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .statusCode();
        } catch (final java.io.IOException e) {
            return -1;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** {@code CheckServerTz}. */
    private void checkServerTz() {
        if (tz.kind() == ServerTime.MEASURED) {
            tzWarning = "";
            return;
        }
        final int ruleS = ServerTime.offsetAtUtc(tz, terminals.get(0).timeGmtS());
        final String warning = ruleS == offsetS
                ? ""
                : "InpServerTz=" + tz.id() + " gives UTC" + (ruleS >= 0 ? "+" : "") + ruleS / 60
                        + " min now, the server clock is at UTC" + (offsetS >= 0 ? "+" : "") + offsetS / 60
                        + " min: check it";
        if (!warning.isEmpty() && !warning.equals(tzWarning)) {
            log.add(warning);
        }
        tzWarning = warning;
    }

    private void collect() {
        if (queue.size() >= spoolMaxBatches) {
            spoolFull();
            return;
        }
        final long[] last = lastMsc.clone();
        final int[] at = atLast.clone();
        final long[] scan = scanMsc.clone();
        long s = seq;
        final StringBuilder batch = new StringBuilder();
        int inBatch = 0;
        final long windowMsc = Math.max(1, windowMinutes) * 60_000L;
        final Terminal clock = terminals.get(0); // TimeTradeServer() and TimeGMT() are the terminal's
        offsetS = ServerTime.measuredOffsetSeconds(clock.timeTradeServerS(), clock.timeGmtS());
        checkServerTz();
        for (int i = 0; i < terminals.size(); i++) {
            final Terminal terminal = terminals.get(i);
            final long newest = terminal.newestMsc();
            if (newest == 0) {
                continue; // SymbolInfoTick: no tick yet
            }
            final long from = Math.max(last[i], scan[i]);
            final long to = Math.min(from + windowMsc - 1, newest);
            if (to < from) {
                continue;
            }
            final Terminal.Answer answer = terminal.copyTicksRange(from, to);
            if (answer.error() != 0) {
                lastError = "history of " + terminal.symbol() + " not ready, error " + answer.error();
                continue;
            }
            int skip = at[i];
            for (final Terminal.MqlTick tick : answer.ticks()) {
                final long t = tick.timeMsc();
                if (t == last[i] && skip > 0) {
                    skip--;
                    continue;
                }
                if (t == last[i]) {
                    at[i]++;
                } else {
                    last[i] = t;
                    at[i] = 1;
                }
                s++;
                final long utc = tz.kind() == ServerTime.MEASURED
                        ? t - offsetS * 1000L
                        : ServerTime.serverToUtcMsc(tz, t, prevUtc[i]);
                prevUtc[i] = utc;
                batch.append(inBatch == 0 ? "[" : ",")
                        .append(Mql5Json.tick(
                                canonical[i],
                                utc,
                                tick.bid(),
                                tick.ask(),
                                tick.last(),
                                tick.volume(),
                                tick.volumeReal(),
                                tick.flags(),
                                terminal.digits(),
                                source,
                                s,
                                (int) ((t - utc) / 1000)));
                inBatch++;
                if (inBatch == batchMax) {
                    if (!spool(batch.append(']').toString(), s, last, at, scan)) {
                        return;
                    }
                    batch.setLength(0);
                    inBatch = 0;
                    if (queue.size() >= spoolMaxBatches) {
                        spoolFull();
                        return;
                    }
                }
            }
            if (to < newest) {
                scan[i] = to + 1;
            }
        }
        if (inBatch > 0) {
            spool(batch.append(']').toString(), s, last, at, scan);
            return;
        }
        System.arraycopy(scan, 0, scanMsc, 0, scan.length);
    }

    private void spoolFull() {
        final String a = "spool full (" + queue.size() + " batches): collection paused";
        if (!a.equals(alarm)) {
            log.add("ALARM " + a);
        }
        alarm = a;
    }

    private boolean spool(final String body, final long s, final long[] last, final int[] at, final long[] scan) {
        final String line = positionLineOf(s, last, at, scan);
        final String name = spoolName(s);
        if (!files.writeAtomic(name, sourceBase + ";" + epoch + "\n" + line + "\n" + body)) {
            final String a = "cannot write spool file " + name + ": collection paused";
            if (!a.equals(alarm)) {
                log.add("ALARM " + a);
            }
            alarm = a;
            return false;
        }
        alarm = "";
        queue.add(s);
        seq = s;
        System.arraycopy(last, 0, lastMsc, 0, last.length);
        System.arraycopy(at, 0, atLast, 0, at.length);
        System.arraycopy(scan, 0, scanMsc, 0, scan.length);
        saveState();
        return true;
    }

    private String spoolName(final long s) {
        return spoolDir + "/" + String.format("%020d", s) + ".json";
    }

    private void send() {
        while (!queue.isEmpty()) {
            if (!loadHead()) {
                continue;
            }
            final boolean first = queue.get(0) > attemptedSeq;
            if (first) {
                attemptedSeq = queue.get(0);
                saveState();
            }
            final HttpResponse<String> response;
            try {
                response = client.send(
                        HttpRequest.newBuilder(URI.create(endpoint))
                                .header("X-API-Key", apiKey)
                                .header("Content-Type", "application/json")
                                .timeout(Duration.ofSeconds(10))
                                .POST(HttpRequest.BodyPublishers.ofString(parts.get(0)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (final java.io.IOException e) {
                failures++; // WebRequest -1: keep the batch, back off (the next timer here)
                return;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            final int status = response.statusCode();
            if (status / 100 == 2) {
                final long a = number(response.body(), "accepted", 0);
                final long d = number(response.body(), "duplicates", 0);
                lastError = "";
                if (first && d > 0 && a == 0) {
                    newEpoch("the engine already had seqs up to " + queue.get(0) + " of " + source);
                    continue;
                }
                if (first && d > 0) {
                    alarm = d + " ticks of batch " + queue.get(0) + " were taken for duplicates of another sender's";
                    log.add("ALARM " + alarm);
                    newEpoch("the engine had some of these seqs from another sender");
                }
                accepted += a;
                duplicates += d;
                parts.remove(0);
                if (parts.isEmpty()) {
                    ackHead();
                }
                continue;
            }
            lastError = "HTTP " + status + " " + response.body();
            if (status == 409) {
                newEpoch("seq below the engine's window for " + source);
                continue;
            }
            if (status == 413) {
                splitPart();
                continue;
            }
            if (status == 400) {
                setAside(
                        number(response.body(), "index", -1),
                        string(response.body(), "field"),
                        string(response.body(), "error"));
                continue;
            }
            failures++;
            return;
        }
    }

    private boolean loadHead() {
        if (headSeq == queue.get(0)) {
            return true;
        }
        final String name = spoolName(queue.get(0));
        final List<String> lines = files.exists(name) ? files.readLines(name) : null;
        if (lines == null || lines.size() < 3 || lines.get(2).isEmpty()) {
            rewind(name);
            return false;
        }
        final String[] header = lines.get(0).split(";");
        final String fileSource = header.length == 2 ? sourceOf(header[0], Integer.parseInt(header[1])) : "";
        String body = lines.get(2);
        if (!fileSource.equals(source)) {
            body = body.replace("\"source\":\"" + fileSource + "\",", "\"source\":\"" + source + "\",");
        }
        headSeq = queue.get(0);
        headLine = lines.get(1);
        parts.clear();
        parts.add(body);
        return true;
    }

    private void rewind(final String missing) {
        final boolean sentBefore = !ackedLine.isEmpty() && attemptedSeq > lineSeq(ackedLine);
        for (final long s : queue) {
            files.delete(spoolName(s));
        }
        queue.clear();
        headSeq = 0;
        if (!ackedLine.isEmpty()) {
            applyPositionLine(ackedLine);
            notice = "spool file " + missing + " is gone: collecting again from seq " + (seq + 1);
            log.add(notice);
        } else {
            alarm = "spool file " + missing + " is gone and no position before it is known";
            log.add("ALARM " + alarm);
        }
        if (sentBefore) {
            newEpoch("a batch that may have reached the engine is gone");
        }
        saveState();
    }

    private void ackHead() {
        files.delete(spoolName(queue.get(0)));
        ackedLine = headLine;
        headSeq = 0;
        queue.remove(0);
        saveState();
    }

    private void newEpoch(final String reason) {
        final String old = source;
        epoch++;
        epochs++;
        source = sourceOf(sourceBase, epoch);
        parts.replaceAll(p -> p.replace("\"source\":\"" + old + "\",", "\"source\":\"" + source + "\","));
        notice = "new source epoch " + source + ": " + reason;
        log.add(notice);
        saveState();
    }

    private void splitPart() {
        final List<String> items = splitArray(parts.get(0));
        if (items.size() <= 1) {
            setAside(0, "", "413 for a single tick");
            return;
        }
        splits++;
        final int half = items.size() / 2;
        parts.set(0, joinArray(items, 0, half));
        parts.add(1, joinArray(items, half, items.size() - half));
    }

    private void setAside(final long index, final String field, final String reason) {
        final List<String> items = splitArray(parts.get(0));
        final int n = items.size();
        final String refusedSymbol =
                field.equals("symbol") && index >= 0 && index < n ? string(items.get((int) index), "symbol") : "";
        final List<String> kept = new ArrayList<>();
        final StringBuilder aside = new StringBuilder();
        int count = 0;
        for (int i = 0; i < n; i++) {
            final boolean out = index < 0
                    || index >= n
                    || i == index
                    || (!refusedSymbol.isEmpty()
                            && string(items.get(i), "symbol").equals(refusedSymbol));
            if (out) {
                aside.append(items.get(i)).append('\n');
                count++;
            } else {
                kept.add(items.get(i));
            }
        }
        final String name = DIR + "/refused/" + String.format("%020d_%d", headSeq, System.nanoTime()) + ".txt";
        files.writeAtomic(name, reason + "\n" + aside);
        refused += count;
        notice = count + " ticks refused by the engine, kept in " + name + ": " + reason;
        log.add(notice);
        if (!kept.isEmpty()) {
            parts.set(0, joinArray(kept, 0, kept.size()));
        } else {
            parts.remove(0);
            if (parts.isEmpty()) {
                ackHead();
            }
        }
    }

    /** {@code TeJsonSplitArray}. */
    static List<String> splitArray(final String json) {
        final List<String> items = new ArrayList<>();
        int depth = 0;
        int start = -1;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            final char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            if (c == '"') {
                inString = true;
            } else if (c == '{') {
                if (depth == 0) {
                    start = i;
                }
                depth++;
            } else if (c == '}') {
                depth--;
                if (depth == 0 && start >= 0) {
                    items.add(json.substring(start, i + 1));
                    start = -1;
                }
            }
        }
        return items;
    }

    /** {@code TeJsonJoinArray}. */
    static String joinArray(final List<String> items, final int from, final int count) {
        return "[" + String.join(",", items.subList(from, from + count)) + "]";
    }

    private String positionLineOf(final long s, final long[] last, final int[] at, final long[] scan) {
        final StringBuilder line = new StringBuilder(Long.toString(s));
        for (int i = 0; i < terminals.size(); i++) {
            line.append(';')
                    .append(terminals.get(i).symbol())
                    .append('=')
                    .append(last[i])
                    .append(':')
                    .append(at[i])
                    .append(':')
                    .append(scan[i]);
        }
        return line.toString();
    }

    private String positionLine() {
        return positionLineOf(seq, lastMsc, atLast, scanMsc);
    }

    private static long lineSeq(final String line) {
        return Long.parseLong(line.split(";")[0]);
    }

    private void applyPositionLine(final String line) {
        final String[] parts = line.split(";");
        seq = Long.parseLong(parts[0]);
        for (int p = 1; p < parts.length; p++) {
            final String[] kv = parts[p].split("=");
            if (kv.length != 2) {
                continue;
            }
            final String[] pos = kv[1].split(":");
            if (pos.length != 3) {
                continue;
            }
            for (int i = 0; i < terminals.size(); i++) {
                if (terminals.get(i).symbol().equals(kv[0])) {
                    lastMsc[i] = Long.parseLong(pos[0]);
                    atLast[i] = Integer.parseInt(pos[1]);
                    scanMsc[i] = Long.parseLong(pos[2]);
                }
            }
        }
    }

    private void saveState() {
        final String text =
                "v2;" + sourceBase + ";" + epoch + ";" + attemptedSeq + "\n" + positionLine() + "\n" + ackedLine;
        if (!files.writeAtomic(stateFile, text)) {
            lastError = "cannot write " + stateFile;
        }
    }

    private boolean loadState() {
        if (!files.exists(stateFile)) {
            return false;
        }
        final List<String> lines = files.readLines(stateFile);
        if (lines == null || lines.isEmpty()) {
            return false;
        }
        final String[] header = lines.get(0).split(";");
        if (header.length != 4 || !header[0].equals("v2") || header[1].isEmpty()) {
            return false;
        }
        sourceBase = header[1];
        epoch = Integer.parseInt(header[2]);
        attemptedSeq = Long.parseLong(header[3]);
        applyPositionLine(lines.get(1));
        ackedLine = lines.size() > 2 ? lines.get(2) : "";
        return true;
    }

    /** Spooled batches from their names alone; only the newest file is opened. */
    private void loadQueue(final boolean knownState) {
        queue.clear();
        for (final String name : files.list(spoolDir, ".json")) {
            final long s = Long.parseLong(name.substring(0, name.indexOf('.')));
            if (s > 0) {
                queue.add(s);
            }
        }
        final long[] sorted = queue.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted); // ArraySort on a long[]
        queue.clear();
        for (final long s : sorted) {
            queue.add(s);
        }
        if (queue.isEmpty()) {
            return;
        }
        final List<String> lines = files.readLines(spoolName(queue.get(queue.size() - 1)));
        if (lines == null || lines.size() < 2) {
            return;
        }
        final String[] header = lines.get(0).split(";");
        if (header.length != 2) {
            return;
        }
        if (!knownState) {
            sourceBase = header[0];
            epoch = Integer.parseInt(header[1]);
            attemptedSeq = queue.get(queue.size() - 1);
            ackedLine = "";
            notice = "state file gone: source and position taken from the spool";
            log.add(notice);
        }
        if (lineSeq(lines.get(1)) > seq) {
            applyPositionLine(lines.get(1));
        }
    }

    /** {@code TeJsonGetLong} on a flat object. */
    static long number(final String json, final String key, final long fallback) {
        final java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("\"" + key + "\":(-?\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : fallback;
    }

    /** {@code TeJsonGetString} on a flat object (no escapes needed here). */
    static String string(final String json, final String key) {
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + key + "\":\"((?:[^\"\\\\]|\\\\.)*)\"")
                .matcher(json);
        return m.find() ? m.group(1) : "";
    }
}
