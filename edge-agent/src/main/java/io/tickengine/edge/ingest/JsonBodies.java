package io.tickengine.edge.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The listener's JSON answers, the same as the engine's: {@code {"accepted","duplicates"}} and its error body. */
final class JsonBodies {
    private static final JsonFactory JSON = new JsonFactory();

    private JsonBodies() {}

    static byte[] accepted(final int accepted, final int duplicates) {
        return ("{\"accepted\":" + accepted + ",\"duplicates\":" + duplicates + "}")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * @param index the offending tick's index in the request, or -1.
     * @param field the offending field's wire name, or {@code null}.
     * @return {@code {"error":message,"index":i,"field":"f","status":s}}, as the engine answers.
     */
    static byte[] error(final int status, final String message, final int index, final String field) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("error", message);
            if (index >= 0) {
                json.writeNumberField("index", index);
            }
            if (field != null) {
                json.writeStringField("field", field);
            }
            json.writeNumberField("status", status);
            json.writeEndObject();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
