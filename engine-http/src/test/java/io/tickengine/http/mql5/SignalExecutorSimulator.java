package io.tickengine.http.mql5;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code SignalExecutor.mq5} in Java, function for function: acks not yet confirmed are sent again first; then one
 * poll of {@code /signals/next}; a signal with a recorded outcome is acked again (under its new lease), one whose
 * deal is in the account's history (its comment, {@link #comment}) is acked as executed, any other is traded on the
 * {@link BrokerAccount} and recorded in the journal file before the ack. {@code loseAck} loses chosen ack attempts
 * (WebRequest times out): the ack stays to be resent. A restart is a new simulator over the same files and account.
 */
final class SignalExecutorSimulator {
    private final String baseUrl;
    private final String apiKey;
    private final String consumer;
    private final Mt5Files files;
    private final BrokerAccount account;
    private final Predicate<String> loseAck;
    private final String journal;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    /** Orders sent to the broker for each signal id (a test's view across terminals). */
    final Map<String, Integer> trades;

    long magic = 26001;
    double maxSize = 1.0;

    // The journal in memory.
    private final List<String> ids = new ArrayList<>();
    private final List<String[]> outcomes = new ArrayList<>(); // result, ticket, price, retcode, message
    private final List<String> leases = new ArrayList<>();
    private final List<Boolean> acked = new ArrayList<>();

    /** Acks the engine confirmed with 200. */
    int acks;

    String lastError = "";

    SignalExecutorSimulator(
            final String baseUrl,
            final String apiKey,
            final String consumer,
            final Mt5Files files,
            final BrokerAccount account,
            final Map<String, Integer> trades,
            final Predicate<String> loseAck) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.consumer = consumer;
        this.files = files;
        this.account = account;
        this.trades = trades;
        this.loseAck = loseAck;
        this.journal = "TickEngine/executor_" + consumer + ".txt";
        loadJournal();
    }

    /**
     * {@code OnTimer}: acks to resend, then one poll.
     *
     * @return true if a signal was leased.
     */
    boolean onTimer() {
        if (!resendAcks()) {
            return false;
        }
        final HttpResponse<String> next;
        try {
            next = client.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + "/signals/next?consumer=" + consumer))
                            .header("X-API-Key", apiKey)
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (final java.io.IOException e) {
            return false; // engine down: back off
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (next.statusCode() != 200) {
            return false;
        }
        handle(next.body());
        return true;
    }

    int pendingAcks() {
        return (int) acked.stream().filter(a -> !a).count();
    }

    /** {@code TeSignalComment}: "te:" + FNV-1a 64 of the id, 16 hex digits. */
    static String comment(final String signalId) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < signalId.length(); i++) {
            hash ^= signalId.charAt(i);
            hash *= 0x100000001b3L;
        }
        return "te:" + String.format("%016x", hash);
    }

    private void handle(final String json) {
        final String signalId = string(json, "signal_id");
        final String leaseId = string(json, "lease_id");
        int k = ids.lastIndexOf(signalId);
        if (k < 0) {
            final BrokerAccount.Deal found = findOwnDeal(signalId);
            final String[] outcome = found != null
                    ? new String[] {
                        "executed",
                        Long.toString(found.ticket()),
                        Double.toString(found.price()),
                        "10009",
                        "found the deal of an earlier attempt"
                    }
                    : execute(json);
            k = record(signalId, outcome, leaseId);
        } else if (!leases.get(k).equals(leaseId)) {
            leases.set(k, leaseId);
            acked.set(k, false);
            files.append(journal, line(k));
        }
        ack(k);
    }

    private String[] execute(final String json) {
        final String symbol = string(json, "symbol");
        final String side = string(json, "side");
        final double size = decimal(json, "size");
        final double minPx = decimal(json, "price_min");
        final double maxPx = decimal(json, "price_max");
        final long validUntil = (long) decimal(json, "valid_until");
        final String signalId = string(json, "signal_id");
        if (System.currentTimeMillis() >= validUntil) {
            return rejected("expired");
        }
        final String comment = comment(signalId);
        if (side.equals("close")) {
            return closeOwn(symbol, comment, signalId);
        }
        final double[] volume = new double[1];
        final String refusal = normalVolume(size, volume);
        if (refusal != null) {
            return rejected(refusal);
        }
        final double fill = side.equals("buy") ? BrokerAccount.ASK : BrokerAccount.BID;
        if ((minPx > 0 && fill < minPx) || (maxPx > 0 && fill > maxPx)) {
            return rejected("price " + fill + " outside the signal's limits");
        }
        final BrokerAccount.Deal deal = account.deal(symbol, side.equals("buy"), volume[0], 0, magic, comment);
        trades.merge(signalId, 1, Integer::sum);
        return new String[] {"executed", Long.toString(deal.ticket()), Double.toString(deal.price()), "10009", "done"};
    }

    /** {@code NormalVolume}: null when the volume is fine, else why not. */
    String normalVolume(final double size, final double[] volume) {
        if (size > maxSize) {
            return "size " + size + " above InpMaxSize " + maxSize;
        }
        final double v = Math.floor(size / BrokerAccount.VOLUME_STEP + 1e-7) * BrokerAccount.VOLUME_STEP;
        volume[0] = normalizeDouble(v, stepDigits(BrokerAccount.VOLUME_STEP));
        if (volume[0] < BrokerAccount.VOLUME_MIN || (account.volumeMax > 0 && volume[0] > account.volumeMax)) {
            return "volume " + volume[0] + " outside [" + BrokerAccount.VOLUME_MIN + ", " + account.volumeMax + "]";
        }
        return null;
    }

    /** {@code StepDigits}. */
    static int stepDigits(final double step) {
        int digits = 0;
        double s = step;
        while (digits < 8 && s > 0 && Math.abs(s - Math.round(s)) > 1e-9) {
            s *= 10;
            digits++;
        }
        return digits;
    }

    /** MQL5's {@code NormalizeDouble}. */
    static double normalizeDouble(final double value, final int digits) {
        return BigDecimal.valueOf(value).setScale(digits, RoundingMode.HALF_UP).doubleValue();
    }

    private String[] closeOwn(final String symbol, final String comment, final String signalId) {
        String[] outcome = rejected("no position of this executor on " + symbol);
        if (account.hedging) {
            final List<BrokerAccount.Position> all = account.positions();
            for (int i = all.size() - 1; i >= 0; i--) {
                final BrokerAccount.Position p = all.get(i);
                if (!p.symbol.equals(symbol) || p.magic != magic) {
                    continue;
                }
                outcome = closeDeal(symbol, p.ticket, p.buy, p.volume, comment, signalId);
            }
            return outcome;
        }
        final BrokerAccount.Position p = account.bySymbol(symbol);
        if (p == null) {
            return outcome;
        }
        final double own = ownVolume(symbol, p.ticket);
        if (Math.abs(own) < 1e-9) {
            return outcome;
        }
        return closeDeal(
                symbol,
                p.ticket,
                own > 0,
                normalizeDouble(Math.abs(own), stepDigits(BrokerAccount.VOLUME_STEP)),
                comment,
                signalId);
    }

    /** {@code OwnVolume}: this executor's deals in the position, buys plus, sells minus. */
    private double ownVolume(final String symbol, final long positionId) {
        double own = 0;
        for (final BrokerAccount.Deal d : account.deals()) {
            if (d.positionId() == positionId && d.magic() == magic && d.symbol().equals(symbol)) {
                own += d.buy() ? d.volume() : -d.volume();
            }
        }
        return own;
    }

    private String[] closeDeal(
            final String symbol,
            final long position,
            final boolean positionIsBuy,
            final double volume,
            final String comment,
            final String signalId) {
        final BrokerAccount.Deal deal = account.deal(symbol, !positionIsBuy, volume, position, magic, comment);
        trades.merge(signalId, 1, Integer::sum);
        return new String[] {"executed", Long.toString(deal.ticket()), Double.toString(deal.price()), "10009", "done"};
    }

    private static String[] rejected(final String message) {
        return new String[] {"rejected", "0", "0", "0", message};
    }

    private boolean ack(final int k) {
        final String[] o = outcomes.get(k);
        final String body = Mql5Json.ack(
                ids.get(k),
                leases.get(k),
                consumer,
                o[0],
                Long.parseLong(o[1]),
                Double.parseDouble(o[2]),
                Integer.parseInt(o[3]),
                o[4]);
        int status;
        if (loseAck.test(ids.get(k))) {
            status = -1; // WebRequest timed out: nobody knows whether the engine got it
        } else {
            try {
                status = client.send(
                                HttpRequest.newBuilder(URI.create(baseUrl + "/signals/ack"))
                                        .header("X-API-Key", apiKey)
                                        .header("Content-Type", "application/json")
                                        .timeout(Duration.ofSeconds(10))
                                        .POST(HttpRequest.BodyPublishers.ofString(body))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode();
            } catch (final java.io.IOException e) {
                status = -1;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                status = -1;
            }
        }
        if (status == 200 || status == 404 || status == 409) {
            if (status == 200) {
                acks++;
            } else {
                lastError = "ack of " + ids.get(k) + ": HTTP " + status;
            }
            acked.set(k, true);
            files.append(journal, ids.get(k) + ";acked");
            return true;
        }
        lastError = "ack of " + ids.get(k) + " not confirmed, sent again";
        return false;
    }

    private boolean resendAcks() {
        for (int k = 0; k < ids.size(); k++) {
            if (!acked.get(k) && !ack(k)) {
                return false;
            }
        }
        return true;
    }

    private int record(final String signalId, final String[] outcome, final String leaseId) {
        ids.add(signalId);
        outcomes.add(outcome);
        leases.add(leaseId);
        acked.add(false);
        final int k = ids.size() - 1;
        files.append(journal, line(k));
        return k;
    }

    private String line(final int k) {
        final String[] o = outcomes.get(k);
        return ids.get(k) + ";" + o[0] + ";" + o[1] + ";" + o[2] + ";" + o[3] + ";" + o[4].replace(';', ',') + ";"
                + leases.get(k);
    }

    private void loadJournal() {
        if (!files.exists(journal)) {
            return;
        }
        for (final String line : files.readLines(journal)) {
            final String[] parts = line.split(";", -1);
            if (parts.length == 2 && parts[1].equals("acked")) {
                final int a = ids.lastIndexOf(parts[0]);
                if (a >= 0) {
                    acked.set(a, true);
                }
                continue;
            }
            if (parts.length < 6) {
                continue;
            }
            int k = ids.lastIndexOf(parts[0]);
            if (k < 0) {
                ids.add(parts[0]);
                outcomes.add(null);
                leases.add("");
                acked.add(false);
                k = ids.size() - 1;
            }
            outcomes.set(k, new String[] {parts[1], parts[2], parts[3], parts[4], parts[5]});
            leases.set(k, parts.length >= 7 ? parts[6] : "");
            acked.set(k, parts.length < 7);
        }
    }

    /** {@code FindOwnDeal}: a deal with this executor's magic and the signal's comment. */
    private BrokerAccount.Deal findOwnDeal(final String signalId) {
        final String comment = comment(signalId);
        final List<BrokerAccount.Deal> deals = account.deals();
        for (int i = deals.size() - 1; i >= 0; i--) {
            final BrokerAccount.Deal d = deals.get(i);
            if (d.magic() == magic && d.comment().equals(comment)) {
                return d;
            }
        }
        return null;
    }

    private static String string(final String json, final String key) {
        final Matcher m = Pattern.compile("\"" + key + "\":\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : "";
    }

    /** {@code TeJsonGetDouble} with fallback 0 (null or absent). */
    private static double decimal(final String json, final String key) {
        final Matcher m = Pattern.compile("\"" + key + "\":(-?[0-9.eE+-]+)").matcher(json);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
