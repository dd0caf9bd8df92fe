package io.tickengine.edge;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import picocli.CommandLine;

/** Runs an {@code edge-agent} command in-process and keeps what it printed. */
record CommandOutput(int exitCode, String text) {
    static CommandOutput run(final Function<PrintStream, Object> command, final String... args) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        final CommandLine cli = new CommandLine(command.apply(out));
        final ByteArrayOutputStream errors = new ByteArrayOutputStream();
        cli.setErr(new PrintWriter(errors, true, StandardCharsets.UTF_8));
        final int code = cli.execute(args);
        return new CommandOutput(
                code, bytes.toString(StandardCharsets.UTF_8) + errors.toString(StandardCharsets.UTF_8));
    }
}
