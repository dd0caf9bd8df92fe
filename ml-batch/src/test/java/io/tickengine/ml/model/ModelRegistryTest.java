package io.tickengine.ml.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.ml.TrainedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model directory a server scores with: the newest loadable card of the symbol and timeframe. */
class ModelRegistryTest {
    @TempDir
    Path root;

    @Test
    void shouldServeTheNewestLoadableModelAndSkipABrokenDirectory() throws Exception {
        try (TrainedModel trained = TrainedModel.create();
                ModelRegistry registry = new ModelRegistry(root)) {
            assertTrue(registry.latest("BTCALT", "M1").isEmpty(), "no model yet");
            copy(trained.model(), root.resolve("a"));
            final String id = ModelCard.read(root.resolve("a")).modelId();
            assertEquals(id, registry.latest("BTCALT", "M1").orElseThrow().id());
            assertTrue(registry.latest("EURUSD", "M1").isEmpty());
            assertTrue(registry.latest("BTCALT", "H1").isEmpty());

            copy(trained.model(), root.resolve("b"));
            final Path card = root.resolve("b").resolve(ModelCard.FILE);
            Files.writeString(card, Files.readString(card).replace("\"format_version\" : 1", "\"format_version\" : 0"));
            Files.setLastModifiedTime(card, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
            assertEquals(id, registry.latest("BTCALT", "M1").orElseThrow().id(), "the newer, broken one is skipped");

            Files.writeString(card, Files.readString(card).replace("\"format_version\" : 0", "\"format_version\" : 1"));
            Files.writeString(
                    card, Files.readString(card).replace("\"threshold\" : ", "\"threshold\" : 0.6, \"x\" : "));
            Files.setLastModifiedTime(card, FileTime.fromMillis(System.currentTimeMillis() + 120_000));
            final ForestModel reloaded = registry.latest("BTCALT", "M1").orElseThrow();
            assertEquals(root.resolve("b"), reloaded.dir(), "the repaired directory is newer and is served");
            assertEquals(0.6, reloaded.card().threshold());
        }
    }

    private static void copy(final Path from, final Path to) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (final Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }
}
