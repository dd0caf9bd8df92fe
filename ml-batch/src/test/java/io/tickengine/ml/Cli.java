package io.tickengine.ml;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs {@code ml-batch} in-process, as the executable would, and keeps what it printed. */
public record Cli(int exitCode, String out, String err) {
    public static Cli run(final String... args) {
        final CommandLine cli = MlBatchMain.commandLine();
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        final int code = cli.execute(args);
        return new Cli(code, out.toString(), err.toString());
    }

    /** @return this, after failing the test with everything printed when the exit code is not 0. */
    public Cli ok() {
        if (exitCode != 0) {
            throw new AssertionError("exit " + exitCode + "\nout: " + out + "\nerr: " + err);
        }
        return this;
    }
}
