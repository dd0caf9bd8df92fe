package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /health} says nothing that {@code docs/openapi.yaml} does not document: every field of a live answer,
 * nested ones by their path, is a property of the {@code Health} schema.
 */
class HealthSchemaTest {
    static final Path OPENAPI = Path.of("..", "docs", "openapi.yaml");
    private static final Pattern KEY = Pattern.compile("^( *)([A-Za-z][A-Za-z0-9]*):");

    @TempDir
    Path dir;

    @Test
    void shouldDocumentEveryFieldOfALiveHealthAnswer() throws Exception {
        assertTrue(
                healthProperties(Files.readAllLines(OPENAPI)).contains("journal.tailCut"),
                "the schema is read with its nested objects");
        try (HttpFixture http = new HttpFixture(dir.resolve("engine"), null)) {
            final HttpResponse<String> health = http.get("/health", null);
            assertEquals(200, health.statusCode(), health.body());
            assertEquals(Set.of(), undocumented(health.body()), "fields /health answers that the schema does not name");
        }
    }

    /** @return the paths of the fields of a {@code /health} answer that the {@code Health} schema does not name. */
    static Set<String> undocumented(final String healthBody) throws Exception {
        final Set<String> answered = new TreeSet<>();
        paths("", new ObjectMapper().readTree(healthBody), answered);
        answered.removeAll(healthProperties(Files.readAllLines(OPENAPI)));
        return answered;
    }

    /** @return the paths ({@code journal.state}) of the properties the {@code Health} schema names, at every depth. */
    static Set<String> healthProperties(final List<String> lines) {
        final Set<String> properties = new TreeSet<>();
        // The keys that enclose the current line, innermost last, as (indent, name).
        final Deque<Map.Entry<Integer, String>> enclosing = new ArrayDeque<>();
        int schemaIndent = -1;
        for (final String line : lines) {
            final Matcher m = KEY.matcher(line);
            if (!m.find()) {
                continue;
            }
            final int indent = m.group(1).length();
            final String name = m.group(2);
            if (schemaIndent < 0) {
                if (name.equals("Health")) {
                    schemaIndent = indent;
                }
                continue;
            }
            if (indent <= schemaIndent) {
                break;
            }
            while (!enclosing.isEmpty() && enclosing.peekLast().getKey() >= indent) {
                enclosing.removeLast();
            }
            if (!enclosing.isEmpty() && enclosing.peekLast().getValue().equals("properties")) {
                final StringBuilder path = new StringBuilder();
                final Iterator<Map.Entry<Integer, String>> it = enclosing.iterator();
                Map.Entry<Integer, String> before = null;
                while (it.hasNext()) {
                    final Map.Entry<Integer, String> e = it.next();
                    // A property's name is a key whose parent key is "properties".
                    if (before != null && before.getValue().equals("properties")) {
                        path.append(e.getValue()).append('.');
                    }
                    before = e;
                }
                properties.add(path.append(name).toString());
            }
            enclosing.addLast(Map.entry(indent, name));
        }
        return properties;
    }

    private static void paths(final String prefix, final JsonNode node, final Set<String> out) {
        for (final Map.Entry<String, JsonNode> field : node.properties()) {
            final String path = prefix + field.getKey();
            out.add(path);
            if (field.getValue().isObject()) {
                paths(path + ".", field.getValue(), out);
            }
        }
    }
}
