package io.tickengine.edge;

import io.tickengine.core.security.ApiKeys;
import io.tickengine.core.testsupport.LoopbackPorts;
import java.nio.file.Path;

/** An edge agent in-process on a free loopback port, forwarding to an {@link EngineFixture}. */
final class AgentFixture {
    static final String EA_KEYS = TickSender.EA_KEY + "=ingest";

    private AgentFixture() {}

    /** @return the URL of a loopback port nothing listens on: an engine that is down. */
    static String deadEngineUrl() throws Exception {
        return "http://127.0.0.1:" + LoopbackPorts.free();
    }

    /** Starts an agent on {@code dataDir}; {@code settings} are {@code key=value} pairs of {@link EdgeContext}. */
    static EdgeAgent start(final Path dataDir, final String engineUrl, final String... settings) throws Exception {
        return start(dataDir, engineUrl, ApiKeys.parse(EA_KEYS), settings);
    }

    /** Starts an agent whose listener accepts {@code keys}. */
    static EdgeAgent start(final Path dataDir, final String engineUrl, final ApiKeys keys, final String... settings)
            throws Exception {
        final EdgeContext context = new EdgeContext()
                .set("agent.port", "0")
                .set("agent.data.dir", dataDir.toString())
                .set("engine.url", engineUrl)
                .set("forward.backoff.min.ms", "20")
                .set("forward.backoff.max.ms", "200")
                .set("forward.idle.poll.ms", "50")
                .set("buffer.min.free.mb", "0");
        for (final String setting : settings) {
            final int eq = setting.indexOf('=');
            context.set(setting.substring(0, eq), setting.substring(eq + 1));
        }
        return EdgeAgent.start(context.conclude(), keys, EngineFixture.INGEST_KEY);
    }
}
