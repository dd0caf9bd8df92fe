package io.tickengine.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.LoopbackPorts;
import io.tickengine.core.testsupport.TickFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 1 through the executable, as documented: {@code java -jar edge-agent/target/edge-agent.jar run --port P
 * --data-dir DIR --engine-url http://127.0.0.1:EP} with {@code EDGE_ENGINE_API_KEY} and {@code TICK_API_KEYS}, no
 * extra JVM flags, a real engine on loopback; real tick files in, exactly the expected candles out. Runs after
 * {@code package} (Failsafe), on the shaded jar.
 */
class EdgeAgentJarIT {
    @TempDir
    Path engineDir;

    @TempDir
    Path agentDir;

    @Test
    void shouldDeliverRealTickFilesThroughTheJarToTheEngineExactly() throws Exception {
        final Path jar = Path.of("target", "edge-agent.jar").toAbsolutePath();
        assertTrue(Files.exists(jar), "build the jar first: " + jar);
        final int port = LoopbackPorts.free();
        final EngineFixture engine = new EngineFixture(engineDir);
        final StringBuffer output = new StringBuffer();
        final String agentId;
        long total = 0;
        try (engine) {
            final ProcessBuilder builder = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx256m",
                            "-jar",
                            jar.toString(),
                            "run",
                            "--port",
                            Integer.toString(port),
                            "--data-dir",
                            agentDir.toString(),
                            "--engine-url",
                            engine.url())
                    .redirectErrorStream(true);
            builder.environment().put("EDGE_ENGINE_API_KEY", EngineFixture.INGEST_KEY);
            builder.environment().put("TICK_API_KEYS", AgentFixture.EA_KEYS);
            final Process process = builder.start();
            try {
                drain(process, output);
                final TickSender health = new TickSender(List.of(), 0, 0, port, 1, "none");
                Await.until(() -> answers(health, port), Duration.ofSeconds(60), output::toString);
                for (final String fixture : TickFiles.FIXTURES) {
                    final List<TickFiles.Tick> ticks = TickFiles.ticks(fixture);
                    final TickSender ea = new TickSender(ticks, 0, ticks.size(), port, 100, "ea-" + fixture);
                    ea.run();
                    assertEquals(ticks.size(), ea.acknowledged.get(), ea.stoppedBy() + "\n" + output);
                    total += ticks.size();
                }
                final long stored = total;
                Await.until(
                        () -> {
                            final AgentStatus s = status(health, port);
                            return s.backlog() == 0 && s.forwardedSeq() == stored;
                        },
                        Duration.ofSeconds(60),
                        () -> "backlog drained:\n" + output);
                final AgentStatus last = status(health, port);
                agentId = last.agentId();
                assertEquals(stored, last.lastSeq());
                process.destroy();
                assertTrue(process.waitFor(60, TimeUnit.SECONDS), "stops after SIGTERM");
                assertEquals(0, process.exitValue(), "exit 0 after a clean stop:\n" + output);
            } finally {
                process.destroyForcibly();
            }
            assertEquals(total, engine.journaled());
        }
        engine.assertJournaledExactlyOnce(agentId, total);
        for (final String fixture : TickFiles.FIXTURES) {
            engine.assertExpectedM1(fixture);
        }
    }

    private static boolean answers(final TickSender client, final int port) {
        try {
            return client.health(port).statusCode() == 200;
        } catch (final IOException e) {
            return false;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static AgentStatus status(final TickSender client, final int port) {
        try {
            return AgentStatus.fromJson(client.health(port).body());
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void drain(final Process process, final StringBuffer output) {
        final Thread reader = new Thread(() -> {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                in.lines().forEach(line -> output.append(line).append('\n'));
            } catch (final IOException | UncheckedIOException e) {
                // The process is gone and its stream closed.
            }
        });
        reader.setDaemon(true);
        reader.start();
    }
}
