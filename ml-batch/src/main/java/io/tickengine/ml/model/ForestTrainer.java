package io.tickengine.ml.model;

import io.tickengine.ml.MlException;
import io.tickengine.ml.data.Dataset;
import io.tickengine.ml.data.FeatureView;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Trains a random forest with XGBoost's random-forest mode: one boosting round of {@code trees} trees per class
 * ({@code num_parallel_tree}), each on a bootstrap-sized row sample ({@code subsample}) with a feature subset per split
 * ({@code colsample_bynode}), learning rate 1. Three classes, the label values -1, 0 and 1, predicted as
 * probabilities ({@code multi:softprob}). Same data and seed, same model: XGBoost's {@code hist} method is
 * deterministic for a fixed seed, also with several threads.
 */
public final class ForestTrainer {
    /** The library named in model cards. */
    public static final String LIBRARY = "xgboost4j";
    /** Its version, from the library's own jar. */
    public static final String LIBRARY_VERSION = libraryVersion();
    /** The model file in a model directory. */
    public static final String MODEL_FILE = "model.ubj";
    /** The label values, in the order of the model's outputs. */
    public static final List<Integer> CLASSES = List.of(-1, 0, 1);

    /**
     * Training options with the defaults {@code train} uses.
     *
     * @param trees trees per class.
     * @param maxDepth deepest a tree grows.
     * @param subsample fraction of rows each tree sees.
     * @param featureFraction fraction of features each split may use; 0 for sqrt(features)/features, as a random
     *     forest does.
     * @param seed random seed.
     * @param threads training threads; 0 for all cores.
     */
    public record Options(int trees, int maxDepth, double subsample, double featureFraction, long seed, int threads) {
        /**
         * 100 trees, depth 6, 63.2% rows (the share of distinct rows in a bootstrap sample), sqrt features, seed 42,
         * one thread.
         */
        public static Options defaults() {
            return new Options(100, 6, 0.632, 0, 42, 1);
        }
    }

    private ForestTrainer() {}

    /**
     * Trains on {@code train} and writes the model and its card into {@code dir} (created if missing).
     *
     * @param testFromMsc the first held-out bar, for the card.
     * @return the trained model, loaded from {@code dir}.
     */
    public static ForestModel train(
            final Dataset train, final Options options, final long testFromMsc, final Path dir) {
        if (train.rows() < 100) {
            throw new MlException("too few training rows [rows=" + train.rows() + ", needed=100]");
        }
        final int f = train.features().size();
        final Map<String, Object> params = params(options, f);
        final float[] labels = new float[train.rows()];
        for (int r = 0; r < train.rows(); r++) {
            final int index = CLASSES.indexOf(train.label(r));
            if (index < 0) {
                throw new MlException("label outside " + CLASSES + " [row=" + r + ", time_msc=" + train.timeMsc(r)
                        + ", label=" + train.label(r) + "]");
            }
            labels[r] = index;
        }
        try {
            Files.createDirectories(dir);
            final DMatrix matrix = new DMatrix(ForestModel.toFloats(train.values()), train.rows(), f, Float.NaN);
            final byte[] model;
            try {
                matrix.setLabel(labels);
                final Booster booster = XGBoost.train(matrix, params, 1, Map.of(), null, null);
                try {
                    model = booster.toByteArray("ubj");
                } finally {
                    booster.dispose();
                }
            } finally {
                matrix.dispose();
            }
            // Written aside and moved into place: a server reloading the directory never reads half a model.
            final Path tmp = dir.resolve(MODEL_FILE + ".tmp");
            Files.write(tmp, model);
            Files.move(
                    tmp,
                    dir.resolve(MODEL_FILE),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            final ModelCard card = new ModelCard(
                    ModelCard.FORMAT_VERSION,
                    "rf-" + HexFormat.of().formatHex(sha256(model), 0, 6),
                    train.rows() == 0 ? List.of() : distinctSymbols(train),
                    FeatureView.TIMEFRAME,
                    train.features(),
                    FeatureView.LABEL_DEFINITION,
                    CLASSES,
                    train.timeMsc(0),
                    train.timeMsc(train.rows() - 1),
                    testFromMsc,
                    train.rows(),
                    LIBRARY,
                    LIBRARY_VERSION,
                    options.seed(),
                    params,
                    Map.of(),
                    0.5);
            card.write(dir);
            return ForestModel.load(dir);
        } catch (final XGBoostError e) {
            throw new IllegalStateException(
                    "training failed [library=" + LIBRARY + ", cause=" + e.getMessage() + "]", e);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write the model [dir=" + dir + "]", e);
        }
    }

    static Map<String, Object> params(final Options options, final int features) {
        final double featureFraction = options.featureFraction() > 0
                ? options.featureFraction()
                : Math.max(1, Math.floor(Math.sqrt(features))) / features;
        final Map<String, Object> params = new LinkedHashMap<>();
        params.put("booster", "gbtree");
        params.put("objective", "multi:softprob");
        params.put("num_class", CLASSES.size());
        params.put("tree_method", "hist");
        params.put("num_parallel_tree", options.trees());
        params.put("learning_rate", 1.0);
        params.put("subsample", options.subsample());
        params.put("colsample_bynode", featureFraction);
        params.put("max_depth", options.maxDepth());
        params.put("min_child_weight", 1.0);
        params.put("reg_lambda", 1e-5);
        params.put("seed", options.seed());
        params.put(
                "nthread",
                options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors());
        params.put("verbosity", 0);
        return params;
    }

    private static List<String> distinctSymbols(final Dataset data) {
        final java.util.LinkedHashSet<String> symbols = new java.util.LinkedHashSet<>();
        for (int r = 0; r < data.rows(); r++) {
            symbols.add(data.symbol(r));
        }
        return List.copyOf(symbols);
    }

    static byte[] sha256(final byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String libraryVersion() {
        try (InputStream in = XGBoost.class.getClassLoader().getResourceAsStream("xgboost4j-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            final Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown").strip();
        } catch (final IOException e) {
            return "unknown";
        }
    }
}
