package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run command, for real: {@code java -jar engine-http/target/tick-engine.jar run} with no extra JVM
 * flags and no key configured prints a generated key, serves {@code /health} and accepts a tick with that key, and
 * stops with exit 0 on SIGTERM. Runs after {@code package} (Failsafe), on the shaded jar.
 */
class ExecutableJarIT {
    @TempDir
    Path workDir;

    @Test
    void shouldRunFromTheJarWithAGeneratedKeyAndStopCleanly() throws Exception {
        final Path jar = Path.of("target", "tick-engine.jar").toAbsolutePath();
        assertTrue(Files.exists(jar), "build the jar first: " + jar);
        final ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-jar",
                        jar.toString(),
                        "run",
                        "--port",
                        "0",
                        "--bind",
                        "127.0.0.1")
                .directory(workDir.toFile())
                .redirectErrorStream(true);
        builder.environment().remove("TICK_API_KEYS");
        final Process process = builder.start();
        final StringBuilder output = new StringBuilder();
        String key = null;
        int port = -1;
        try {
            final BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while (port < 0 && (line = out.readLine()) != null) {
                output.append(line).append('\n');
                if (line.startsWith("tick-engine: api-key=")) {
                    key = line.substring("tick-engine: api-key=".length()).trim();
                }
                if (line.startsWith("tick-engine: generated API key written to ")) {
                    // Not a terminal: the key is in a file only this user may read, never in the output.
                    final Path first =
                            workDir.resolve("data").resolve(io.tickengine.http.cli.RunCommand.FIRST_KEY_FILE);
                    key = java.nio.file.Files.readString(first).trim();
                    assertTrue(
                            java.nio.file.Files.getPosixFilePermissions(first)
                                    .equals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")),
                            "the first key's file is the owner's only");
                }
                if (line.startsWith("tick-engine: port=")) {
                    port = Integer.parseInt(
                            line.substring("tick-engine: port=".length()).trim());
                }
            }
            assertNotNull(key, "a generated key is written to a file:\n" + output);
            assertFalse(output.toString().contains("api-key=" + key), "never printed without a terminal");
            assertTrue(port > 0, "the port is printed:\n" + output);
            final Thread drain = new Thread(() -> {
                try {
                    out.lines().forEach(l -> output.append(l).append('\n'));
                } catch (final java.io.UncheckedIOException e) {
                    // The process is gone and its stream closed: nothing more to read.
                }
            });
            drain.setDaemon(true);
            drain.start();

            final HttpClient client = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            final HttpResponse<String> health = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            final HttpResponse<String> tick = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ingest/tick"))
                            .header("Content-Type", "application/json")
                            .header("X-API-Key", key)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"symbol\":\"EURUSD\",\"time_msc\":"
                                    + System.currentTimeMillis() + ",\"bid\":1.14273,\"ask\":1.14277,\"flags\":6}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(202, tick.statusCode(), tick.body());
            assertEquals("{\"accepted\":1,\"duplicates\":0}", tick.body());
            final String keyFile = Files.readString(workDir.resolve("data").resolve("api-keys"));
            assertTrue(keyFile.contains("sha256:") && !keyFile.contains(key), "only the key's digest is stored");

            process.destroy();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "stops after SIGTERM");
            assertEquals(0, process.exitValue(), "exit 0 after a graceful stop:\n" + output);
        } finally {
            process.destroyForcibly();
        }
    }
}
