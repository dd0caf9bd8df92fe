package io.tickengine.edge;

import io.tickengine.core.testsupport.ChildJvm;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code edge-agent run} in a child JVM on loopback (the test classpath, {@link EdgeAgentMain}), for tests that kill
 * it with SIGKILL. Listener keys from {@code TICK_API_KEYS}, the engine key from {@code EDGE_ENGINE_API_KEY}, as an
 * operator would set them.
 */
final class AgentProcess implements AutoCloseable {
    private final ChildJvm jvm;

    private AgentProcess(final ChildJvm jvm) {
        this.jvm = jvm;
    }

    /** Starts an agent on {@code dataDir} forwarding to {@code engineUrl}, on a free loopback port. */
    static AgentProcess start(final Path dataDir, final String engineUrl, final String... extraArgs) throws Exception {
        final List<String> command = ChildJvm.javaCommand("256m");
        command.addAll(List.of(
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
        return new AgentProcess(ChildJvm.start(
                command,
                Map.of("TICK_API_KEYS", AgentFixture.EA_KEYS, "EDGE_ENGINE_API_KEY", EngineFixture.INGEST_KEY),
                "edge-agent: port="));
    }

    int port() {
        return Integer.parseInt(jvm.readyValue());
    }

    String output() {
        return jvm.output();
    }

    /** SIGKILL: no shutdown hook, no close, nothing flushed that was not already committed. */
    void kill() throws InterruptedException {
        jvm.kill();
    }

    /** SIGTERM, then waits for the clean stop; @return the exit code. */
    int terminate() throws InterruptedException {
        return jvm.terminate();
    }

    @Override
    public void close() {
        jvm.close();
    }
}
