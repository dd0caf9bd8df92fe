package io.tickengine.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The numbers of one load run, as written to {@code OUT.json} and read back by the comparison table. Latencies in
 * microseconds; {@code errorsByAnswer} counts the error answers by status and reason ({@code "503 ring full x32"}).
 */
public record LoadResult(
        String name,
        String target,
        String format,
        int batch,
        int connections,
        double rateTarget,
        double seconds,
        long requests,
        long ticks,
        long errors,
        double requestsPerSecond,
        double ticksPerSecond,
        double p50Us,
        double p90Us,
        double p99Us,
        double p999Us,
        double maxUs,
        String errorsByAnswer) {

    /** Writes the record as one flat JSON object. */
    public void write(final Path file) throws IOException {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("target", target);
        m.put("format", format);
        m.put("batch", batch);
        m.put("connections", connections);
        m.put("rateTarget", rateTarget);
        m.put("seconds", seconds);
        m.put("requests", requests);
        m.put("ticks", ticks);
        m.put("errors", errors);
        m.put("requestsPerSecond", requestsPerSecond);
        m.put("ticksPerSecond", ticksPerSecond);
        m.put("p50Us", p50Us);
        m.put("p90Us", p90Us);
        m.put("p99Us", p99Us);
        m.put("p999Us", p999Us);
        m.put("maxUs", maxUs);
        m.put("errorsByAnswer", errorsByAnswer);
        final StringBuilder json = new StringBuilder("{");
        String sep = "";
        for (final Map.Entry<String, Object> e : m.entrySet()) {
            json.append(sep).append('"').append(e.getKey()).append("\":");
            final Object v = e.getValue();
            if (v instanceof String s) {
                json.append('"')
                        .append(s.replace("\\", "\\\\").replace("\"", "\\\""))
                        .append('"');
            } else if (v instanceof Double d) {
                json.append(String.format(Locale.ROOT, "%.3f", d));
            } else {
                json.append(v);
            }
            sep = ",";
        }
        Files.writeString(file, json.append("}\n"), StandardCharsets.UTF_8);
    }

    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(\"(?:[^\"\\\\]|\\\\.)*\"|[-0-9.eE]+)");

    /** Reads a file {@link #write} wrote. */
    public static LoadResult read(final Path file) throws IOException {
        final Map<String, String> m = new LinkedHashMap<>();
        final Matcher matcher = FIELD.matcher(Files.readString(file, StandardCharsets.UTF_8));
        while (matcher.find()) {
            String v = matcher.group(2);
            if (v.startsWith("\"")) {
                v = v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
            }
            m.put(matcher.group(1), v);
        }
        return new LoadResult(
                m.get("name"),
                m.get("target"),
                m.get("format"),
                Integer.parseInt(m.get("batch")),
                Integer.parseInt(m.get("connections")),
                Double.parseDouble(m.get("rateTarget")),
                Double.parseDouble(m.get("seconds")),
                Long.parseLong(m.get("requests")),
                Long.parseLong(m.get("ticks")),
                Long.parseLong(m.get("errors")),
                Double.parseDouble(m.get("requestsPerSecond")),
                Double.parseDouble(m.get("ticksPerSecond")),
                Double.parseDouble(m.get("p50Us")),
                Double.parseDouble(m.get("p90Us")),
                Double.parseDouble(m.get("p99Us")),
                Double.parseDouble(m.get("p999Us")),
                Double.parseDouble(m.get("maxUs")),
                m.getOrDefault("errorsByAnswer", ""));
    }
}
