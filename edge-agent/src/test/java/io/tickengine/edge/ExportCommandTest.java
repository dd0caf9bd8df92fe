package io.tickengine.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.testsupport.TickFiles;
import io.tickengine.edge.cli.ExportCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code edge-agent export}: the one-shot send of the old exporter. Ticks keep the agent's source and seq, so an
 * export is safe to repeat and never makes the forwarder's later ticks look like duplicates.
 */
class ExportCommandTest {
    private static final String FIXTURE = "EURUSD_20260713";

    @TempDir
    Path engineDir;

    @TempDir
    Path agentDir;

    @TempDir
    Path configDir;

    private List<TickFiles.Tick> ticks;
    private Path keyFile;

    @BeforeEach
    void setUp() throws Exception {
        ticks = TickFiles.ticks(FIXTURE);
        keyFile = configDir.resolve("engine.key");
        Files.writeString(keyFile, "# the engine's ingest key\n" + EngineFixture.INGEST_KEY + "\n");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void shouldExportEveryStoredTickAndChangeNothingInTheBuffer() throws Exception {
        StoredTicks.append(agentDir, ticks, 0, ticks.size());
        final EngineFixture engine = new EngineFixture(engineDir);
        try (engine) {
            final CommandOutput first = export(engine, "--all", "--page-size", "1000");
            assertEquals(0, first.exitCode(), first.text());
            assertTrue(
                    first.text().contains("export [##############################] 100%  3,551 ticks"), first.text());
            assertTrue(
                    first.text().contains("done: 3,551 sent, 3,551 accepted, 0 already in the engine, 0 rejected"),
                    first.text());
            final CommandOutput again = export(engine, "--all");
            assertTrue(
                    again.text().contains("done: 3,551 sent, 0 accepted, 3,551 already in the engine, 0 rejected"),
                    again.text());
        }
        assertEquals(0, StoredTicks.queryLong(agentDir, "SELECT count(*) FROM meta WHERE key = 'forwarded_seq'"));
        engine.assertJournaledExactlyOnce(agentId(), ticks.size());
        engine.assertExpectedM1(FIXTURE);
    }

    @Test
    void shouldExtendAnExportDownToTicksTheForwarderHasNotDelivered() throws Exception {
        StoredTicks.append(agentDir, ticks, 0, 1000);
        StoredTicks.execute(agentDir, "INSERT INTO meta(key, value) VALUES ('forwarded_seq', '400')");
        final EngineFixture engine = new EngineFixture(engineDir);
        try (engine) {
            final CommandOutput out = export(engine, "--limit", "10");
            assertEquals(0, out.exitCode(), out.text());
            assertTrue(out.text().contains("including 590 ticks the forwarder has not delivered yet"), out.text());
            assertTrue(out.text().contains("600 ticks (seq 401 to 1,000)"), out.text());
        }
        final long[] forwardedBefore = new long[400];
        for (int i = 0; i < 400; i++) {
            forwardedBefore[i] = i + 1;
        }
        engine.assertJournaledExactlyOnce(agentId(), 1000, forwardedBefore);
    }

    @Test
    void shouldReportATickTheEngineRejectsAndExportTheRest() throws Exception {
        StoredTicks.append(agentDir, ticks, 0, 100);
        StoredTicks.execute(
                agentDir,
                "INSERT INTO ticks(symbol_id, time_msc, bid, ask, last, volume, volume_real, flags, received_msc)"
                        + " SELECT symbol_id, time_msc, bid, ask, last, volume, volume_real, 1, received_msc"
                        + " FROM ticks WHERE seq = 100");
        StoredTicks.append(agentDir, ticks, 100, 200);
        final EngineFixture engine = new EngineFixture(engineDir);
        try (engine) {
            final CommandOutput out = export(engine, "--since-minutes", "60");
            assertEquals(0, out.exitCode(), out.text());
            assertTrue(out.text().contains("tick rejected [seq=101, symbol=EURUSD"), out.text());
            assertTrue(out.text().contains("[index=100, field=flags]"), out.text());
            assertTrue(out.text().contains("200 sent, 200 accepted, 0 already in the engine, 1 rejected"), out.text());
        }
        engine.assertJournaledExactlyOnce(agentId(), 201, 101);
        assertEquals(0, StoredTicks.queryLong(agentDir, "SELECT count(*) FROM quarantine"), "export only reads");
    }

    private CommandOutput export(final EngineFixture engine, final String... selection) {
        final String[] args = new String[selection.length + 6];
        System.arraycopy(selection, 0, args, 0, selection.length);
        System.arraycopy(
                new String[] {
                    "--data-dir", agentDir.toString(),
                    "--engine-url", engine.url(),
                    "--set", "engine.api.key.file=" + keyFile
                },
                0,
                args,
                selection.length,
                6);
        return CommandOutput.run(ExportCommand::new, args);
    }

    private String agentId() throws Exception {
        return StoredTicks.queryString(agentDir, "SELECT value FROM meta WHERE key = 'agent_id'");
    }
}
