package io.tickengine.edge;

import io.tickengine.core.security.ApiKeys;
import java.nio.file.Path;

/** An edge agent in-process on a free loopback port, forwarding to an {@link EngineFixture}. */
final class AgentFixture {
    static final String EA_KEYS = TickSender.EA_KEY + "=ingest";

    private AgentFixture() {}

    /** Starts an agent on {@code dataDir}; {@code settings} are {@code key=value} pairs of {@link EdgeContext}. */
    static EdgeAgent start(final Path dataDir, final String engineUrl, final String... settings) throws Exception {
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
        return EdgeAgent.start(context.conclude(), ApiKeys.parse(EA_KEYS), EngineFixture.INGEST_KEY);
    }
}
