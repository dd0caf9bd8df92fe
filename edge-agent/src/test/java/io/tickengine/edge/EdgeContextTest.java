package io.tickengine.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Configuration: defaults, file, environment, command line; the engine key only from the environment or a file. */
class EdgeContextTest {
    @Test
    void shouldDefaultToLoopbackPort18000() {
        final EdgeContext context = new EdgeContext().conclude();
        assertEquals("127.0.0.1", context.bind());
        assertEquals(18_000, context.port());
        assertEquals(Path.of("edge-data"), context.dataDir());
        assertEquals(10_000, context.forwardBatchSize());
    }

    @Test
    void shouldTakeTheEnvironmentOverTheFile() {
        final Properties file = new Properties();
        file.setProperty("engine.url", "http://file.example:18001/");
        file.setProperty("forward.batch.size", "5000");
        final EdgeContext context = new EdgeContext()
                .load(file)
                .loadEnvironment(Map.of(
                        "EDGE_ENGINE_URL", "https://engine.example:18443",
                        "EDGE_ENGINE_API_KEY", "engine-key-0123456789",
                        "TICK_API_KEYS", "ea-key-0123456789abcdef=ingest",
                        "EDGE_UNRELATED_THING", "ignored"))
                .conclude();
        assertEquals(URI.create("https://engine.example:18443"), context.engineUrl());
        assertEquals("engine-key-0123456789", context.engineApiKey());
        assertEquals("ea-key-0123456789abcdef=ingest", context.apiKeys());
        assertEquals(5000, context.forwardBatchSize());
    }

    @Test
    void shouldRefuseTheEngineKeyInAFileOrOnTheCommandLine() {
        final Properties file = new Properties();
        file.setProperty("engine.api.key", "secret-in-a-file-0123");
        final IllegalArgumentException inFile =
                assertThrows(IllegalArgumentException.class, () -> new EdgeContext().load(file));
        assertTrue(inFile.getMessage().contains("EDGE_ENGINE_API_KEY"), inFile.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new EdgeContext().setFromCommandLine("engine.api.key", "secret-on-the-command-line"));
    }

    @Test
    void shouldNameTheKeyOfAnInvalidValue() {
        final IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new EdgeContext().set("forward.batch.size", "0").conclude());
        assertTrue(e.getMessage().contains("key=forward.batch.size"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new EdgeContext().set("engine.url", "ftp://x"));
        assertThrows(IllegalArgumentException.class, () -> new EdgeContext().set("no.such.key", "1"));
    }
}
