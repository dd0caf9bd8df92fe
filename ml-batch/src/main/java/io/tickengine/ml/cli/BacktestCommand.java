package io.tickengine.ml.cli;

import io.tickengine.ml.data.MlStore;
import io.tickengine.ml.eval.Charts;
import io.tickengine.ml.model.ForestModel;
import io.tickengine.ml.signal.Backtest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code backtest}: the model's signals traded over a held-out range, against buy-and-hold. */
@Command(
        name = "backtest",
        mixinStandardHelpOptions = true,
        description = "Trade the model's signals over closed bars of the store (enter at the bar's close, exit 5 bars"
                + " later, the stored spread as cost, one position at a time) and print a summary JSON (trades, win"
                + " rate, Sharpe, max drawdown, against buy-and-hold); plot the equity curves to a PNG.")
public final class BacktestCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Mixin
    ModelOptions model;

    @Option(names = "--from", required = true, description = "first bar open time (epoch ms or ISO-8601 UTC)")
    String from;

    @Option(names = "--to", required = true, description = "last bar open time, inclusive")
    String to;

    @Option(names = "--plot", description = "equity PNG (default: backtest-equity.png in the model directory)")
    Path plot;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (ForestModel forest = ForestModel.load(model.modelDir);
                MlStore s = store.open(true)) {
            final Backtest.Result result = Backtest.run(
                    s, forest, model.symbolOf(forest), Times.parse("--from", from), Times.parse("--to", to));
            final Path png = plot != null ? plot : model.modelDir.resolve("backtest-equity.png");
            Charts.equity(result.timeMsc(), result.equity(), result.buyAndHold(), png);
            final Map<String, Object> out = new LinkedHashMap<>(result.summary());
            out.put("plot", png.toString());
            spec.commandLine().getOut().println(Json.write(out));
        }
        return 0;
    }
}
