package io.tickengine.ml.cli;

import io.tickengine.ml.data.Dataset;
import io.tickengine.ml.data.FeatureView;
import io.tickengine.ml.eval.Charts;
import io.tickengine.ml.eval.Metrics;
import io.tickengine.ml.eval.ThresholdSweep;
import io.tickengine.ml.model.ForestModel;
import io.tickengine.ml.model.Split;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code evaluate}: held-out metrics, a threshold sweep, the chosen threshold stored in the card, a PNG. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = "Measure a model on the dataset rows from --test-from: accuracy, per-class precision/recall,"
                + " macro one-vs-rest ROC AUC, log loss, and a threshold sweep (coverage, precision, average"
                + " forward return). The chosen threshold is stored in the model card; the sweep is plotted"
                + " to a PNG.")
public final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model directory")
    Path modelDir;

    @Option(names = "--dataset", required = true, description = "CSV written by prepare")
    Path dataset;

    @Option(names = "--test-from", required = true, description = "first held-out bar (epoch ms or ISO-8601 UTC)")
    String testFrom;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Option(
            names = "--min-signals",
            defaultValue = "30",
            description = "fewest held-out signals a threshold needs to be chosen (default ${DEFAULT-VALUE})")
    int minSignals;

    @Option(names = "--plot", description = "PNG of the sweep (default: threshold-sweep.png in the model directory)")
    Path plot;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        final Dataset data = Dataset.readCsv(dataset);
        final Map<String, Object> result = new LinkedHashMap<>();
        try (ForestModel model = ForestModel.load(modelDir)) {
            model.requireFeatures(data.features());
            final long testFromMsc = Times.parse("--test-from", testFrom);
            final Dataset test = Split.at(data, testFromMsc).test();
            final float[] p = model.probabilities(test.values(), test.rows());
            final int[] labels = TrainCommand.labels(test);
            final Map<String, Object> metrics = Metrics.compute(p, labels, TrainCommand.classes(model.card()));
            final List<ThresholdSweep.Point> sweep =
                    ThresholdSweep.sweep(p, labels, test.forwardReturns(FeatureView.LABEL_HORIZON_BARS));
            final double threshold = ThresholdSweep.choose(sweep, minSignals);
            final Path png = plot != null ? plot : modelDir.resolve("threshold-sweep.png");
            Charts.sweep(sweep, threshold, png);

            result.put("model", model.id());
            result.put("test_from_msc", testFromMsc);
            result.putAll(metrics);
            result.put("threshold", threshold);
            result.put("sweep", ThresholdSweep.toMaps(sweep));
            result.put("plot", png.toString());
            result.put("predict_rows_per_second", rowsPerSecond(model, data));

            final Map<String, Object> cardMetrics =
                    new LinkedHashMap<>(model.card().metrics());
            final Map<String, Object> evaluation = new LinkedHashMap<>(metrics);
            evaluation.put("test_from_msc", testFromMsc);
            evaluation.put("threshold", threshold);
            cardMetrics.put("evaluation", evaluation);
            model.card().withEvaluation(threshold, cardMetrics).write(modelDir);
        }
        if (json) {
            spec.commandLine().getOut().println(Json.write(result));
        } else {
            printText(result);
        }
        return 0;
    }

    /** Batch scoring speed over every row of the dataset: one warm-up pass, then five timed passes. */
    static double rowsPerSecond(final ForestModel model, final Dataset data) {
        model.probabilities(data.values(), data.rows());
        final int rounds = 5;
        final long startNs = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            model.probabilities(data.values(), data.rows());
        }
        return rounds * (double) data.rows() / ((System.nanoTime() - startNs) / 1e9);
    }

    @SuppressWarnings("unchecked")
    private void printText(final Map<String, Object> r) {
        final var out = spec.commandLine().getOut();
        out.printf(
                "model %s, %s held-out rows%n accuracy %.4f  auc %.4f  log loss %.4f%n",
                r.get("model"), r.get("rows"), r.get("accuracy"), r.get("auc"), r.get("log_loss"));
        for (final Map.Entry<String, Object> e : ((Map<String, Object>) r.get("per_class")).entrySet()) {
            final Map<String, Object> m = (Map<String, Object>) e.getValue();
            out.printf(
                    " class %2s: precision %.4f  recall %.4f  support %s%n",
                    e.getKey(), m.get("precision"), m.get("recall"), m.get("support"));
        }
        out.println(" threshold  signals  coverage  precision  avg_fwd_return");
        for (final Map<String, Object> p : (List<Map<String, Object>>) r.get("sweep")) {
            out.printf(
                    "   %.2f  %8s  %8.4f  %9.4f  %14.6f%n",
                    p.get("threshold"),
                    p.get("signals"),
                    p.get("coverage"),
                    p.get("precision"),
                    p.get("avg_forward_return"));
        }
        out.printf(" chosen threshold %.2f (stored in the model card); plot %s%n", r.get("threshold"), r.get("plot"));
        out.printf(" batch prediction %.0f rows/s%n", r.get("predict_rows_per_second"));
    }
}
