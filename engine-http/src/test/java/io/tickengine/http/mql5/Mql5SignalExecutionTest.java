package io.tickengine.http.mql5;

import static io.tickengine.http.mql5.Mql5Fixture.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.signal.Signal;
import io.tickengine.http.EngineServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SignalExecutor (simulated) against a real engine on loopback, on a simulated account shared by the terminals
 * logged in to it: a lost ack while a second terminal polls, a 60-character signal id after a restart, close
 * signals on netting and hedging accounts next to manual trades, and volumes on the symbol's step and limits.
 */
class Mql5SignalExecutionTest {
    private static final String SYMBOL = "EURUSD";

    @TempDir
    Path dataDir;

    @TempDir
    Path files;

    @Test
    void shouldExecuteOnceWhenTheAckIsLostUntilASecondTerminalHasLeasedTheSignal() throws Exception {
        final Mql5Fixture fixture = new Mql5Fixture(dataDir);
        final BrokerAccount account = new BrokerAccount(true);
        final Map<String, Integer> trades = new ConcurrentHashMap<>();
        final AtomicBoolean firstOffline = new AtomicBoolean(true);
        try (EngineServer engine = fixture.start()) {
            publish(engine, signal("sig-lost-ack", "buy", 0.1));
            final SignalExecutorSimulator first = executor(fixture, "a", account, trades, id -> firstOffline.get());
            final SignalExecutorSimulator second = executor(fixture, "b", account, trades, id -> false);
            assertTrue(first.onTimer(), "the first terminal leases and trades");
            assertEquals(1, first.pendingAcks(), "its ack is lost and kept to send again");
            assertFalse(first.onTimer(), "while the ack cannot be sent it does not poll");
            // The lease (1 s) expires; the second terminal on the same login gets the signal.
            final long deadlineNs = System.nanoTime() + 10_000_000_000L;
            while (!second.onTimer()) {
                assertTrue(System.nanoTime() - deadlineNs < 0, "the signal came back after its lease");
                LockSupport.parkNanos(50_000_000L);
            }
            assertEquals(1, second.acks, "the second terminal found the deal and acked it");
            firstOffline.set(false);
            assertFalse(first.onTimer(), "nothing more to lease");
            assertEquals(0, first.pendingAcks(), "the late ack was answered (409) and is not sent again");
            assertEquals(Map.of("sig-lost-ack", 1), trades, "traded once");
            assertEquals(1, account.deals().size());
            assertEquals(1, acksStored(engine));
        }
    }

    @Test
    void shouldResendAPersistedAckAfterARestartBeforeTheLeaseExpires() throws Exception {
        final Mql5Fixture fixture = new Mql5Fixture(dataDir);
        final BrokerAccount account = new BrokerAccount(false);
        final Map<String, Integer> trades = new ConcurrentHashMap<>();
        try (EngineServer engine = fixture.start()) {
            publish(engine, signal("sig-restart", "sell", 0.2));
            final SignalExecutorSimulator before = executor(fixture, "a", account, trades, id -> true);
            assertTrue(before.onTimer());
            assertEquals(1, before.pendingAcks());
            // The terminal restarts: the ack comes back from the journal file and is sent before anything else.
            final SignalExecutorSimulator after = executor(fixture, "a", account, trades, id -> false);
            assertEquals(1, after.pendingAcks());
            assertFalse(after.onTimer());
            assertEquals(1, after.acks);
            assertEquals(0, after.pendingAcks());
            assertEquals(1, acksStored(engine));
            assertEquals(Map.of("sig-restart", 1), trades);
        }
    }

    @Test
    void shouldFindTheDealOfA60CharacterSignalIdAgainAfterARestartWithoutItsRecord() throws Exception {
        final String id = "rf-2026.07.13.EURUSD.M1.buy.1783944000000.threshold-0.61.v12";
        assertEquals(60, id.length());
        final String comment = SignalExecutorSimulator.comment(id);
        assertTrue(comment.length() <= 31, comment);
        assertNotEquals(("te:" + id).substring(0, 31), comment, "not the cut id");
        final Mql5Fixture fixture = new Mql5Fixture(dataDir);
        final BrokerAccount account = new BrokerAccount(true);
        final Map<String, Integer> trades = new ConcurrentHashMap<>();
        try (EngineServer engine = fixture.start()) {
            publish(engine, signal(id, "buy", 0.1));
            final Mt5Files folder = new Mt5Files(files.resolve("a"));
            // Traded, then the terminal stops before the record is written (a full disk) and before the ack.
            folder.failWrites = name -> true;
            final SignalExecutorSimulator before = new SignalExecutorSimulator(
                    fixture.baseUrl(), KEY, "exec-1234567", folder, account, trades, x -> true);
            assertTrue(before.onTimer());
            folder.failWrites = name -> false;
            assertEquals(comment, account.deals().get(0).comment());
            // Restarted with no record: the signal is delivered again after its lease and found by its deal.
            final SignalExecutorSimulator after = new SignalExecutorSimulator(
                    fixture.baseUrl(), KEY, "exec-1234567", folder, account, trades, x -> false);
            assertEquals(0, after.pendingAcks());
            final long deadlineNs = System.nanoTime() + 10_000_000_000L;
            while (!after.onTimer()) {
                assertTrue(System.nanoTime() - deadlineNs < 0, "the signal came back after its lease");
                LockSupport.parkNanos(50_000_000L);
            }
            assertEquals(1, after.acks);
            assertEquals(Map.of(id, 1), trades, "traded once");
            assertEquals(1, account.deals().size());
            assertEquals(1, acksStored(engine));
        }
    }

    @Test
    void shouldCloseOnlyTheSignalsVolumeOnANettingAccount() throws Exception {
        final BrokerAccount account = new BrokerAccount(false);
        account.manual(SYMBOL, true, 1.0); // the trader's own position
        openThenClose(account);
        final BrokerAccount.Position left = account.bySymbol(SYMBOL);
        assertTrue(left.buy);
        assertEquals(1.0, left.volume, 1e-9, "the manual volume stays");
        final BrokerAccount.Deal close = account.deals().get(2);
        assertFalse(close.buy());
        assertEquals(0.3, close.volume(), 1e-9);
        assertEquals(left.ticket, close.positionId(), "by the position's ticket");
    }

    @Test
    void shouldCloseOnlyTheSignalsPositionOnAHedgingAccount() throws Exception {
        final BrokerAccount account = new BrokerAccount(true);
        final long manual = account.manual(SYMBOL, true, 1.0).ticket();
        account.manual(SYMBOL, false, 0.5);
        openThenClose(account);
        final List<BrokerAccount.Position> left = account.positions();
        assertEquals(2, left.size(), "both manual positions stay");
        assertEquals(manual, left.get(0).ticket);
        assertEquals(1.0, left.get(0).volume, 1e-9);
        assertEquals(0.5, left.get(1).volume, 1e-9);
        final BrokerAccount.Deal open = account.deals().get(2);
        final BrokerAccount.Deal close = account.deals().get(3);
        assertEquals(open.ticket(), close.positionId(), "the signal's own position, by ticket");
    }

    private void openThenClose(final BrokerAccount account) throws Exception {
        final Mql5Fixture fixture = new Mql5Fixture(dataDir);
        final Map<String, Integer> trades = new ConcurrentHashMap<>();
        try (EngineServer engine = fixture.start()) {
            publish(engine, signal("sig-open", "buy", 0.3));
            final SignalExecutorSimulator ea = executor(fixture, "a", account, trades, id -> false);
            assertTrue(ea.onTimer());
            publish(engine, signal("sig-close", "close", 1.0));
            assertTrue(ea.onTimer());
            assertFalse(ea.onTimer());
            assertEquals(Map.of("sig-open", 1, "sig-close", 1), trades);
            assertEquals(2, ea.acks);
        }
    }

    @Test
    void shouldTradeVolumesOnTheSymbolsStepAndWithinItsLimits() {
        final BrokerAccount account = new BrokerAccount(false);
        account.volumeMax = 0.5;
        final SignalExecutorSimulator ea = new SignalExecutorSimulator(
                "http://127.0.0.1:1", KEY, "exec-1", new Mt5Files(files), account, Map.of(), id -> false);
        final double[] volume = new double[1];
        assertNull(ea.normalVolume(0.3, volume));
        assertEquals(0.3, volume[0], 0.0, "0.3 / 0.01 is 29.999999999999996 in doubles: not 0.29");
        assertNull(ea.normalVolume(0.123, volume));
        assertEquals(0.12, volume[0], 0.0);
        assertTrue(ea.normalVolume(0.6, volume).startsWith("volume 0.6 outside"), "above SYMBOL_VOLUME_MAX");
        assertTrue(ea.normalVolume(0.004, volume).startsWith("volume 0.0 outside"), "below SYMBOL_VOLUME_MIN");
        assertTrue(ea.normalVolume(1.5, volume).startsWith("size 1.5 above InpMaxSize"));
        assertEquals(2, SignalExecutorSimulator.stepDigits(0.01));
        assertEquals(0, SignalExecutorSimulator.stepDigits(1));
    }

    private SignalExecutorSimulator executor(
            final Mql5Fixture fixture,
            final String terminal,
            final BrokerAccount account,
            final Map<String, Integer> trades,
            final java.util.function.Predicate<String> loseAck) {
        // The default consumer id: "exec-" + login, the same on every terminal of the login.
        return new SignalExecutorSimulator(
                fixture.baseUrl(),
                KEY,
                "exec-1234567",
                new Mt5Files(files.resolve(terminal)),
                account,
                trades,
                loseAck);
    }

    private static Signal signal(final String id, final String side, final double size) {
        final long now = System.currentTimeMillis();
        return new Signal(
                id,
                SYMBOL,
                side,
                size,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                now + 600_000,
                "rf-1",
                null,
                now);
    }

    private static void publish(final EngineServer engine, final Signal signal) throws Exception {
        assertEquals(1, engine.engine().signals().publish(List.of(signal)));
    }

    private static int acksStored(final EngineServer engine) throws Exception {
        return engine.engine()
                .views()
                .query("signals_ack", null, 0, Long.MAX_VALUE, 1000)
                .size();
    }
}
