package io.tickengine.edge;

import io.tickengine.edge.cli.BenchCatchupCommand;
import io.tickengine.edge.cli.ExportCommand;
import io.tickengine.edge.cli.RunCommand;
import io.tickengine.edge.cli.StatusCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code edge-agent} executable. */
@Command(
        name = "edge-agent",
        mixinStandardHelpOptions = true,
        version = "edge-agent 0.1.0",
        description =
                "Store-and-forward agent beside MetaTrader 5: buffers every tick in SQLite, forwards to the engine.",
        subcommands = {RunCommand.class, StatusCommand.class, ExportCommand.class, BenchCatchupCommand.class})
public final class EdgeAgentMain {
    private EdgeAgentMain() {}

    public static void main(final String[] args) {
        final CommandLine cli = new CommandLine(new EdgeAgentMain());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("edge-agent: " + e.getMessage());
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        final int code = cli.execute(args.length == 0 ? new String[] {"--help"} : args);
        System.exit(code);
    }
}
