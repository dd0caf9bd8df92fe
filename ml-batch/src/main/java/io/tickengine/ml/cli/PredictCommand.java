package io.tickengine.ml.cli;

import io.tickengine.ml.data.MlStore;
import io.tickengine.ml.model.ForestModel;
import io.tickengine.ml.signal.Predictor;
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

    @Mixin
    ModelOptions model;

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

    @Mixin
    SignalOptions signal;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (ForestModel forest = ForestModel.load(model.modelDir);
                MlStore s = store.open(false)) {
            final String sym = model.symbolOf(forest);
            final Predictor.Options options = signal.at(System.currentTimeMillis());
            final Predictor.Result result = bars.latest
                    ? Predictor.predictLatest(s, forest, sym, options)
                    : Predictor.predictRange(
                            s,
                            forest,
                            sym,
                            Times.parse("--from", bars.range.from),
                            Times.parse("--to", bars.range.to),
                            options);
            final Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", forest.id());
            out.put("symbol", sym);
            out.put("threshold", forest.card().threshold());
            out.put("scored", result.scored());
            out.put("signals", result.signals());
            out.put("added", result.added());
            spec.commandLine().getOut().println(Json.write(out));
        }
        return 0;
    }
}
