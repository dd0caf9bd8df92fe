package io.tickengine.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tickengine.core.EngineContext;
import io.tickengine.core.journal.TickJournal;
import io.tickengine.core.security.ApiKeys;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.Stores;
import io.tickengine.core.testsupport.Candles;
import io.tickengine.core.testsupport.LoopbackPorts;
import io.tickengine.http.EngineServer;
import io.tickengine.http.server.HttpContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * A real engine (engine-http's {@link EngineServer}) in-process on a fixed loopback port, which a test can stop and
 * start again on the same data dir and port ("the engine is down for a while").
 */
final class EngineFixture implements AutoCloseable {
    static final String INGEST_KEY = "engine-ingest-key-0123456789";
    static final String KEYS = INGEST_KEY + "=ingest";

    private final Path dataDir;
    private final int port;
    private EngineServer server;
    /** Duplicates and journaled ticks counted by engine instances already stopped. */
    private long pastDuplicates;

    private long pastJournaled;

    private final String[] settings;

    EngineFixture(final Path dataDir) throws Exception {
        this(dataDir, new String[0]);
    }

    /** @param settings {@code key=value} pairs of the engine's context, e.g. {@code names.capacity=1}. */
    EngineFixture(final Path dataDir, final String... settings) throws Exception {
        this(dataDir, LoopbackPorts.free(), settings);
    }

    /** An engine on a given port (an EA's default URL). */
    EngineFixture(final Path dataDir, final int port, final String... settings) throws Exception {
        this.dataDir = dataDir;
        this.port = port;
        this.settings = settings.clone();
        start();
    }

    /** Starts the engine (again) on the same data dir and port. */
    void start() throws Exception {
        final EngineContext engine =
                new EngineContext().set("data.dir", dataDir.toString()).set("writer.flush.interval.ms", "20");
        for (final String setting : settings) {
            final int eq = setting.indexOf('=');
            engine.set(setting.substring(0, eq), setting.substring(eq + 1));
        }
        final HttpContext http =
                new HttpContext().set("http.port", Integer.toString(port)).set("http.bind", "127.0.0.1");
        server = EngineServer.start(engine, http, ApiKeys.parse(KEYS));
    }

    /** Stops the engine gracefully: journal closed, candles flushed. */
    void stop() {
        if (server != null) {
            // Counted after the close: the ring drains while it stops, and those ticks count too.
            server.close();
            pastDuplicates += server.engine().metrics().ticksDuplicate.get();
            pastJournaled += server.engine().metrics().ticksJournaled.get();
            server = null;
        }
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    /** @return ticks the engine dropped as duplicates, over every instance so far. */
    long duplicates() {
        return pastDuplicates
                + (server == null ? 0 : server.engine().metrics().ticksDuplicate.get());
    }

    /** @return ticks the engine journaled, over every instance so far. */
    long journaled() {
        return pastJournaled
                + (server == null ? 0 : server.engine().metrics().ticksJournaled.get());
    }

    /** Asserts the (stopped) engine's journal holds seqs 1..lastSeq of the source exactly once, except {@code gaps}. */
    void assertJournaledExactlyOnce(final String source, final long lastSeq, final long... gaps) {
        final BitSet seen = new BitSet();
        final int[] repeats = {0};
        try (TickJournal journal = TickJournal.open(dataDir.resolve("journal"), "FAST_DAILY")) {
            journal.replay(Long.MIN_VALUE, (record, index) -> {
                if (new String(record.source, 0, record.sourceLength, StandardCharsets.US_ASCII).equals(source)) {
                    if (seen.get((int) record.seq)) {
                        repeats[0]++;
                    }
                    seen.set((int) record.seq);
                }
            });
        }
        assertEquals(0, repeats[0], "ticks journaled twice [source=" + source + "]");
        final BitSet expected = new BitSet();
        expected.set(1, (int) lastSeq + 1);
        for (final long gap : gaps) {
            expected.clear((int) gap);
        }
        assertEquals(expected, seen, "seqs journaled for " + source);
    }

    /** Asserts the (stopped) engine's store holds exactly the fixture's expected M1 candles. */
    void assertExpectedM1(final String fixture) throws Exception {
        try (CandleStore store = Stores.openStore(new EngineContext().set("data.dir", dataDir.toString()))) {
            Candles.assertExpectedM1(store, fixture);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
