package io.tickengine.http.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.tickengine.core.signal.Ack;
import io.tickengine.core.signal.Lease;
import io.tickengine.core.signal.Signal;
import io.tickengine.core.tick.NameTable;
import io.tickengine.http.route.Responses;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** JSON for the signals endpoints: strict reading with errors naming index and field, and writing. */
public final class SignalJson {
    /** A body that is not acceptable: HTTP 400 with this message, index and field. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        private final int index;
        private final String field;

        Invalid(final String message, final int index, final String field) {
            super(message, null, false, false);
            this.index = index;
            this.field = field;
        }

        public int index() {
            return index;
        }

        public String field() {
            return field;
        }
    }

    /** Ids of signals, leases and consumers: 1-64 of these characters. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Set<String> SIDES = Set.of("buy", "sell", "close");
    private static final Set<String> RESULTS = Set.of("executed", "rejected", "failed");
    /** Signals one request may publish. */
    public static final int MAX_SIGNALS = 1000;
    /** Longest a signal may stay valid: a year. */
    public static final long MAX_VALIDITY_MSC = 366L * 86_400_000L;
    /** Largest payload kept with a signal. */
    public static final int MAX_PAYLOAD_CHARS = 4096;

    private SignalJson() {}

    /** Reads {@code POST /signals}: one signal object or an array of them. */
    public static List<Signal> readSignals(final InputStream body, final long nowMsc) throws Invalid {
        final List<Signal> signals = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body)) {
            final JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT && first != JsonToken.START_ARRAY) {
                throw new Invalid("expected a signal object or an array of them", -1, null);
            }
            final boolean array = first == JsonToken.START_ARRAY;
            JsonToken t = array ? p.nextToken() : first;
            while (t != JsonToken.END_ARRAY) {
                if (t != JsonToken.START_OBJECT) {
                    throw new Invalid("expected a signal object", signals.size(), null);
                }
                if (signals.size() == MAX_SIGNALS) {
                    throw new Invalid(
                            "too many signals in one request [max=" + MAX_SIGNALS + "]", signals.size(), null);
                }
                signals.add(readSignal(p, signals.size(), nowMsc));
                if (!array) {
                    break;
                }
                t = p.nextToken();
                if (t == null) {
                    throw new Invalid("unclosed array", signals.size(), null);
                }
            }
            if (p.nextToken() != null) {
                throw new Invalid("unexpected content after the signals", -1, null);
            }
        } catch (final JsonParseException e) {
            throw new Invalid("malformed JSON: " + e.getOriginalMessage(), signals.size(), null);
        } catch (final IOException e) {
            throw new Invalid("unreadable body: " + e.getMessage(), signals.size(), null);
        }
        if (signals.isEmpty()) {
            throw new Invalid("no signal in the body", -1, null);
        }
        return signals;
    }

    private static Signal readSignal(final JsonParser p, final int index, final long nowMsc)
            throws IOException, Invalid {
        String id = null;
        String symbol = null;
        String side = null;
        double size = Double.NaN;
        double priceMin = Double.NaN;
        double priceMax = Double.NaN;
        double sl = Double.NaN;
        double tp = Double.NaN;
        long validUntil = Long.MIN_VALUE;
        String modelId = null;
        String payload = null;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            final String field = p.currentName();
            final JsonToken v = p.nextToken();
            switch (field) {
                case "signal_id" -> id = id(p, v, index, field);
                case "symbol" -> {
                    symbol = text(p, v, index, field);
                    if (!NameTable.isValid(symbol)) {
                        throw new Invalid("invalid symbol: 1-32 of [A-Za-z0-9._#+-]", index, field);
                    }
                }
                case "side" -> {
                    side = text(p, v, index, field);
                    if (!SIDES.contains(side)) {
                        throw new Invalid("side must be buy, sell or close", index, field);
                    }
                }
                case "size" -> size = positive(p, v, index, field, false);
                case "price_min" -> priceMin = positive(p, v, index, field, true);
                case "price_max" -> priceMax = positive(p, v, index, field, true);
                case "sl" -> sl = positive(p, v, index, field, true);
                case "tp" -> tp = positive(p, v, index, field, true);
                case "valid_until" -> validUntil = integer(p, v, index, field);
                case "ttl_ms" ->
                    validUntil = nowMsc + Math.min(MAX_VALIDITY_MSC + 1, Math.max(0, integer(p, v, index, field)));
                case "model_id" -> modelId = v == JsonToken.VALUE_NULL ? null : id(p, v, index, field);
                case "payload" -> payload = payload(p, v, index, field);
                default -> p.skipChildren();
            }
        }
        if (id == null) {
            throw new Invalid("missing field", index, "signal_id");
        }
        if (symbol == null) {
            throw new Invalid("missing field", index, "symbol");
        }
        if (side == null) {
            throw new Invalid("missing field", index, "side");
        }
        if (Double.isNaN(size)) {
            throw new Invalid("missing field", index, "size");
        }
        if (validUntil == Long.MIN_VALUE) {
            throw new Invalid("missing field: valid_until (epoch ms) or ttl_ms", index, "valid_until");
        }
        if (validUntil <= nowMsc) {
            throw new Invalid("already expired", index, "valid_until");
        }
        if (validUntil - nowMsc > MAX_VALIDITY_MSC) {
            throw new Invalid("valid for more than a year", index, "valid_until");
        }
        if (!Double.isNaN(priceMin) && !Double.isNaN(priceMax) && priceMin > priceMax) {
            throw new Invalid("price_min above price_max", index, "price_min");
        }
        return new Signal(id, symbol, side, size, priceMin, priceMax, sl, tp, validUntil, modelId, payload, nowMsc);
    }

    /** Reads {@code POST /signals/ack}. */
    public static Ack readAck(final InputStream body, final long nowMsc) throws Invalid {
        String signalId = null;
        String leaseId = null;
        String consumer = null;
        String result = null;
        long ticket = 0;
        double fillPrice = Double.NaN;
        int retcode = 0;
        String message = null;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new Invalid("expected an ack object", -1, null);
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                final String field = p.currentName();
                final JsonToken v = p.nextToken();
                switch (field) {
                    case "signal_id" -> signalId = id(p, v, -1, field);
                    case "lease_id" -> leaseId = id(p, v, -1, field);
                    case "consumer" -> consumer = id(p, v, -1, field);
                    case "result" -> {
                        result = text(p, v, -1, field);
                        if (!RESULTS.contains(result)) {
                            throw new Invalid("result must be executed, rejected or failed", -1, field);
                        }
                    }
                    case "ticket" -> ticket = v == JsonToken.VALUE_NULL ? 0 : integer(p, v, -1, field);
                    case "fill_price" -> fillPrice = positive(p, v, -1, field, true);
                    case "retcode" -> {
                        final long code = v == JsonToken.VALUE_NULL ? 0 : integer(p, v, -1, field);
                        if (code < 0 || code > Integer.MAX_VALUE) {
                            throw new Invalid("retcode out of range", -1, field);
                        }
                        retcode = (int) code;
                    }
                    case "message" -> {
                        message = v == JsonToken.VALUE_NULL ? null : text(p, v, -1, field);
                        if (message != null && message.length() > 1000) {
                            throw new Invalid("message longer than 1000 characters", -1, field);
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new Invalid("unexpected content after the ack", -1, null);
            }
        } catch (final JsonParseException e) {
            throw new Invalid("malformed JSON: " + e.getOriginalMessage(), -1, null);
        } catch (final IOException e) {
            throw new Invalid("unreadable body: " + e.getMessage(), -1, null);
        }
        for (final String[] required : new String[][] {
            {"signal_id", signalId}, {"lease_id", leaseId}, {"consumer", consumer}, {"result", result}
        }) {
            if (required[1] == null) {
                throw new Invalid("missing field", -1, required[0]);
            }
        }
        return new Ack(signalId, leaseId, consumer, result, ticket, fillPrice, retcode, message, nowMsc);
    }

    /** Writes one signal's fields (without braces) into {@code json}. */
    public static StringBuilder writeSignalFields(final StringBuilder json, final Signal s) {
        json.append("\"signal_id\":");
        Responses.quote(json, s.signalId()).append(",\"symbol\":");
        Responses.quote(json, s.symbol()).append(",\"side\":");
        Responses.quote(json, s.side()).append(",\"size\":").append(s.size());
        number(json, "price_min", s.priceMin());
        number(json, "price_max", s.priceMax());
        number(json, "sl", s.sl());
        number(json, "tp", s.tp());
        json.append(",\"valid_until\":").append(s.validUntilMsc()).append(",\"model_id\":");
        if (s.modelId() == null) {
            json.append("null");
        } else {
            Responses.quote(json, s.modelId());
        }
        json.append(",\"payload\":").append(s.payload() == null ? "null" : s.payload());
        return json.append(",\"created_at\":").append(s.createdAtMsc());
    }

    /** @return a lease as JSON. */
    public static StringBuilder writeLease(final Lease lease) {
        final StringBuilder json = new StringBuilder(384).append('{');
        writeSignalFields(json, lease.signal()).append(",\"lease_id\":");
        Responses.quote(json, lease.leaseId()).append(",\"consumer\":");
        Responses.quote(json, lease.consumer())
                .append(",\"lease_expires_at\":")
                .append(lease.leaseExpiresMsc())
                .append(",\"deliveries\":")
                .append(lease.deliveries());
        return json.append('}');
    }

    private static void number(final StringBuilder json, final String name, final double value) {
        json.append(",\"").append(name).append("\":");
        if (Double.isNaN(value)) {
            json.append("null");
        } else {
            json.append(value);
        }
    }

    private static String id(final JsonParser p, final JsonToken v, final int index, final String field)
            throws IOException, Invalid {
        final String text = text(p, v, index, field);
        if (!ID.matcher(text).matches()) {
            throw new Invalid("invalid id: 1-64 of [A-Za-z0-9._:-]", index, field);
        }
        return text;
    }

    private static String text(final JsonParser p, final JsonToken v, final int index, final String field)
            throws IOException, Invalid {
        if (v != JsonToken.VALUE_STRING) {
            throw new Invalid("not a string", index, field);
        }
        return p.getText();
    }

    private static double positive(
            final JsonParser p, final JsonToken v, final int index, final String field, final boolean nullable)
            throws IOException, Invalid {
        if (nullable && v == JsonToken.VALUE_NULL) {
            return Double.NaN;
        }
        if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new Invalid("not a number", index, field);
        }
        final double d = p.getDoubleValue();
        if (!(d > 0 && d < Double.POSITIVE_INFINITY)) {
            throw new Invalid("must be a positive number", index, field);
        }
        return d;
    }

    private static long integer(final JsonParser p, final JsonToken v, final int index, final String field)
            throws IOException, Invalid {
        if (v != JsonToken.VALUE_NUMBER_INT) {
            throw new Invalid("not an integer", index, field);
        }
        try {
            return p.getLongValue();
        } catch (final com.fasterxml.jackson.core.exc.InputCoercionException e) {
            throw new Invalid("integer out of range", index, field);
        }
    }

    private static String payload(final JsonParser p, final JsonToken v, final int index, final String field)
            throws IOException, Invalid {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v != JsonToken.START_OBJECT) {
            throw new Invalid("payload must be a JSON object", index, field);
        }
        final StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.copyCurrentStructure(p);
        }
        if (out.getBuffer().length() > MAX_PAYLOAD_CHARS) {
            throw new Invalid("payload larger than " + MAX_PAYLOAD_CHARS + " characters", index, field);
        }
        return out.toString();
    }
}
