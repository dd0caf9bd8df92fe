package io.tickengine.ml;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An engine SQLite store holding the real 1-minute bars, their dataset and a model trained and evaluated on it through
 * the CLI, in temporary directories; {@link #close()} deletes them.
 */
public record TrainedModel(Path dataDir, Path work, Path csv, Path model) implements AutoCloseable {
    /** The held-out period's start, as a CLI argument. */
    public static final String TEST_FROM = Long.toString(RealBars.TEST_FROM_MSC);

    /** Loads the bars, then runs prepare, train and evaluate. */
    public static TrainedModel create() throws Exception {
        final Path dataDir = Files.createTempDirectory("ml-bars-data");
        final Path work = Files.createTempDirectory("ml-bars-work");
        RealBars.loadInto(dataDir, 0);
        final Path csv = work.resolve("dataset.csv");
        Cli.run("prepare", "--data-dir", dataDir.toString(), "--symbol", RealBars.SYMBOL, "--out", csv.toString())
                .ok();
        final Path model = work.resolve("model");
        Cli.run("train", "--dataset", csv.toString(), "--test-from", TEST_FROM, "--model-out", model.toString())
                .ok();
        Cli.run("evaluate", "--model", model.toString(), "--dataset", csv.toString(), "--test-from", TEST_FROM)
                .ok();
        return new TrainedModel(dataDir, work, csv, model);
    }

    @Override
    public void close() throws java.io.IOException {
        TempFiles.delete(dataDir);
        TempFiles.delete(work);
    }
}
