package io.tickengine.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.http.mql5.BackfillHistorySimulator;
import io.tickengine.http.mql5.Terminal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * BackfillHistory from its defaults, as a new user runs it: no URL, no range, no time zone set (a broker on UTC+3),
 * the script dropped on a chart the day after the ticks. Its default URL is the edge agent's
 * {@code http://127.0.0.1:18000}: once with the agent there (forwarding to an engine elsewhere), once with the engine
 * itself on that port. Bars and ticks alike end up as the exact M1 bars of the day, and running the script a second
 * time changes nothing.
 */
class BackfillDefaultsTest {
    private static final String FIXTURE = "EURUSD_20260713";
    private static final int DEFAULT_PORT = 18000;
    private static final long UTC_PLUS_3_MSC = 3 * 3_600_000L;

    @TempDir
    Path engineDir;

    @TempDir
    Path agentDir;

    @ParameterizedTest
    @EnumSource(BackfillHistorySimulator.Mode.class)
    void shouldSendExactBarsOnceThroughTheAgentFromTheDefaults(final BackfillHistorySimulator.Mode mode)
            throws Exception {
        final List<TickFiles.Tick> ticks = TickFiles.ticks(FIXTURE);
        final long bars = TickFiles.expectedM1(FIXTURE).size();
        final EngineFixture engine = new EngineFixture(engineDir);
        try (engine;
                EdgeAgent agent = AgentFixture.start(agentDir, engine.url(), "agent.port=" + DEFAULT_PORT)) {
            for (int run = 1; run <= 2; run++) {
                runScript(mode, TickSender.EA_KEY);
                if (mode == BackfillHistorySimulator.Mode.TICKS) {
                    assertEquals(ticks.size(), agent.store().lastSeq(), "the second run stored nothing new");
                    Await.until(
                            () -> agent.store().forwardedSeq() == ticks.size(),
                            Duration.ofSeconds(60),
                            () -> "all forwarded: " + agent.status().toJson());
                } else {
                    final long items = run * (1 + bars); // the symbol entry and the bars, each run
                    Await.until(
                            () -> backlog(agent) == 0 && agent.forwardedBodyItems() == items,
                            Duration.ofSeconds(60),
                            () -> "all forwarded: " + agent.forwardedBodyItems() + " of " + items);
                }
            }
            if (mode == BackfillHistorySimulator.Mode.TICKS) {
                assertEquals(ticks.size(), engine.journaled(), "each tick journaled once");
            }
        }
        engine.assertExpectedM1(FIXTURE);
    }

    @ParameterizedTest
    @EnumSource(BackfillHistorySimulator.Mode.class)
    void shouldSendExactBarsOnceStraightToTheEngineOnTheDefaultUrl(final BackfillHistorySimulator.Mode mode)
            throws Exception {
        final EngineFixture engine = new EngineFixture(engineDir, DEFAULT_PORT);
        try (engine) {
            runScript(mode, EngineFixture.INGEST_KEY);
            final long journaled = engine.journaled();
            runScript(mode, EngineFixture.INGEST_KEY);
            if (mode == BackfillHistorySimulator.Mode.TICKS) {
                assertEquals(TickFiles.ticks(FIXTURE).size(), journaled);
                assertEquals(journaled, engine.journaled(), "the second run: duplicates only");
            }
        }
        engine.assertExpectedM1(FIXTURE);
    }

    /** The script with every input at its default but the key and the mode, two minutes after the last tick. */
    private static void runScript(final BackfillHistorySimulator.Mode mode, final String key) {
        final List<TickFiles.Tick> ticks = TickFiles.ticks(FIXTURE);
        final Terminal terminal = new Terminal("EURUSD", 5, ticks, utc -> UTC_PLUS_3_MSC);
        terminal.setClock(ticks.get(ticks.size() - 1).timeMsc() + 120_000);
        final BackfillHistorySimulator script = new BackfillHistorySimulator(terminal);
        assertEquals("http://127.0.0.1:" + DEFAULT_PORT, script.baseUrl, "the script's default URL");
        script.apiKey = key;
        script.mode = mode;
        assertTrue(script.onStart(), script.comments + " " + script.log);
        final String last = script.comments.get(script.comments.size() - 1);
        // The day before the terminal's clock (server time, UTC+3): 2026-07-13 ... 2026-07-14.
        final String from = BackfillHistorySimulator.timeToString(terminal.timeTradeServerS() - 86_400);
        assertTrue(last.startsWith("BackfillHistory done [symbol=EURUSD, from=" + from + ", to="), last);
    }

    private static long backlog(final EdgeAgent agent) {
        try {
            return agent.bodies().backlog();
        } catch (final SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
