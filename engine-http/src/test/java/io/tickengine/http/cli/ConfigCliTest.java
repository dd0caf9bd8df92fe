package io.tickengine.http.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.EngineContext;
import io.tickengine.http.TickEngineMain;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The {@code tick-engine} executable's command line and configuration sources: usage, unknown keys (exit 2), and a
 * {@code --config} file. The exit codes come from {@link TickEngineMain#main}, so those cases run it in a child JVM.
 */
class ConfigCliTest {
    private static final Pattern PORT_LINE = Pattern.compile("tick-engine: port=(\\d+)");

    @TempDir
    Path tmp;

    @Test
    void shouldPrintUsageWithEveryCommandAndExit0ForHelp() throws Exception {
        final Result result = tickEngine("--help");

        assertEquals(0, result.code(), result.output());
        assertTrue(result.output().contains("Usage: tick-engine"), result.output());
        for (final String command : List.of("run", "import", "replay")) {
            assertTrue(result.output().contains("  " + command + " "), command + " listed:\n" + result.output());
        }
    }

    @Test
    void shouldPrintTheOptionsOfRunAndExit0ForRunHelp() throws Exception {
        final Result result = tickEngine("run", "--help");

        assertEquals(0, result.code(), result.output());
        assertTrue(result.output().contains("Usage: tick-engine run"), result.output());
        for (final String option : List.of("--config", "--set", "--data-dir", "--port", "--bind")) {
            assertTrue(result.output().contains(option), option + " listed:\n" + result.output());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"journal.synk", "http.prot"})
    void shouldExit2NamingAnUnknownKeyGivenWithSet(final String key) throws Exception {
        final Result result =
                tickEngine("run", "--data-dir", tmp.resolve("data").toString(), "--set", key + "=1");

        assertEquals(2, result.code(), result.output());
        assertTrue(result.output().contains("key=" + key), result.output());
        assertFalse(result.output().contains("listening"), "the engine must not start:\n" + result.output());
    }

    @Test
    void shouldExit2NamingAnUnknownKeyInTheConfigFile() throws Exception {
        final Path config = Files.writeString(tmp.resolve("engine.properties"), "writer.flush.intervall.ms=20\n");

        final Result result =
                tickEngine("run", "--data-dir", tmp.resolve("data").toString(), "--config", config.toString());

        assertEquals(2, result.code(), result.output());
        assertTrue(result.output().contains("key=writer.flush.intervall.ms"), result.output());
    }

    @Test
    void shouldTakeEngineAndHttpKeysFromTheConfigFileWithSetOverridingIt() throws Exception {
        final Path config = Files.writeString(
                tmp.resolve("engine.properties"), "journal.sync=true\nhttp.port=0\nwriter.batch.size=123\n");
        final RunCommand run = new RunCommand();
        new CommandLine(run)
                .parseArgs(
                        "--config", config.toString(), "--data-dir", tmp.toString(), "--set", "writer.batch.size=456");

        final EngineContext engine = run.config.engineContext();

        assertTrue(engine.journalSync(), "journal.sync from the file");
        assertEquals(0, run.config.httpContext().port(), "http.port from the file");
        assertEquals(456, engine.writerBatchSize(), "--set overrides the file");
        assertEquals(tmp, engine.dataDir(), "--data-dir");
    }

    @Test
    void shouldListenOnAFreePortWhenTheConfigFileSaysPort0() throws Exception {
        final Path config = Files.writeString(tmp.resolve("engine.properties"), "journal.sync=true\nhttp.port=0\n");
        final Path output = tmp.resolve("engine.log");
        final Process engine = start(
                output,
                "run",
                "--config",
                config.toString(),
                "--bind",
                "127.0.0.1",
                "--data-dir",
                tmp.resolve("data").toString());
        try {
            final int port = awaitPort(engine, output);
            assertNotEquals(18_001, port, "not the default port");
            final HttpResponse<String> health = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());

            engine.destroy();
            assertTrue(engine.waitFor(60, TimeUnit.SECONDS), "stops on SIGTERM");
            assertEquals(0, engine.exitValue(), Files.readString(output));
        } finally {
            engine.destroyForcibly();
        }
    }

    /** What a finished {@code tick-engine} run printed (stdout and stderr) and its exit code. */
    private record Result(int code, String output) {}

    private Result tickEngine(final String... args) throws Exception {
        final Path output = Files.createTempFile(tmp, "tick-engine", ".log");
        final Process process = start(output, args);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("tick-engine did not exit within 60 s:\n" + Files.readString(output));
        }
        return new Result(process.exitValue(), Files.readString(output));
    }

    /** Starts {@code tick-engine ARGS} in a child JVM with the test classpath, output to a file. */
    private static Process start(final Path output, final String... args) throws IOException {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle")) {
                command.add(arg);
            }
        }
        command.addAll(
                List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), TickEngineMain.class.getName()));
        command.addAll(List.of(args));
        final ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("TICK_API_KEYS", "config-cli-test-key-0123456789");
        return builder.start();
    }

    private static int awaitPort(final Process process, final Path output) throws IOException {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            final String printed = Files.readString(output, StandardCharsets.UTF_8);
            final Matcher port = PORT_LINE.matcher(printed);
            if (port.find()) {
                return Integer.parseInt(port.group(1));
            }
            if (!process.isAlive() || System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError("engine did not print its port:\n" + printed);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }
}
