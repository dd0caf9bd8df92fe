package io.tickengine.ml.cli;

import io.tickengine.ml.MlException;
import io.tickengine.ml.data.Dataset;
import io.tickengine.ml.data.FeatureView;
import io.tickengine.ml.data.MlStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code prepare}: {@code trainset_m1} of one symbol to a CSV. */
@Command(
        name = "prepare",
        mixinStandardHelpOptions = true,
        description = "Write the training rows (trainset_m1: features and label of every closed bar) of a symbol"
                + " to CSV: time_msc,symbol,<features>,label.")
public final class PrepareCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--symbol", required = true, description = "symbol")
    String symbol;

    @Option(names = "--tf", defaultValue = "M1", description = "timeframe; the views are built on M1 (default)")
    String timeframe;

    @Option(names = "--from", description = "first bar open time (epoch ms or ISO-8601 UTC)")
    String from;

    @Option(names = "--to", description = "last bar open time, inclusive")
    String to;

    @Option(names = "--out", required = true, description = "CSV file to write")
    Path out;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!FeatureView.TIMEFRAME.equals(timeframe)) {
            throw new MlException("unsupported timeframe [tf=" + timeframe + ", supported=M1]");
        }
        final long fromMsc = from == null ? 0 : Times.parse("--from", from);
        final long toMsc = to == null ? Long.MAX_VALUE : Times.parse("--to", to);
        final Dataset data;
        try (MlStore s = store.open(true)) {
            data = FeatureView.trainset(s, symbol, fromMsc, toMsc);
        }
        if (data.rows() == 0) {
            throw new MlException.TooFewBars("too few bars: no complete training row [symbol=" + symbol
                    + ", needed=30 bars for the features and 5 after them for the label]");
        }
        data.writeCsv(out);
        spec.commandLine()
                .getOut()
                .println("wrote " + data.rows() + " rows [file=" + out + ", symbol=" + symbol + ", from="
                        + Times.format(data.timeMsc(0)) + ", to=" + Times.format(data.timeMsc(data.rows() - 1))
                        + ", features=" + data.features().size() + "]");
        return 0;
    }
}
