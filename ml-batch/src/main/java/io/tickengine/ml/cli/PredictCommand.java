package io.tickengine.ml.cli;

import io.tickengine.ml.MlException;
import io.tickengine.ml.data.MlStore;
import io.tickengine.ml.model.ForestModel;
import io.tickengine.ml.signal.Predictor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code predict}: signals for closed bars, idempotently. */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        description = "Score closed M1 bars from features_m1 and publish the ones that pass the model's threshold"
                + " to model_signals and the signals queue (/signals/next). Idempotent: one signal per model,"
                + " symbol, timeframe and bar; a second run adds nothing. Exits 1 when the database is down.")
public final class PredictCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--model", required = true, description = "model directory")
    Path modelDir;

    @Option(names = "--symbol", description = "symbol (default: the model's, when it was trained on one)")
    String symbol;

    /** {@code --latest} or a range. */
    static final class Bars {
        @Option(names = "--latest", required = true, description = "the latest closed bar")
        boolean latest;

        @ArgGroup(exclusive = false)
        Range range;
    }

    /** A range of bars. */
    static final class Range {
        @Option(names = "--from", required = true, description = "first bar open time (epoch ms or ISO-8601 UTC)")
        String from;

        @Option(names = "--to", required = true, description = "last bar open time, inclusive")
        String to;
    }

    @ArgGroup(multiplicity = "1")
    Bars bars;

    @Option(names = "--size", defaultValue = "0.01", description = "lots per signal (default ${DEFAULT-VALUE})")
    double size;

    @Option(
            names = "--valid-ms",
            defaultValue = "300000",
            description = "a signal is deliverable until this long after its bar closed (default ${DEFAULT-VALUE})")
    long validMs;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (ForestModel model = ForestModel.load(modelDir);
                MlStore s = store.open(false)) {
            final String sym = symbolOf(model, symbol);
            final Predictor.Options options = new Predictor.Options(size, validMs, System.currentTimeMillis());
            final Predictor.Result result = bars.latest
                    ? Predictor.predictLatest(s, model, sym, options)
                    : Predictor.predictRange(
                            s,
                            model,
                            sym,
                            Times.parse("--from", bars.range.from),
                            Times.parse("--to", bars.range.to),
                            options);
            final Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", model.id());
            out.put("symbol", sym);
            out.put("threshold", model.card().threshold());
            out.put("scored", result.scored());
            out.put("signals", result.signals());
            out.put("added", result.added());
            spec.commandLine().getOut().println(Json.write(out));
        }
        return 0;
    }

    static String symbolOf(final ForestModel model, final String symbol) {
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
