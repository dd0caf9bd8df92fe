package io.tickengine.http.mql5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.security.ApiKeys;
import io.tickengine.core.store.CandleRow;
import io.tickengine.core.store.CandleStore;
import io.tickengine.core.store.Stores;
import io.tickengine.core.testsupport.Candles;
import io.tickengine.core.testsupport.LoopbackPorts;
import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.http.EngineServer;
import io.tickengine.http.server.HttpContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The EAs' two flows against a real engine over HTTP on loopback, simulated step for step (MetaEditor cannot run
 * here): every tick of the real files arrives exactly once across an engine restart, and every signal is traded
 * exactly once across lost acks and a restart.
 */
class Mql5FlowsTest {
    private static final String KEY = "ea-key-0123456789abcdef";
    private static final int UTC_PLUS_3 = 3 * 3600;

    @TempDir
    Path dataDir;

    @TempDir
    Path files;

    private int port;

    @Test
    void shouldDeliverEveryTickOfTheRealFilesExactlyOnceAcrossAnEngineRestart() throws Exception {
        port = LoopbackPorts.free();
        final Terminal eurusd = new Terminal("EURUSD", 5, TickFiles.ticks("EURUSD_20260713"), UTC_PLUS_3);
        final Terminal btcusd = new Terminal("BTCUSD", 1, TickFiles.ticks("BTCUSD_20230220"), UTC_PLUS_3);
        final TickCollectorSimulator ea = new TickCollectorSimulator(
                List.of(eurusd, btcusd), new Mt5Files(files), "http://127.0.0.1:" + port + "/ingest/tick", KEY);
        ea.onInit();
        final Random random = new Random(7);
        EngineServer engine = start();
        int timers = 0;
        boolean restarted = false;
        while (!(eurusd.allArrived() && btcusd.allArrived() && ea.pendingBatches() == 0)) {
            // Between two timers a few ticks arrive, unevenly per symbol.
            eurusd.arrive(random.nextInt(30));
            btcusd.arrive(random.nextInt(60));
            ea.onTimer();
            timers++;
            if (!restarted && timers == 60) {
                engine.close(); // the engine goes away mid-file...
                for (int i = 0; i < 25; i++) {
                    eurusd.arrive(random.nextInt(30));
                    btcusd.arrive(random.nextInt(60));
                    ea.onTimer(); // ...the EA keeps collecting and spooling
                }
                assertTrue(ea.pendingBatches() > 0 && ea.failures > 0, "batches wait while the engine is down");
                engine = start(); // ...and comes back on the same journal and store
                restarted = true;
            }
            assertTrue(timers < 10_000, "the EA never caught up");
        }
        engine.close();
        assertTrue(restarted);
        assertEquals(3551 + 8523, ea.accepted + ea.duplicates, "every tick acknowledged");
        final EngineContext context = new EngineContext().set("data.dir", dataDir.toString());
        try (CandleStore store = Stores.openStore(context)) {
            Candles.assertExpectedM1(store, "EURUSD_20260713");
            Candles.assertExpectedM1(store, "BTCUSD_20230220");
        }
    }

    @Test
    void shouldNeitherSkipNorRepeatTicksThatShareTheBoundaryMillisecond() throws Exception {
        port = LoopbackPorts.free();
        // 200 milliseconds with 3 ticks each; timers fall between ticks of the same millisecond.
        final List<Terminal.MqlTick> ticks = new ArrayList<>();
        final long start = 1_783_944_000_000L + UTC_PLUS_3 * 1000L;
        for (int ms = 0; ms < 200; ms++) {
            for (int k = 0; k < 3; k++) {
                ticks.add(new Terminal.MqlTick(start + ms * 7L, 1.1 + ms * 0.00001 + k * 0.000001, 1.2, 0, 0, 0, 6));
            }
        }
        final Terminal terminal = new Terminal("EURUSD", 6, UTC_PLUS_3, ticks);
        final TickCollectorSimulator ea = new TickCollectorSimulator(
                List.of(terminal), new Mt5Files(files), "http://127.0.0.1:" + port + "/ingest/tick", KEY);
        ea.batchMax = 50;
        ea.onInit();
        try (EngineServer engine = start()) {
            while (!terminal.allArrived() || ea.pendingBatches() > 0) {
                terminal.arrive(2); // 2 of 3 ticks of a millisecond, then the third with the next one
                ea.onTimer();
            }
            assertEquals(600, ea.accepted, "each tick sent once");
            assertEquals(0, ea.duplicates);
            assertEquals(600, engine.engine().metrics().ticksJournaled.get());
        }
        final EngineContext context = new EngineContext().set("data.dir", dataDir.toString());
        try (CandleStore store = Stores.openStore(context)) {
            final long volume = Candles.all(store, "EURUSD", Timeframe.M1).stream()
                    .mapToLong(CandleRow::tickVolume)
                    .sum();
            assertEquals(600, volume, "no tick skipped or counted twice");
        }
    }

    @Test
    void shouldTradeEverySignalOnceAcrossLostAcksAndAnEngineRestart() throws Exception {
        port = LoopbackPorts.free();
        final int count = 30;
        EngineServer engine = start();
        final io.tickengine.core.signal.SignalStore signals = engine.engine().signals();
        final List<io.tickengine.core.signal.Signal> published = new ArrayList<>();
        final long now = System.currentTimeMillis();
        for (int i = 0; i < count; i++) {
            published.add(new io.tickengine.core.signal.Signal(
                    "sig-" + i,
                    "EURUSD",
                    i % 2 == 0 ? "buy" : "sell",
                    0.1,
                    Double.NaN,
                    Double.NaN,
                    1.1,
                    1.2,
                    now + 600_000,
                    "rf-1",
                    null,
                    now + i));
        }
        assertEquals(count, signals.publish(published));

        // Two terminals on one account: their own Files folders, one deal history.
        final BrokerAccount account = new BrokerAccount(true);
        final Map<String, Integer> trades = new ConcurrentHashMap<>();
        final Set<String> lost = ConcurrentHashMap.newKeySet();
        final String base = "http://127.0.0.1:" + port;
        // Every 7th signal's first ack attempt is lost, whoever leased it: the executor sends it again until the
        // engine confirms, and never trades the signal again.
        final java.util.function.Predicate<String> loseFirstAck =
                id -> Integer.parseInt(id.substring(4)) % 7 == 0 && lost.add(id);
        final SignalExecutorSimulator a = new SignalExecutorSimulator(
                base, KEY, "exec-a", new Mt5Files(files.resolve("a")), account, trades, loseFirstAck);
        final SignalExecutorSimulator b = new SignalExecutorSimulator(
                base, KEY, "exec-b", new Mt5Files(files.resolve("b")), account, trades, loseFirstAck);
        int polls = 0;
        boolean restarted = false;
        final long deadlineNs = System.nanoTime() + 120_000_000_000L;
        while (a.acks + b.acks < count) {
            a.onTimer();
            b.onTimer();
            if (!restarted && ++polls == 10) {
                engine.close();
                assertTrue(!a.onTimer() && !b.onTimer(), "no signal while the engine is down");
                engine = start();
                restarted = true;
            }
            assertTrue(System.nanoTime() - deadlineNs < 0, "signals not all acked [acks=" + (a.acks + b.acks) + "]");
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
        try (EngineServer last = engine) {
            assertEquals(count, trades.size(), "every signal traded");
            assertTrue(trades.values().stream().allMatch(n -> n == 1), "none traded twice: " + trades);
            assertEquals(count, account.deals().size());
            assertEquals(Set.of("sig-0", "sig-7", "sig-14", "sig-21", "sig-28"), lost, "acks lost, then redelivered");
            assertTrue(
                    last.engine()
                            .signals()
                            .next("exec-c", null, 1000, System.currentTimeMillis())
                            .isEmpty(),
                    "every signal acked");
            final Set<String> acked = new HashSet<>();
            for (final Map<String, Object> row :
                    last.engine().views().query("signals_ack", null, 0, Long.MAX_VALUE, 1000)) {
                acked.add((String) row.get("signal_id"));
            }
            assertEquals(count, acked.size());
        }
    }

    private EngineServer start() throws Exception {
        final EngineContext engine = new EngineContext()
                .set("data.dir", dataDir.toString())
                .set("writer.flush.interval.ms", "20")
                .set("signals.lease.ms", "1000");
        final HttpContext http =
                new HttpContext().set("http.port", Integer.toString(port)).set("http.bind", "127.0.0.1");
        return EngineServer.start(engine, http, ApiKeys.parse(KEY));
    }
}
