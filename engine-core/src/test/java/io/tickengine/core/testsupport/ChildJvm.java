package io.tickengine.core.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A program of the test classpath in a child JVM, for tests that kill it (SIGKILL) or stop it (SIGTERM): it gets
 * this JVM's {@code --add-*} flags and Chronicle settings, its output is collected, and {@link #start} returns once
 * it prints a line starting with a given prefix (e.g. {@code tick-engine: port=}).
 */
public final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final String readyValue;

    private ChildJvm(final Process process, final String readyPrefix) throws Exception {
        this.process = process;
        final CompletableFuture<String> ready = new CompletableFuture<>();
        final Thread reader = new Thread(
                () -> {
                    try (BufferedReader out = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = out.readLine()) != null) {
                            output.append(line).append('\n');
                            if (line.startsWith(readyPrefix)) {
                                ready.complete(
                                        line.substring(readyPrefix.length()).trim());
                            }
                        }
                    } catch (final IOException e) {
                        // The process died; output() tells the story.
                    }
                    ready.completeExceptionally(new IllegalStateException(
                            "child exited before printing '" + readyPrefix + "':\n" + output));
                },
                "child-jvm-output");
        reader.setDaemon(true);
        reader.start();
        this.readyValue = ready.get(60, TimeUnit.SECONDS);
    }

    /** @return {@code java}, this JVM's module flags and Chronicle settings, a heap limit and the test classpath. */
    public static List<String> javaCommand(final String maxHeap) {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-Xmx" + maxHeap, "-cp", System.getProperty("java.class.path")));
        return command;
    }

    /**
     * Starts {@code command} with {@code environment} added, and waits (60 s at most) for its ready line.
     *
     * @param readyPrefix the start of the line that says the program is ready; the rest is {@link #readyValue()}.
     */
    public static ChildJvm start(
            final List<String> command, final Map<String, String> environment, final String readyPrefix)
            throws Exception {
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        return new ChildJvm(builder.start(), readyPrefix);
    }

    /** What a program run to its end by {@link #run} printed, and its exit code. */
    public record Exited(int code, String output) {}

    /**
     * Runs {@code command} with {@code environment} added to its end, for programs expected to exit (e.g. refusals).
     *
     * @throws AssertionError if it has not exited within 60 s; it is killed then.
     */
    public static Exited run(final List<String> command, final Map<String, String> environment) throws Exception {
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        final Process process = builder.start();
        final CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> {
            try {
                return process.getInputStream().readAllBytes();
            } catch (final IOException e) {
                return new byte[0];
            }
        });
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child did not exit within 60 s:\n"
                    + new String(output.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        }
        return new Exited(process.exitValue(), new String(output.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    }

    /** @return the child's process id. */
    public long pid() {
        return process.pid();
    }

    /** @return what followed the ready prefix on the ready line, trimmed. */
    public String readyValue() {
        return readyValue;
    }

    /** @return everything the child printed so far. */
    public String output() {
        return output.toString();
    }

    /** SIGKILL: no shutdown hook, no close, nothing flushed that was not already written. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * SIGTERM, then waits for the graceful stop.
     *
     * @return the exit code.
     */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child did not stop within 60 s after SIGTERM:\n" + output);
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
