package io.tickengine.http;

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

/** {@code tick-engine run} in a child JVM on loopback, for tests that kill it (SIGKILL) or stop it (SIGTERM). */
final class EngineProcess implements AutoCloseable {
    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final int port;

    private EngineProcess(final Process process) throws Exception {
        this.process = process;
        final CompletableFuture<Integer> portLine = new CompletableFuture<>();
        final Thread reader = new Thread(
                () -> {
                    try (BufferedReader out = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = out.readLine()) != null) {
                            output.append(line).append('\n');
                            if (line.startsWith("tick-engine: port=")) {
                                portLine.complete(Integer.parseInt(line.substring("tick-engine: port=".length())
                                        .trim()));
                            }
                        }
                    } catch (final IOException e) {
                        // The process died; output() tells the story.
                    }
                    portLine.completeExceptionally(
                            new IllegalStateException("engine exited before listening:\n" + output));
                },
                "engine-process-output");
        reader.setDaemon(true);
        reader.start();
        this.port = portLine.get(60, TimeUnit.SECONDS);
    }

    /** Starts {@code tick-engine run} with the test keys on a free loopback port. */
    static EngineProcess start(final Path dataDir, final String... extraArgs) throws Exception {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle")) {
                command.add(arg);
            }
        }
        command.addAll(List.of(
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                TickEngineMain.class.getName(),
                "run",
                "--port",
                "0",
                "--bind",
                "127.0.0.1",
                "--data-dir",
                dataDir.toString(),
                "--set",
                "writer.flush.interval.ms=20"));
        command.addAll(List.of(extraArgs));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("TICK_API_KEYS", HttpFixture.KEYS);
        return new EngineProcess(builder.start());
    }

    int port() {
        return port;
    }

    String output() {
        return output.toString();
    }

    /** SIGKILL: no shutdown hook, no flush, no close. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * SIGTERM, then waits for the graceful stop.
     *
     * @return the exit code.
     */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("engine did not stop within 60 s after SIGTERM:\n" + output);
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
