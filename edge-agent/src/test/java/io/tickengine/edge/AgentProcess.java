package io.tickengine.edge;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code edge-agent run} in a child JVM on loopback (the test classpath, {@link EdgeAgentMain}), for tests that kill
 * it with SIGKILL. Listener keys from {@code TICK_API_KEYS}, the engine key from {@code EDGE_ENGINE_API_KEY}, as an
 * operator would set them.
 */
final class AgentProcess implements AutoCloseable {
    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final int port;

    private AgentProcess(final Process process) throws Exception {
        this.process = process;
        final CompletableFuture<Integer> portLine = new CompletableFuture<>();
        final Thread reader = new Thread(
                () -> {
                    try (BufferedReader out = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = out.readLine()) != null) {
                            output.append(line).append('\n');
                            if (line.startsWith("edge-agent: port=")) {
                                portLine.complete(Integer.parseInt(line.substring("edge-agent: port=".length())
                                        .trim()));
                            }
                        }
                    } catch (final IOException e) {
                        // The process died; output() tells the story.
                    }
                    portLine.completeExceptionally(
                            new IllegalStateException("agent exited before listening:\n" + output));
                },
                "agent-process-output");
        reader.setDaemon(true);
        reader.start();
        this.port = portLine.get(60, TimeUnit.SECONDS);
    }

    /** Starts an agent on {@code dataDir} forwarding to {@code engineUrl}, on a free loopback port. */
    static AgentProcess start(final Path dataDir, final String engineUrl, final String... extraArgs) throws Exception {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-")) {
                command.add(arg);
            }
        }
        command.addAll(List.of(
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                EdgeAgentMain.class.getName(),
                "run",
                "--port",
                "0",
                "--data-dir",
                dataDir.toString(),
                "--engine-url",
                engineUrl,
                "--set",
                "forward.backoff.min.ms=20",
                "--set",
                "forward.backoff.max.ms=200",
                "--set",
                "buffer.min.free.mb=0"));
        command.addAll(List.of(extraArgs));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("TICK_API_KEYS", AgentFixture.EA_KEYS);
        builder.environment().put("EDGE_ENGINE_API_KEY", EngineFixture.INGEST_KEY);
        return new AgentProcess(builder.start());
    }

    int port() {
        return port;
    }

    String output() {
        return output.toString();
    }

    /** SIGKILL: no shutdown hook, no close, nothing flushed that was not already committed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * SIGTERM, then waits for the clean stop.
     *
     * @return the exit code.
     */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("agent did not stop within 60 s after SIGTERM:\n" + output);
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
