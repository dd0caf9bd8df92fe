package io.tickengine.core.pipeline;

import io.tickengine.core.EngineContext;
import java.nio.file.Path;

/** Engine configurations the pipeline tests share: small ring, fast writer, the default timeframes. */
final class PipelineFixture {
    private PipelineFixture() {}

    static EngineContext context(final Path dataDir, final String dbUrl) {
        final EngineContext context = new EngineContext()
                .set("data.dir", dataDir.toString())
                .set("ring.size", "4096")
                .set("ring.max.batch", "1024")
                .set("writer.flush.interval.ms", "20")
                .set("writer.batch.size", "500")
                .set("writer.backoff.min.ms", "20")
                .set("writer.backoff.max.ms", "300")
                .set("db.connect.timeout.ms", "500")
                .set("shutdown.timeout.ms", "20000");
        if (dbUrl != null) {
            context.set("db.url", dbUrl);
        }
        return context;
    }
}
