package io.tickengine.kafka.mirror;

import io.tickengine.core.EngineContext;
import io.tickengine.core.TickEngine;
import io.tickengine.core.testsupport.Feeder;
import io.tickengine.core.testsupport.TickFiles;
import java.util.List;

/**
 * Child-process half of the mirror's crash test: an engine with {@code journal.mirror=kafka} fed a fixture with
 * source/seq in small batches, printing {@code ACKED n} after each acknowledged batch; never closed. The test kills it
 * with SIGKILL.
 *
 * <p>Arguments: data dir, bootstrap servers, topic, fixture name, fixtures dir.
 */
public final class MirroringFeeder {
    private MirroringFeeder() {}

    public static void main(final String[] args) throws Exception {
        System.setProperty("tick.data.dir", args[4]);
        final TickEngine engine = TickEngine.start(new EngineContext()
                .set("data.dir", args[0])
                .set("journal.mirror", "kafka")
                .set("kafka.bootstrap.servers", args[1])
                .set("kafka.topic", args[2])
                .set("kafka.mirror.batch.records", "100"));
        final long deadlineNs = System.nanoTime() + 60_000_000_000L;
        while (engine.journalMirror().downReason() != null) {
            if (System.nanoTime() - deadlineNs > 0) {
                throw new IllegalStateException(
                        "mirror not connected: " + engine.journalMirror().downReason());
            }
            Thread.sleep(10);
        }
        final List<TickFiles.Tick> ticks = TickFiles.ticks(args[3]);
        final Feeder feeder = new Feeder(engine);
        final int batch = 50;
        for (int from = 0; from < ticks.size(); from += batch) {
            final int to = Math.min(ticks.size(), from + batch);
            feeder.feed(ticks, from, to, batch, "crash-src", 1);
            System.out.println(
                    "ACKED " + to + " SHIPPED " + engine.journalMirror().shippedIndex());
            System.out.flush();
            // Slow enough that the mirror ships part of it before the kill.
            Thread.sleep(5);
        }
        System.out.println("DONE");
        Thread.sleep(Long.MAX_VALUE);
    }
}
