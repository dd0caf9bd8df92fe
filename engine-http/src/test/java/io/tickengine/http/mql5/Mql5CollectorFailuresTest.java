package io.tickengine.http.mql5;

import static io.tickengine.http.mql5.Mql5Fixture.collector;
import static io.tickengine.http.mql5.Mql5Fixture.terminal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.http.EngineServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TickCollector (simulated) against a real engine on loopback when things go wrong on the way: a partial
 * {@code CopyTicksRange}, a spool that cannot be written, a full spool and a restart, a {@code 413}, a symbol name
 * the engine would refuse, flag bits it does not know, a tick it refuses. No tick lost, none doubled.
 */
class Mql5CollectorFailuresTest {
    private static final int EURUSD_TICKS = 3551;
    private static final int BTCUSD_TICKS = 8523;

    @TempDir
    Path dataDir;

    @TempDir
    Path files;

    @Test
    void shouldAskAgainAfterAPartialCopyTicksRangeBeforeTheLastSeenTimeMoves() throws Exception {
        final Mql5Fixture fixture = new Mql5Fixture(dataDir);
        final Terminal eurusd = terminal("EURUSD_20260713", "EURUSD", 5);
        final Terminal btcusd = terminal("BTCUSD_20230220", "BTCUSD", 1);
        final TickCollectorSimulator ea = collector(fixture, files, 500, eurusd, btcusd);
        ea.windowMinutes = 5; // several windows per fixture
        ea.onInit();
        final Random random = new Random(23);
        try (EngineServer engine = fixture.start()) {
            int timers = 0;
            while (!Mql5Fixture.allArrived(eurusd, btcusd) || ea.pendingBatches() > 0) {
                eurusd.arrive(random.nextInt(60));
                btcusd.arrive(random.nextInt(60));
                if (timers % 10 == 3) {
                    eurusd.answerPartially(2); // history not synchronised: half an answer, ERR_HISTORY_TIMEOUT
                    btcusd.answerPartially(1);
                }
                ea.onTimer();
                assertTrue(++timers < 20_000);
            }
            assertEquals(
                    EURUSD_TICKS + BTCUSD_TICKS,
                    engine.engine().metrics().ticksJournaled.get());
        }
        assertTrue(ea.lastError.isEmpty() || ea.lastError.contains("4403"), ea.lastError);
        assertEquals(EURUSD_TICKS + BTCUSD_TICKS, ea.accepted);
        assertEquals(0, ea.duplicates);
        fixture.assertM1("EURUSD_20260713", "EURUSD");
        fixture.assertM1("BTCUSD_20230220", "BTCUSD");
    }

    @Test
    void shouldPauseWhileTheSpoolCannotBeWrittenOrIsFullAndLoseNothingAcrossARestart() throws Exception {
        final Mql5Fixture fixture = new Mql5Fixture(dataDir);
        final Terminal eurusd = terminal("EURUSD_20260713", "EURUSD", 5);
        final TickCollectorSimulator ea = collector(fixture, files, 50, eurusd);
        ea.spoolMaxBatches = 8;
        ea.onInit();
        final Random random = new Random(29);
        EngineServer engine = fixture.start();
        try {
            timers(ea, random, 20, eurusd);
            final Mt5Files folder = new Mt5Files(files);
            // The disk is full: no spool file can be written.
            setFailWrites(ea, true);
            timers(ea, random, 15, eurusd);
            assertTrue(ea.alarm.startsWith("cannot write spool file"), ea.alarm);
            assertTrue(ea.log.stream().anyMatch(l -> l.startsWith("ALARM cannot write spool file")), ea.log.toString());
            assertEquals(0, ea.pendingBatches());
            setFailWrites(ea, false);
            // The engine goes away: the spool fills up to its cap, collection pauses.
            engine.close();
            timers(ea, random, 40, eurusd);
            assertEquals(8, ea.pendingBatches());
            assertTrue(ea.alarm.startsWith("spool full (8 batches)"), ea.alarm);
            // The terminal restarts: the queue comes from the file names, only the newest file is opened.
            final TickCollectorSimulator again = collector(fixture, files, 50, eurusd);
            again.spoolMaxBatches = 8;
            final int opensBefore = spyOpens(again);
            again.onInit();
            assertEquals(8, again.pendingBatches());
            assertEquals(ea.source(), again.source());
            assertTrue(spyOpens(again) - opensBefore <= 2, "state file and the newest batch only");
            engine = fixture.start();
            Mql5Fixture.runToTheEnd(random, again, eurusd);
            assertEquals("", again.alarm);
            assertEquals(EURUSD_TICKS, ea.accepted + again.accepted, ea.log + "\n" + again.log);
            assertTrue(folder.list("TickEngine/spool", ".json").isEmpty());
        } finally {
            engine.close();
        }
        fixture.assertM1("EURUSD_20260713", "EURUSD");
    }

    @Test
    void shouldHalveABatchTheEngineFindsTooLarge() throws Exception {
        final Mql5Fixture fixture = new Mql5Fixture(dataDir, "ring.max.batch=128");
        final Terminal btcusd = terminal("BTCUSD_20230220", "BTCUSD", 1);
        final TickCollectorSimulator ea = collector(fixture, files, 500, btcusd);
        ea.onInit();
        btcusd.arrive(2000); // a backlog: full batches of 500 at the first timer
        try (EngineServer engine = fixture.start()) {
            Mql5Fixture.runToTheEnd(new Random(31), ea, btcusd);
            assertEquals(BTCUSD_TICKS, engine.engine().metrics().ticksJournaled.get());
        }
        assertTrue(ea.splits > 0, "413 answered by halving");
        assertEquals(BTCUSD_TICKS, ea.accepted);
        assertEquals(0, ea.duplicates + ea.refused);
        fixture.assertM1("BTCUSD_20230220", "BTCUSD");
    }

    @Test
    void shouldSendABadSymbolNameMappedAndUnknownFlagBitsMaskedWithTheRestOfTheBatch() throws Exception {
        final Mql5Fixture fixture = new Mql5Fixture(dataDir);
        final Terminal eurusd = withFlags(terminal("EURUSD_20260713", "EURUSD", 5), 0x100);
        final Terminal btc = terminal("BTCUSD_20230220", "BTC USD", 1); // a space: outside the engine's characters
        final TickCollectorSimulator ea = collector(fixture, files, 500, eurusd, btc);
        ea.onInit();
        assertTrue(ea.log.contains("symbol BTC USD sent as BTC_USD"), ea.log.toString());
        try (EngineServer engine = fixture.start()) {
            Mql5Fixture.runToTheEnd(new Random(37), ea, eurusd, btc);
            assertEquals(
                    EURUSD_TICKS + BTCUSD_TICKS,
                    engine.engine().metrics().ticksJournaled.get());
        }
        assertEquals(EURUSD_TICKS + BTCUSD_TICKS, ea.accepted);
        assertEquals(0, ea.refused);
        fixture.assertM1("EURUSD_20260713", "EURUSD");
        fixture.assertM1("BTCUSD_20230220", "BTC_USD");
    }

    @Test
    void shouldSetAsideATickTheEngineRefusesAndSendTheRestOfItsBatch() throws Exception {
        final Mql5Fixture fixture = new Mql5Fixture(dataDir);
        final List<Terminal.MqlTick> ticks =
                new ArrayList<>(terminal("EURUSD_20260713", "EURUSD", 5).ticks());
        final Terminal.MqlTick t = ticks.get(100);
        ticks.add(101, new Terminal.MqlTick(t.timeMsc(), 0, 0, 0, 0, 0, 6)); // no price at all: invalid
        final Terminal eurusd = new Terminal("EURUSD", 5, Mql5Fixture.UTC_PLUS_3, ticks);
        final TickCollectorSimulator ea = collector(fixture, files, 500, eurusd);
        ea.onInit();
        try (EngineServer engine = fixture.start()) {
            Mql5Fixture.runToTheEnd(new Random(41), ea, eurusd);
            assertEquals(EURUSD_TICKS, engine.engine().metrics().ticksJournaled.get());
        }
        assertEquals(1, ea.refused);
        assertEquals(EURUSD_TICKS, ea.accepted, "the rest of the batch flowed");
        try (Stream<Path> refused = Files.list(files.resolve("TickEngine/refused"))) {
            final String text = Files.readString(refused.findFirst().orElseThrow());
            assertTrue(text.contains("\"bid\":0.00000,\"ask\":0.00000"), text);
        }
        fixture.assertM1("EURUSD_20260713", "EURUSD");
    }

    private static void timers(
            final TickCollectorSimulator ea, final Random random, final int n, final Terminal terminal) {
        for (int i = 0; i < n; i++) {
            terminal.arrive(random.nextInt(40));
            ea.onTimer();
        }
    }

    private static void setFailWrites(final TickCollectorSimulator ea, final boolean fail) {
        ea.files().failWrites = fail ? name -> name.contains("/spool") : name -> false;
    }

    private static int spyOpens(final TickCollectorSimulator ea) {
        return ea.files().opens;
    }

    private static Terminal withFlags(final Terminal terminal, final int extraBits) {
        final List<Terminal.MqlTick> ticks = new ArrayList<>();
        for (final Terminal.MqlTick t : terminal.ticks()) {
            ticks.add(new Terminal.MqlTick(
                    t.timeMsc(), t.bid(), t.ask(), t.last(), t.volume(), t.volumeReal(), t.flags() | extraBits));
        }
        assertTrue(TickFiles.ticks("EURUSD_20260713").size() == ticks.size());
        return new Terminal(terminal.symbol(), terminal.digits(), Mql5Fixture.UTC_PLUS_3, ticks);
    }
}
