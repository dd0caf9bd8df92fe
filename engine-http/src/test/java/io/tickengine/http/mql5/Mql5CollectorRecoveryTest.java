package io.tickengine.http.mql5;

import static io.tickengine.http.mql5.Mql5Fixture.collector;
import static io.tickengine.http.mql5.Mql5Fixture.terminal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.http.EngineServer;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TickCollector (simulated) when its state goes or is shared, against a real engine on loopback: the Files folder
 * deleted under the running EA, the EA started again without its state, a second terminal on the same login, and
 * two terminals given the same source id by hand. Every tick reaches the candles exactly once, or the EA says on the
 * chart what it could not know; never a tick silently taken for a duplicate.
 */
class Mql5CollectorRecoveryTest {
    private static final int EURUSD_TICKS = 3551;
    private static final int BTCUSD_TICKS = 8523;

    @TempDir
    Path dataDir;

    @TempDir
    Path files;

    @TempDir
    Path otherFiles;

    @Test
    void shouldDeliverEveryTickOnceWhenTheFilesFolderIsDeletedUnderTheRunningEa() throws Exception {
        final Mql5Fixture fixture = new Mql5Fixture(dataDir);
        final Terminal eurusd = terminal("EURUSD_20260713", "EURUSD", 5);
        final Terminal btcusd = terminal("BTCUSD_20230220", "BTCUSD", 1);
        final TickCollectorSimulator ea = collector(fixture, files, 200, eurusd, btcusd);
        ea.onInit();
        final Mt5Files folder = new Mt5Files(files);
        final Random random = new Random(17);
        EngineServer engine = fixture.start();
        for (int i = 0; i < 40; i++) {
            eurusd.arrive(random.nextInt(40));
            btcusd.arrive(random.nextInt(40));
            ea.onTimer();
        }
        engine.close(); // batches pile up in the spool...
        for (int i = 0; i < 20; i++) {
            eurusd.arrive(random.nextInt(40));
            btcusd.arrive(random.nextInt(40));
            ea.onTimer();
        }
        assertTrue(ea.pendingBatches() > 2, "batches wait while the engine is down");
        folder.deleteAll(); // ...and the user deletes MQL5/Files/TickEngine
        for (int i = 0; i < 5; i++) {
            eurusd.arrive(random.nextInt(40));
            btcusd.arrive(random.nextInt(40));
            ea.onTimer();
        }
        engine = fixture.start();
        try {
            Mql5Fixture.runToTheEnd(random, ea, eurusd, btcusd);
        } finally {
            engine.close();
        }
        assertTrue(ea.log.stream().anyMatch(l -> l.contains("is gone: collecting again")), ea.log.toString());
        assertEquals(EURUSD_TICKS + BTCUSD_TICKS, ea.accepted, "every tick accepted once");
        assertEquals(0, ea.duplicates);
        fixture.assertM1("EURUSD_20260713", "EURUSD");
        fixture.assertM1("BTCUSD_20230220", "BTCUSD");
    }

    @Test
    void shouldResumeFromTheSpoolWhenOnlyTheStateFileIsLost() throws Exception {
        final Mql5Fixture fixture = new Mql5Fixture(dataDir);
        final Terminal eurusd = terminal("EURUSD_20260713", "EURUSD", 5);
        final TickCollectorSimulator before = collector(fixture, files, 100, eurusd);
        before.onInit();
        final Random random = new Random(19);
        EngineServer engine = fixture.start();
        for (int i = 0; i < 30; i++) {
            eurusd.arrive(random.nextInt(40));
            before.onTimer();
        }
        engine.close();
        for (int i = 0; i < 20; i++) {
            eurusd.arrive(random.nextInt(40));
            before.onTimer();
        }
        assertTrue(before.pendingBatches() > 1);
        new Mt5Files(files).delete("TickEngine/collector.state");
        final TickCollectorSimulator after = collector(fixture, files, 100, eurusd);
        after.onInit();
        assertEquals(before.source(), after.source(), "the source comes back from the spooled batches");
        assertEquals(before.pendingBatches(), after.pendingBatches());
        engine = fixture.start();
        try {
            Mql5Fixture.runToTheEnd(random, after, eurusd);
        } finally {
            engine.close();
        }
        assertEquals(EURUSD_TICKS, before.accepted + after.accepted);
        assertEquals(0, before.duplicates + after.duplicates);
        fixture.assertM1("EURUSD_20260713", "EURUSD");
    }

    @Test
    void shouldCollectAgainTheBatchesOfASpoolFolderDeletedWhileTheTerminalWasClosed() throws Exception {
        final Mql5Fixture fixture = new Mql5Fixture(dataDir);
        final Terminal eurusd = terminal("EURUSD_20260713", "EURUSD", 5);
        final TickCollectorSimulator before = collector(fixture, files, 100, eurusd);
        before.onInit();
        final Random random = new Random(13);
        EngineServer engine = fixture.start();
        for (int i = 0; i < 30; i++) {
            eurusd.arrive(random.nextInt(40));
            before.onTimer();
        }
        engine.close();
        for (int i = 0; i < 20; i++) {
            eurusd.arrive(random.nextInt(40));
            before.onTimer();
        }
        assertTrue(before.pendingBatches() > 1);
        // The terminal is closed, the spool folder deleted, the state file kept.
        final Mt5Files folder = new Mt5Files(files);
        for (final String name : folder.list("TickEngine/spool", ".json")) {
            folder.delete("TickEngine/spool/" + name);
        }
        final TickCollectorSimulator after = collector(fixture, files, 100, eurusd);
        after.onInit();
        assertEquals(0, after.pendingBatches());
        // The first of the lost batches had been tried (the engine was down): a new epoch, so no seq is reused.
        assertEquals(before.source() + ".e1", after.source(), after.log.toString());
        engine = fixture.start();
        try {
            Mql5Fixture.runToTheEnd(random, after, eurusd);
        } finally {
            engine.close();
        }
        assertEquals(EURUSD_TICKS, before.accepted + after.accepted);
        assertEquals(0, before.duplicates + after.duplicates);
        fixture.assertM1("EURUSD_20260713", "EURUSD");
    }

    @Test
    void shouldStartANewSourceInsteadOfDuplicatesWhenTheStateIsGoneAtRestart() throws Exception {
        final Mql5Fixture fixture = new Mql5Fixture(dataDir);
        final Terminal eurusd = terminal("EURUSD_20260713", "EURUSD", 5);
        final Random random = new Random(5);
        try (EngineServer engine = fixture.start()) {
            final TickCollectorSimulator first = collector(fixture, files, 100, eurusd);
            first.onInit();
            for (int i = 0; i < 60; i++) {
                eurusd.arrive(random.nextInt(40));
                first.onTimer();
            }
            assertEquals(0, first.pendingBatches());
            // The terminal moves to another PC (or MQL5/Files is deleted) while stopped: no state, no spool.
            new Mt5Files(files).deleteAll();
            final TickCollectorSimulator second = collector(fixture, files, 100, eurusd);
            second.onInit();
            assertNotEquals(first.source(), second.source(), "a new install is a new source");
            assertTrue(second.notice.startsWith("no saved state: new source"), second.notice);
            Mql5Fixture.runToTheEnd(random, second, eurusd);
            assertEquals(0, first.duplicates + second.duplicates, "no tick taken for a duplicate");
            assertEquals(EURUSD_TICKS, first.accepted + second.accepted, "it goes on after the newest tick sent");
            assertEquals(EURUSD_TICKS, engine.engine().metrics().ticksJournaled.get());
        }
        fixture.assertM1("EURUSD_20260713", "EURUSD");
    }

    @Test
    void shouldNeverShareASourceBetweenTwoTerminalsOnOneLogin() throws Exception {
        final Mql5Fixture fixture = new Mql5Fixture(dataDir);
        final Terminal eurusd = terminal("EURUSD_20260713", "EURUSD", 5);
        final Terminal btcusd = terminal("BTCUSD_20230220", "BTCUSD", 1);
        // Two terminals, one login, default inputs, each collecting its own symbols.
        final TickCollectorSimulator a = collector(fixture, files, 300, eurusd);
        final TickCollectorSimulator b = collector(fixture, otherFiles, 300, btcusd);
        a.onInit();
        b.onInit();
        assertNotEquals(a.source(), b.source());
        assertTrue(a.source().startsWith("mt5-1234567-") && b.source().startsWith("mt5-1234567-"), a.source());
        final Random random = new Random(3);
        final EngineServer engine = fixture.start();
        try {
            int timers = 0;
            while (!(eurusd.allArrived() && btcusd.allArrived() && a.pendingBatches() + b.pendingBatches() == 0)) {
                eurusd.arrive(random.nextInt(40));
                btcusd.arrive(random.nextInt(40));
                a.onTimer();
                b.onTimer();
                assertTrue(++timers < 20_000);
            }
        } finally {
            engine.close();
        }
        assertEquals(0, a.duplicates + b.duplicates);
        assertEquals(EURUSD_TICKS + BTCUSD_TICKS, a.accepted + b.accepted);
        fixture.assertM1("EURUSD_20260713", "EURUSD");
        fixture.assertM1("BTCUSD_20230220", "BTCUSD");
    }

    @Test
    void shouldStartANewEpochWhenTheEngineAlreadyHasTheSeqsOfASourceIdSetTwice() throws Exception {
        sharedSourceId("dedup.window=32768"); // the second terminal's first batches fall inside the window
    }

    @Test
    void shouldStartANewEpochOnA409ForASourceIdSetTwice() throws Exception {
        sharedSourceId("dedup.window=1024"); // ...or below it: 409
    }

    private void sharedSourceId(final String window) throws Exception {
        final Mql5Fixture fixture = new Mql5Fixture(dataDir, window);
        final Terminal eurusd = terminal("EURUSD_20260713", "EURUSD", 5);
        final Terminal btcusd = terminal("BTCUSD_20230220", "BTCUSD", 1);
        final TickCollectorSimulator a = collector(fixture, files, 500, eurusd);
        final TickCollectorSimulator b = collector(fixture, otherFiles, 500, btcusd);
        a.sourceId = "desk-1"; // the same id typed into both terminals
        b.sourceId = "desk-1";
        a.onInit();
        b.onInit();
        final Random random = new Random(11);
        final EngineServer engine = fixture.start();
        try {
            Mql5Fixture.runToTheEnd(random, a, eurusd);
            Mql5Fixture.runToTheEnd(random, b, btcusd);
        } finally {
            engine.close();
        }
        assertEquals(1, b.epochs, b.log.toString());
        assertEquals("desk-1.e1", b.source());
        assertTrue(b.notice.startsWith("new source epoch desk-1.e1"), b.notice);
        assertEquals(EURUSD_TICKS + BTCUSD_TICKS, a.accepted + b.accepted, "none dropped as a duplicate");
        fixture.assertM1("EURUSD_20260713", "EURUSD");
        fixture.assertM1("BTCUSD_20230220", "BTCUSD");
    }
}
