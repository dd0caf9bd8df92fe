package io.tickengine.ml.model;

import io.tickengine.ml.MlException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * A trained model directory ({@code card.json} and the model file), ready to score. The one scorer of the project:
 * {@code evaluate}, {@code predict}, {@code backtest} and the engine's {@code /predict} all call
 * {@link #probabilities}.
 *
 * <p>Thread-safe: scoring uses XGBoost's in-place prediction, which its C API documents as safe to call from several
 * threads. Close it to free the native model.
 */
public final class ForestModel implements AutoCloseable {
    private final Path dir;
    private final ModelCard card;
    private final Booster booster;

    private ForestModel(final Path dir, final ModelCard card, final Booster booster) {
        this.dir = dir;
        this.card = card;
        this.booster = booster;
    }

    /**
     * Loads a model directory.
     *
     * @throws MlException when it is not a model directory of this version.
     */
    public static ForestModel load(final Path dir) {
        final ModelCard card = ModelCard.read(dir);
        final Path file = dir.resolve(ForestTrainer.MODEL_FILE);
        if (!Files.isRegularFile(file)) {
            throw new MlException(
                    "model directory without its model file [dir=" + dir + ", file=" + ForestTrainer.MODEL_FILE + "]");
        }
        try {
            return new ForestModel(dir, card, XGBoost.loadModel(Files.readAllBytes(file)));
        } catch (final XGBoostError e) {
            throw new MlException("unreadable model file [file=" + file + ", cause=" + e.getMessage() + "]", e);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the model [file=" + file + "]", e);
        }
    }

    public Path dir() {
        return dir;
    }

    public ModelCard card() {
        return card;
    }

    /** @return the model's id, for {@code model_signals} and signals. */
    public String id() {
        return card.modelId();
    }

    /**
     * Checks that data has exactly the model's feature columns, in order.
     *
     * @throws MlException naming the missing, extra or misplaced columns.
     */
    public void requireFeatures(final List<String> columns) {
        if (columns.equals(card.features())) {
            return;
        }
        final List<String> missing = new ArrayList<>(card.features());
        missing.removeAll(columns);
        final List<String> extra = new ArrayList<>(columns);
        extra.removeAll(card.features());
        throw new MlException("the data's feature columns differ from the model card [model=" + id() + ", missing="
                + missing + ", extra=" + extra + ", expected=" + card.features() + ", got=" + columns + "]");
    }

    /**
     * Scores rows.
     *
     * @param values row-major features in the card's order, {@code rows × features} values; NaN is missing.
     * @return row-major class probabilities in the order of {@link ModelCard#classes()}, {@code rows × classes}.
     */
    public float[] probabilities(final double[] values, final int rows) {
        final int f = card.features().size();
        if (values.length < rows * f) {
            throw new IllegalArgumentException("too few values [rows=" + rows + ", features=" + f + "]");
        }
        if (rows == 0) {
            return new float[0];
        }
        final float[][] out;
        try {
            out = booster.inplace_predict(toFloats(values, rows * f), rows, f, Float.NaN);
        } catch (final XGBoostError e) {
            throw new IllegalStateException("prediction failed [model=" + id() + ", cause=" + e.getMessage() + "]", e);
        }
        final int k = card.classes().size();
        final float[] probabilities = new float[rows * k];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(out[r], 0, probabilities, r * k, k);
        }
        return probabilities;
    }

    static float[] toFloats(final double[] values) {
        return toFloats(values, values.length);
    }

    private static float[] toFloats(final double[] values, final int length) {
        final float[] floats = new float[length];
        for (int i = 0; i < length; i++) {
            floats[i] = (float) values[i];
        }
        return floats;
    }

    @Override
    public void close() {
        booster.dispose();
    }
}
