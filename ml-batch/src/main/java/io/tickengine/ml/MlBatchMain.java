package io.tickengine.ml;

import io.tickengine.ml.cli.BacktestCommand;
import io.tickengine.ml.cli.EvaluateCommand;
import io.tickengine.ml.cli.PredictCommand;
import io.tickengine.ml.cli.PrepareCommand;
import io.tickengine.ml.cli.ScheduleCommand;
import io.tickengine.ml.cli.TrainCommand;
import java.sql.SQLException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ml-batch} executable: dataset, training, evaluation, prediction, backtest and schedule jobs. */
@Command(
        name = "ml-batch",
        mixinStandardHelpOptions = true,
        version = "ml-batch 0.1.0",
        description = "ML jobs around the tick engine's store: candles -> features -> model -> signals.",
        subcommands = {
            PrepareCommand.class,
            TrainCommand.class,
            EvaluateCommand.class,
            PredictCommand.class,
            BacktestCommand.class,
            ScheduleCommand.class
        })
public final class MlBatchMain {
    private MlBatchMain() {}

    /**
     * @return a command line with the exit codes of the executable: 0 done, 1 the store failed (e.g. the database
     *     is down), 2 bad input ({@link MlException}, bad options).
     */
    public static CommandLine commandLine() {
        final CommandLine cli = new CommandLine(new MlBatchMain());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("ml-batch: " + message(e));
            return e instanceof MlException || e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli;
    }

    private static String message(final Exception e) {
        if (e instanceof SQLException) {
            return "store unavailable [cause=" + e.getMessage() + "]";
        }
        return e.getMessage();
    }

    public static void main(final String[] args) {
        System.exit(commandLine().execute(args.length == 0 ? new String[] {"--help"} : args));
    }
}
