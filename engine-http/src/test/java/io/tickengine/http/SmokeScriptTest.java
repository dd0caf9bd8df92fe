package io.tickengine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ops/smoke/smoke.sh} passes against a running engine and fails with a one-line reason against a stopped one. */
class SmokeScriptTest {
    static final Path SCRIPT = Path.of("..", "ops", "smoke", "smoke.sh");

    @TempDir
    Path dataDir;

    @Test
    void shouldPassAgainstARunningEngineAndFailClearlyAgainstAStoppedOne() throws Exception {
        Tools.require("curl", "curl");
        final String url;
        try (EngineProcess engine = EngineProcess.start(dataDir)) {
            url = "http://127.0.0.1:" + engine.port();
            final Result passed = smoke(url, HttpFixture.ADMIN_KEY);
            assertEquals(0, passed.code(), passed.toString());
            assertTrue(passed.out().startsWith("smoke: ok [url=" + url), passed.toString());
            assertEquals(0, smoke(url, HttpFixture.ADMIN_KEY).code(), "a second run passes too");

            final Path keyFile = dataDir.resolve("smoke-key");
            Files.writeString(keyFile, HttpFixture.INGEST_KEY + "\n");
            final Result noSignals = smoke(url, "@" + keyFile);
            assertEquals(1, noSignals.code(), noSignals.toString());
            assertTrue(noSignals.err().startsWith("smoke: FAIL read-back: GET /ticks answered 403"), noSignals.err());
            assertEquals(0, engine.terminate(), engine.output());
        }
        final Result stopped = smoke(url, HttpFixture.ADMIN_KEY);
        assertEquals(1, stopped.code(), stopped.toString());
        assertEquals(1, stopped.err().lines().count(), "one line: " + stopped.err());
        assertTrue(stopped.err().startsWith("smoke: FAIL health: engine unreachable at " + url), stopped.err());
    }

    record Result(int code, String out, String err) {}

    static Result smoke(final String url, final String key) throws Exception {
        final Process p = new ProcessBuilder("bash", SCRIPT.toString(), url, key).start();
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("smoke.sh did not finish within 60 s");
        }
        return new Result(
                p.exitValue(),
                new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
