package io.tickengine.http;

import io.tickengine.core.testsupport.ChildJvm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code tick-engine run} in a child JVM on loopback, for tests that kill it (SIGKILL) or stop it (SIGTERM). */
final class EngineProcess implements AutoCloseable {
    private final ChildJvm jvm;

    private EngineProcess(final ChildJvm jvm) {
        this.jvm = jvm;
    }

    /** Starts {@code tick-engine run} with the test keys on a free loopback port. */
    static EngineProcess start(final Path dataDir, final String... extraArgs) throws Exception {
        final List<String> command = ChildJvm.javaCommand("512m");
        command.add(TickEngineMain.class.getName());
        command.addAll(runArgs(dataDir, extraArgs));
        return new EngineProcess(
                ChildJvm.start(command, Map.of("TICK_API_KEYS", HttpFixture.KEYS), "tick-engine: port="));
    }

    /** Runs {@code tick-engine run}, as {@link #start} would, to its end: for runs that must refuse to start. */
    static ChildJvm.Exited runToExit(final Path dataDir, final String... extraArgs) throws Exception {
        return run(runArgs(dataDir, extraArgs).toArray(new String[0]));
    }

    private static List<String> runArgs(final Path dataDir, final String... extraArgs) {
        final List<String> args = new ArrayList<>(List.of(
                "run",
                "--port",
                "0",
                "--bind",
                "127.0.0.1",
                "--data-dir",
                dataDir.toString(),
                "--set",
                "writer.flush.interval.ms=20"));
        args.addAll(List.of(extraArgs));
        return args;
    }

    long pid() {
        return jvm.pid();
    }

    int port() {
        return Integer.parseInt(jvm.readyValue());
    }

    String output() {
        return jvm.output();
    }

    /** SIGKILL: no shutdown hook, no flush, no close. */
    void kill() throws InterruptedException {
        jvm.kill();
    }

    /** SIGTERM, then waits for the graceful stop; @return the exit code. */
    int terminate() throws InterruptedException {
        return jvm.terminate();
    }

    /** Runs {@code tick-engine ARGS} in a child JVM to its end, with the test keys. */
    static ChildJvm.Exited run(final String... args) throws Exception {
        final List<String> command = ChildJvm.javaCommand("256m");
        command.add(TickEngineMain.class.getName());
        command.addAll(List.of(args));
        return ChildJvm.run(command, Map.of("TICK_API_KEYS", HttpFixture.KEYS));
    }

    @Override
    public void close() {
        jvm.close();
    }
}
