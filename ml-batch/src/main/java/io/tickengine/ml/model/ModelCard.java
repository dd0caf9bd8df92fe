package io.tickengine.ml.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tickengine.ml.MlException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code card.json} of a model directory: what the model is and how it was made. Features and their order (a dataset
 * or view must give exactly these), the label definition and classes, the training range, the library and its
 * version, the seed, the held-out metrics and, after {@code evaluate}, the chosen threshold.
 *
 * @param formatVersion the card and model-file layout; a directory of another layout is refused.
 * @param modelId names the model in {@code model_signals} and {@code signals.model_id}; derived from the model file.
 * @param symbols the symbols the model was trained on.
 * @param timeframe the bars' timeframe, {@code M1}.
 * @param features feature columns, in the model's input order.
 * @param label what the label means.
 * @param classes the label values, in the order of the model's probability outputs.
 * @param trainFromMsc first training row's bar open time.
 * @param trainToMsc last training row's bar open time (after the purge).
 * @param testFromMsc first held-out bar open time.
 * @param trainRows training rows.
 * @param library the ML library, {@code xgboost4j}.
 * @param libraryVersion its version.
 * @param seed the random seed.
 * @param params the library's training parameters.
 * @param metrics held-out metrics from {@code train} and {@code evaluate}.
 * @param threshold probability a side must reach to become a signal; chosen by {@code evaluate}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelCard(
        @JsonProperty("format_version") int formatVersion,
        @JsonProperty("model_id") String modelId,
        @JsonProperty("symbols") List<String> symbols,
        @JsonProperty("timeframe") String timeframe,
        @JsonProperty("features") List<String> features,
        @JsonProperty("label") String label,
        @JsonProperty("classes") List<Integer> classes,
        @JsonProperty("train_from_msc") long trainFromMsc,
        @JsonProperty("train_to_msc") long trainToMsc,
        @JsonProperty("test_from_msc") long testFromMsc,
        @JsonProperty("train_rows") int trainRows,
        @JsonProperty("library") String library,
        @JsonProperty("library_version") String libraryVersion,
        @JsonProperty("seed") long seed,
        @JsonProperty("params") Map<String, Object> params,
        @JsonProperty("metrics") Map<String, Object> metrics,
        @JsonProperty("threshold") double threshold) {

    /** The layout this code reads and writes. */
    public static final int FORMAT_VERSION = 1;
    /** The card's file name in a model directory. */
    public static final String FILE = "card.json";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** @return the card with another threshold and more metrics. */
    public ModelCard withEvaluation(final double newThreshold, final Map<String, Object> newMetrics) {
        return new ModelCard(
                formatVersion,
                modelId,
                symbols,
                timeframe,
                features,
                label,
                classes,
                trainFromMsc,
                trainToMsc,
                testFromMsc,
                trainRows,
                library,
                libraryVersion,
                seed,
                params,
                newMetrics,
                newThreshold);
    }

    /** Writes {@code card.json} into {@code dir}. */
    public void write(final Path dir) {
        try {
            final Path tmp = dir.resolve(FILE + ".tmp");
            JSON.writeValue(tmp.toFile(), this);
            Files.move(
                    tmp,
                    dir.resolve(FILE),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write the model card [dir=" + dir + "]", e);
        }
    }

    /**
     * Reads {@code card.json} of a model directory.
     *
     * @throws MlException when it is missing, unreadable or of another format version.
     */
    public static ModelCard read(final Path dir) {
        final Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new MlException("not a model directory: no " + FILE + " [dir=" + dir + "]");
        }
        final ModelCard card;
        try {
            card = JSON.readValue(file.toFile(), ModelCard.class);
        } catch (final IOException e) {
            throw new MlException("unreadable model card [file=" + file + ", cause=" + e.getMessage() + "]", e);
        }
        if (card.formatVersion() != FORMAT_VERSION) {
            throw new MlException("model directory of another version [dir=" + dir + ", format_version="
                    + card.formatVersion() + ", expected=" + FORMAT_VERSION + "]");
        }
        if (!ForestTrainer.LIBRARY.equals(card.library())) {
            throw new MlException("model of another library [dir=" + dir + ", library=" + card.library() + ", expected="
                    + ForestTrainer.LIBRARY + "]");
        }
        if (card.features() == null || card.features().isEmpty() || card.classes() == null) {
            throw new MlException("model card without features or classes [file=" + file + "]");
        }
        return card;
    }

    /** @return the card as one JSON object. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
