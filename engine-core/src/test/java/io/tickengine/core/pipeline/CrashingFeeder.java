package io.tickengine.core.pipeline;

import io.tickengine.core.TickEngine;
import io.tickengine.core.testsupport.Feeder;
import io.tickengine.core.testsupport.TickFiles;
import java.nio.file.Path;
import java.util.List;

/**
 * Child-process half of the crash test: feeds a fixture with source/seq in small batches, printing
 * {@code ACKED n} after each acknowledged batch, and never closes the engine. The test kills it with SIGKILL.
 *
 * <p>Arguments: data dir, db URL (empty for SQLite), fixture name, fixtures dir.
 */
public final class CrashingFeeder {
    private CrashingFeeder() {}

    public static void main(final String[] args) throws Exception {
        System.setProperty("tick.data.dir", args[3]);
        final TickEngine engine =
                TickEngine.start(PipelineFixture.context(Path.of(args[0]), args[1].isEmpty() ? null : args[1]));
        final List<TickFiles.Tick> ticks = TickFiles.ticks(args[2]);
        final Feeder feeder = new Feeder(engine);
        final int batch = 50;
        for (int from = 0; from < ticks.size(); from += batch) {
            final int to = Math.min(ticks.size(), from + batch);
            feeder.feed(ticks, from, to, batch, "crash-src", 1);
            System.out.println("ACKED " + to);
            System.out.flush();
        }
        System.out.println("DONE");
        Thread.sleep(Long.MAX_VALUE);
    }
}
