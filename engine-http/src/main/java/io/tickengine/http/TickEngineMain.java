package io.tickengine.http;

import io.tickengine.core.datadir.DataDirInUseException;
import io.tickengine.core.journal.ChronicleSettings;
import io.tickengine.http.cli.BackupCommand;
import io.tickengine.http.cli.DbCommand;
import io.tickengine.http.cli.ImportCommand;
import io.tickengine.http.cli.JournalCommand;
import io.tickengine.http.cli.MaintainCommand;
import io.tickengine.http.cli.ReplayCommand;
import io.tickengine.http.cli.RestoreCommand;
import io.tickengine.http.cli.RunCommand;
import io.tickengine.http.server.NettySettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tick-engine} executable. */
@Command(
        name = "tick-engine",
        mixinStandardHelpOptions = true,
        version = "tick-engine " + TickEngineMain.VERSION,
        description = "Latency-optimised ingestion engine for MetaTrader 5 ticks.",
        subcommands = {
            RunCommand.class,
            ImportCommand.class,
            ReplayCommand.class,
            DbCommand.class,
            JournalCommand.class,
            BackupCommand.class,
            RestoreCommand.class,
            MaintainCommand.class
        })
public final class TickEngineMain {
    /** This build's version, as {@code --version} prints it and backups record it. */
    public static final String VERSION = "0.1.0";

    private TickEngineMain() {}

    public static void main(final String[] args) {
        // Before any Chronicle or Netty class loads.
        ChronicleSettings.disableAnalytics();
        NettySettings.disableLeakDetectionUnlessSet(System.getProperties());
        final CommandLine cli = new CommandLine(new TickEngineMain());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("tick-engine: " + e.getMessage());
            // 2: the command cannot run as given (bad input, or the data dir is owned by another process).
            return e instanceof IllegalArgumentException || e instanceof DataDirInUseException ? 2 : 1;
        });
        final int code = cli.execute(args.length == 0 ? new String[] {"--help"} : args);
        System.exit(code);
    }
}
