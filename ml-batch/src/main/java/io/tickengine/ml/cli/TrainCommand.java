package io.tickengine.ml.cli;

import io.tickengine.ml.MlException;
import io.tickengine.ml.data.Dataset;
import io.tickengine.ml.data.FeatureView;
import io.tickengine.ml.data.MlStore;
import io.tickengine.ml.eval.Metrics;
import io.tickengine.ml.model.ForestModel;
import io.tickengine.ml.model.ForestTrainer;
import io.tickengine.ml.model.ModelCard;
import io.tickengine.ml.model.Split;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code train}: a random forest on the rows before {@code --test-from}, measured on the rows after it. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train a random forest (XGBoost random-forest mode) on the dataset rows before --test-from"
                + " (purged of the rows whose label reaches into the test period) and write the model directory:"
                + " model.ubj and card.json with features, label, ranges, library, seed and held-out metrics.")
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--dataset", description = "CSV written by prepare; or read the store with prepare's options")
    Path dataset;

    @Mixin
    StoreOptions store;

    @Option(names = "--symbol", description = "with a store: the symbol")
    String symbol;

    @Option(names = "--from", description = "with a store: first bar open time")
    String from;

    @Option(names = "--to", description = "with a store: last bar open time, inclusive")
    String to;

    @Option(names = "--test-from", required = true, description = "first held-out bar (epoch ms or ISO-8601 UTC)")
    String testFrom;

    @Option(names = "--model-out", required = true, description = "model directory to write")
    Path modelOut;

    @Option(names = "--trees", defaultValue = "100", description = "trees per class (default ${DEFAULT-VALUE})")
    int trees;

    @Option(names = "--max-depth", defaultValue = "6", description = "tree depth (default ${DEFAULT-VALUE})")
    int maxDepth;

    @Option(names = "--seed", defaultValue = "42", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--threads",
            defaultValue = "1",
            description = "training threads, 0 = all cores (default ${DEFAULT-VALUE}: XGBoost's OpenMP workers spin"
                    + " while they wait, which costs more than it gains on a busy machine; see docs/ml.md)")
    int threads;

    @Option(
            names = "--walk-forward",
            defaultValue = "0",
            description = "also report N walk-forward folds over the test period: fold k trains on every row before"
                    + " it (purged) and tests on it")
    int walkForward;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        final Dataset data = dataset();
        final long testFromMsc = Times.parse("--test-from", testFrom);
        final Split split = Split.at(data, testFromMsc);
        final ForestTrainer.Options options = new ForestTrainer.Options(trees, maxDepth, 0.632, 0, seed, threads);
        final long startNs = System.nanoTime();
        final Map<String, Object> summary = new LinkedHashMap<>();
        try (ForestModel model = ForestTrainer.train(split.train(), options, testFromMsc, modelOut)) {
            final double trainSeconds = (System.nanoTime() - startNs) / 1e9;
            final Map<String, Object> metrics = heldOut(model, split.test());
            metrics.put("train_seconds", trainSeconds);
            if (walkForward > 0) {
                metrics.put("walk_forward", walkForward(data, split.test(), options));
            }
            model.card().withEvaluation(model.card().threshold(), metrics).write(modelOut);
            summary.put("model", model.id());
            summary.put("dir", modelOut.toString());
            summary.put("train_rows", split.train().rows());
            summary.put("test_rows", split.test().rows());
            summary.putAll(metrics);
        }
        spec.commandLine().getOut().println(Json.write(summary));
        return 0;
    }

    private Dataset dataset() throws java.sql.SQLException {
        if ((dataset == null) == !store.given()) {
            throw new MlException("give either --dataset F or a store (--data-dir D | --db-url URL) with --symbol S");
        }
        if (dataset != null) {
            return Dataset.readCsv(dataset);
        }
        if (symbol == null) {
            throw new MlException("training from the store needs --symbol");
        }
        try (MlStore s = store.open(true)) {
            return FeatureView.trainset(
                    s,
                    symbol,
                    from == null ? 0 : Times.parse("--from", from),
                    to == null ? Long.MAX_VALUE : Times.parse("--to", to));
        }
    }

    static Map<String, Object> heldOut(final ForestModel model, final Dataset test) {
        model.requireFeatures(test.features());
        final float[] p = model.probabilities(test.values(), test.rows());
        return Metrics.compute(p, labels(test), classes(model.card()));
    }

    private List<Map<String, Object>> walkForward(
            final Dataset data, final Dataset test, final ForestTrainer.Options options) throws Exception {
        final List<Map<String, Object>> folds = new ArrayList<>();
        final int foldRows = test.rows() / walkForward;
        final Path scratch = java.nio.file.Files.createTempDirectory("walk-forward");
        try {
            for (int k = 0; k < walkForward && foldRows > 0; k++) {
                final long foldFrom = test.timeMsc(k * foldRows);
                final int foldEnd = k == walkForward - 1 ? test.rows() : (k + 1) * foldRows;
                final long foldToExclusive = foldEnd == test.rows() ? Long.MAX_VALUE : test.timeMsc(foldEnd);
                final Split fold = Split.at(data, foldFrom);
                final Dataset foldTest = fold.test().slice(0, fold.test().firstRowAtOrAfter(foldToExclusive));
                try (ForestModel m = ForestTrainer.train(fold.train(), options, foldFrom, scratch)) {
                    final Map<String, Object> metrics = heldOut(m, foldTest);
                    metrics.put("test_from_msc", foldFrom);
                    metrics.put("train_rows", fold.train().rows());
                    metrics.remove("per_class");
                    folds.add(metrics);
                }
            }
        } finally {
            try (var files = java.nio.file.Files.list(scratch)) {
                for (final Path f : (Iterable<Path>) files::iterator) {
                    java.nio.file.Files.deleteIfExists(f);
                }
            }
            java.nio.file.Files.deleteIfExists(scratch);
        }
        return folds;
    }

    static int[] labels(final Dataset data) {
        final int[] labels = new int[data.rows()];
        for (int r = 0; r < labels.length; r++) {
            labels[r] = data.label(r);
        }
        return labels;
    }

    static int[] classes(final ModelCard card) {
        return card.classes().stream().mapToInt(Integer::intValue).toArray();
    }
}
