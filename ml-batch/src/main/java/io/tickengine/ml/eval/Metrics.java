package io.tickengine.ml.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Held-out classification metrics from class probabilities: accuracy, per-class precision and recall, macro
 * one-vs-rest ROC AUC and log loss, computed as scikit-learn's {@code accuracy_score},
 * {@code precision_recall_fscore_support}, {@code roc_auc_score(multi_class="ovr", average="macro")} and
 * {@code log_loss} do (AUC over the classes that occur in the data as both positive and negative).
 */
public final class Metrics {
    private static final double EPSILON = 1e-15;

    private Metrics() {}

    /**
     * @param probabilities row-major, {@code rows × classes.length}.
     * @param labels the true label of each row (values of {@code classes}).
     * @param classes the label value of each probability column.
     * @return {@code accuracy}, {@code auc}, {@code log_loss}, {@code rows}, {@code per_class} (label → precision,
     *     recall, support).
     */
    public static Map<String, Object> compute(final float[] probabilities, final int[] labels, final int[] classes) {
        final int k = classes.length;
        final int n = labels.length;
        final int[] truth = new int[n];
        final int[] predicted = new int[n];
        double logLoss = 0;
        int correct = 0;
        for (int r = 0; r < n; r++) {
            truth[r] = indexOf(classes, labels[r]);
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (probabilities[r * k + c] > probabilities[r * k + best]) {
                    best = c;
                }
            }
            predicted[r] = best;
            if (best == truth[r]) {
                correct++;
            }
            double sum = 0;
            for (int c = 0; c < k; c++) {
                sum += probabilities[r * k + c];
            }
            final double p = Math.min(1 - EPSILON, Math.max(EPSILON, probabilities[r * k + truth[r]] / sum));
            logLoss -= Math.log(p);
        }
        final Map<String, Object> perClass = new LinkedHashMap<>();
        final List<Double> aucs = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            int tp = 0;
            int predictedPositive = 0;
            int support = 0;
            for (int r = 0; r < n; r++) {
                if (predicted[r] == c) {
                    predictedPositive++;
                }
                if (truth[r] == c) {
                    support++;
                    if (predicted[r] == c) {
                        tp++;
                    }
                }
            }
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("precision", predictedPositive == 0 ? 0.0 : (double) tp / predictedPositive);
            m.put("recall", support == 0 ? 0.0 : (double) tp / support);
            m.put("support", support);
            perClass.put(Integer.toString(classes[c]), m);
            if (support > 0 && support < n) {
                final double[] scores = new double[n];
                final boolean[] positive = new boolean[n];
                for (int r = 0; r < n; r++) {
                    scores[r] = probabilities[r * k + c];
                    positive[r] = truth[r] == c;
                }
                aucs.add(auc(scores, positive));
            }
        }
        final Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("rows", n);
        metrics.put("accuracy", n == 0 ? Double.NaN : (double) correct / n);
        metrics.put(
                "auc", aucs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
        metrics.put("log_loss", n == 0 ? Double.NaN : logLoss / n);
        metrics.put("per_class", perClass);
        return metrics;
    }

    /** Binary ROC AUC by ranks (Mann-Whitney U), ties counted half. */
    public static double auc(final double[] scores, final boolean[] positive) {
        final int n = scores.length;
        final Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double rankSumPositive = 0;
        long positives = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            final double rank = (i + j) / 2.0 + 1;
            for (int t = i; t <= j; t++) {
                if (positive[order[t]]) {
                    rankSumPositive += rank;
                    positives++;
                }
            }
            i = j + 1;
        }
        final long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (rankSumPositive - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    private static int indexOf(final int[] values, final int value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        throw new IllegalArgumentException("label outside the model's classes [label=" + value + "]");
    }
}
