package io.tickengine.edge;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The agent's state as {@code GET /health} and {@code edge-agent status} report it.
 *
 * @param running whether the values come from a running agent (live counters) or from the buffer file alone.
 * @param accepting whether new ticks are accepted (false when the buffer is full).
 * @param backlog ticks stored and not yet acknowledged by the engine.
 * @param backlogAgeMs how long the oldest of them has waited, 0 when the backlog is empty.
 * @param barBacklog bars ({@code POST /ingest}) stored and not yet acknowledged by the engine.
 * @param symbolBacklog symbol entries ({@code POST /symbols}) stored and not yet acknowledged by the engine.
 * @param barForwardError why the oldest stored bar or symbol request cannot be forwarded now, {@code null} while it
 *     can (or when read from the buffer file alone).
 * @param forwardedTotal ticks acknowledged by the engine since the agent started.
 * @param duplicatesTotal of those, ticks the engine already had (resent after a lost answer or a crash).
 * @param quarantined ticks in quarantine (all time).
 * @param forwardRatePerSecond ticks acknowledged per second over the last ten seconds.
 * @param lastSuccessMsc when the engine last acknowledged a batch, 0 if never.
 * @param lastError the last failure to forward, or {@code null}.
 * @param lastErrorMsc when it happened, 0 if never.
 * @param diskFreeBytes free space on the buffer's disk, -1 if unknown.
 * @param diskMinFreeBytes the least free space wanted there ({@code buffer.min.free.mb}); below it new ticks are
 *     refused.
 */
public record AgentStatus(
        String agentId,
        String engineUrl,
        boolean running,
        boolean accepting,
        long backlog,
        long backlogAgeMs,
        long barBacklog,
        long symbolBacklog,
        String barForwardError,
        long lastSeq,
        long forwardedSeq,
        long forwardedTotal,
        long duplicatesTotal,
        long quarantined,
        String lastQuarantineReason,
        double forwardRatePerSecond,
        long lastSuccessMsc,
        String lastError,
        long lastErrorMsc,
        long bufferMaxTicks,
        long diskFreeBytes,
        long diskMinFreeBytes) {
    private static final JsonFactory JSON = new JsonFactory();

    /**
     * @return {@code ok} (nothing waiting, or the last attempt succeeded), {@code retrying} (the last attempt to
     *     forward ticks failed, or stored bars or symbol entries cannot be forwarded), {@code buffer disk full} (new ticks are refused: the disk has less free space than
     *     {@code buffer.min.free.mb}) or {@code buffer full} (new ticks are refused: {@code buffer.max.ticks}).
     */
    public String state() {
        if (isDiskFull()) {
            return "buffer disk full";
        }
        if (!accepting) {
            return "buffer full";
        }
        if (backlog > 0 && lastErrorMsc > lastSuccessMsc || barForwardError != null && barBacklog + symbolBacklog > 0) {
            return "retrying";
        }
        return "ok";
    }

    /** @return true if the buffer's disk has less free space than wanted. */
    public boolean isDiskFull() {
        return diskFreeBytes >= 0 && diskFreeBytes < diskMinFreeBytes;
    }

    /** @return the status as one JSON object. */
    public String toJson() {
        final StringWriter out = new StringWriter(512);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("status", state());
            json.writeStringField("agent_id", agentId);
            json.writeStringField("engine_url", engineUrl);
            json.writeBooleanField("running", running);
            json.writeBooleanField("accepting", accepting);
            json.writeNumberField("backlog", backlog);
            json.writeNumberField("backlog_age_ms", backlogAgeMs);
            json.writeNumberField("bar_backlog", barBacklog);
            json.writeNumberField("symbol_backlog", symbolBacklog);
            json.writeStringField("bar_forward_error", barForwardError);
            json.writeNumberField("last_seq", lastSeq);
            json.writeNumberField("forwarded_seq", forwardedSeq);
            json.writeNumberField("forwarded_total", forwardedTotal);
            json.writeNumberField("duplicates_total", duplicatesTotal);
            json.writeNumberField("quarantined", quarantined);
            json.writeStringField("last_quarantine_reason", lastQuarantineReason);
            json.writeNumberField("forward_rate_per_s", Math.round(forwardRatePerSecond));
            json.writeNumberField("last_success_msc", lastSuccessMsc);
            json.writeStringField("last_error", lastError);
            json.writeNumberField("last_error_msc", lastErrorMsc);
            json.writeNumberField("buffer_max_ticks", bufferMaxTicks);
            json.writeNumberField("disk_free_bytes", diskFreeBytes);
            json.writeNumberField("disk_min_free_bytes", diskMinFreeBytes);
            json.writeEndObject();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * Reads what {@link #toJson()} wrote (the running agent's {@code /health}).
     *
     * @throws IOException if it is not such a JSON object.
     */
    public static AgentStatus fromJson(final String text) throws IOException {
        final Map<String, Object> fields = new HashMap<>();
        try (JsonParser json = JSON.createParser(text)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                final String name = json.currentName();
                final JsonToken value = json.nextToken();
                fields.put(
                        name,
                        switch (value) {
                            case VALUE_NUMBER_INT -> json.getLongValue();
                            case VALUE_NUMBER_FLOAT -> json.getDoubleValue();
                            case VALUE_TRUE -> Boolean.TRUE;
                            case VALUE_FALSE -> Boolean.FALSE;
                            case VALUE_STRING -> json.getText();
                            default -> {
                                json.skipChildren();
                                yield null;
                            }
                        });
            }
        }
        if (!(fields.get("agent_id") instanceof String)) {
            throw new IOException("not an edge agent status");
        }
        return new AgentStatus(
                (String) fields.get("agent_id"),
                (String) fields.get("engine_url"),
                Boolean.TRUE.equals(fields.get("running")),
                Boolean.TRUE.equals(fields.get("accepting")),
                number(fields, "backlog"),
                number(fields, "backlog_age_ms"),
                number(fields, "bar_backlog"),
                number(fields, "symbol_backlog"),
                (String) fields.get("bar_forward_error"),
                number(fields, "last_seq"),
                number(fields, "forwarded_seq"),
                number(fields, "forwarded_total"),
                number(fields, "duplicates_total"),
                number(fields, "quarantined"),
                (String) fields.get("last_quarantine_reason"),
                number(fields, "forward_rate_per_s"),
                number(fields, "last_success_msc"),
                (String) fields.get("last_error"),
                number(fields, "last_error_msc"),
                number(fields, "buffer_max_ticks"),
                fields.get("disk_free_bytes") instanceof Number n ? n.longValue() : -1,
                number(fields, "disk_min_free_bytes"));
    }

    private static long number(final Map<String, Object> fields, final String name) {
        return fields.get(name) instanceof Number n ? n.longValue() : 0;
    }
}
