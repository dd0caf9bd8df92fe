package io.tickengine.http.mql5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.security.ApiKeys;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.Stores;
import io.tickengine.core.testsupport.Candles;
import io.tickengine.core.testsupport.LoopbackPorts;
import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.http.EngineServer;
import io.tickengine.http.server.HttpContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

/** A real engine on loopback for the EA simulators, and the checks their tests share. */
final class Mql5Fixture {
    static final String KEY = "ea-key-0123456789abcdef";
    static final int UTC_PLUS_3 = 3 * 3600;

    final Path dataDir;
    final int port;
    private final String[] settings;

    /** @param settings engine settings, {@code key=value}. */
    Mql5Fixture(final Path dataDir, final String... settings) throws java.io.IOException {
        this.dataDir = dataDir;
        this.settings = settings;
        this.port = LoopbackPorts.free();
    }

    String ingestUrl() {
        return "http://127.0.0.1:" + port + "/ingest/tick";
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    EngineServer start() throws Exception {
        final EngineContext engine = new EngineContext()
                .set("data.dir", dataDir.toString())
                .set("writer.flush.interval.ms", "20")
                .set("signals.lease.ms", "1000");
        for (final String setting : settings) {
            final int eq = setting.indexOf('=');
            engine.set(setting.substring(0, eq), setting.substring(eq + 1));
        }
        final HttpContext http =
                new HttpContext().set("http.port", Integer.toString(port)).set("http.bind", "127.0.0.1");
        return EngineServer.start(engine, http, ApiKeys.parse(KEY));
    }

    /** A terminal over a fixture's ticks, as a broker named the symbol, on a UTC+3 server. */
    static Terminal terminal(final String fixture, final String brokerSymbol, final int digits) {
        return new Terminal(brokerSymbol, digits, TickFiles.ticks(fixture), UTC_PLUS_3);
    }

    /** A collector on its own Files folder, UTC+3, started. */
    static TickCollectorSimulator collector(
            final Mql5Fixture engine, final Path files, final int batchMax, final Terminal... terminals) {
        final TickCollectorSimulator ea =
                new TickCollectorSimulator(List.of(terminals), new Mt5Files(files), engine.ingestUrl(), KEY);
        ea.batchMax = batchMax;
        return ea;
    }

    /** Timers with a few ticks arriving between them until everything arrived and is acknowledged. */
    static void runToTheEnd(final Random random, final TickCollectorSimulator ea, final Terminal... terminals) {
        int timers = 0;
        while (!allArrived(terminals) || ea.pendingBatches() > 0) {
            for (final Terminal t : terminals) {
                t.arrive(random.nextInt(40));
            }
            ea.onTimer();
            assertTrue(++timers < 20_000, "the EA never caught up: " + ea.log);
        }
    }

    static boolean allArrived(final Terminal... terminals) {
        for (final Terminal t : terminals) {
            if (!t.allArrived()) {
                return false;
            }
        }
        return true;
    }

    /** The stored M1 bars of {@code symbol} equal the fixture's expected bars (whatever the fixture calls it). */
    void assertM1(final String fixture, final String symbol) throws Exception {
        final EngineContext context = new EngineContext().set("data.dir", dataDir.toString());
        try (CandleStore store = Stores.openStore(context)) {
            if (symbol.equals(TickFiles.expectedM1(fixture).get(0).symbol())) {
                Candles.assertExpectedM1(store, fixture);
                return;
            }
            final String expected = TickFiles.expectedM1(fixture).stream()
                    .map(c -> c.openTimeMsc() + " " + c.open() + " " + c.high() + " " + c.low() + " " + c.close() + " "
                            + c.tickVolume())
                    .collect(Collectors.joining("\n"));
            final String actual = Candles.all(store, symbol, Timeframe.M1).stream()
                    .map(c -> c.openTimeMsc() + " " + c.open() + " " + c.high() + " " + c.low() + " " + c.close() + " "
                            + c.tickVolume())
                    .collect(Collectors.joining("\n"));
            assertEquals(expected, actual, "M1 candles of " + fixture + " as " + symbol);
        }
    }

    /** @return the M1 tick volume of a symbol in the store (every tick counted once, or not). */
    long m1TickVolume(final String symbol) throws Exception {
        final EngineContext context = new EngineContext().set("data.dir", dataDir.toString());
        try (CandleStore store = Stores.openStore(context)) {
            return Candles.all(store, symbol, Timeframe.M1).stream()
                    .mapToLong(io.tickengine.core.store.CandleRow::tickVolume)
                    .sum();
        }
    }
}
