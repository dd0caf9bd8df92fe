package io.tickengine.ml.cli;

import io.tickengine.ml.MlException;
import io.tickengine.ml.model.ForestModel;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The model and symbol of the jobs that score bars of the store: {@code --model DIR [--symbol S]}. */
public final class ModelOptions {
    @Option(names = "--model", required = true, description = "model directory")
    Path modelDir;

    @Option(names = "--symbol", description = "symbol (default: the model's, when it was trained on one)")
    String symbol;

    /** @return {@code --symbol}, or the model's only symbol. */
    String symbolOf(final ForestModel model) {
        if (symbol != null) {
            return symbol;
        }
        if (model.card().symbols().size() != 1) {
            throw new MlException("name the symbol: the model was trained on "
                    + model.card().symbols().size() + " symbols [model=" + model.id() + ", symbols="
                    + model.card().symbols() + "]");
        }
        return model.card().symbols().get(0);
    }
}
