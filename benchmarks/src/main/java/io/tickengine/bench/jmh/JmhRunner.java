package io.tickengine.bench.jmh;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * {@code tick-bench jmh ...}: JMH's own command line, with the JVM flags every fork needs ({@link BenchJvm#FORK_ARGS})
 * added in one place instead of on each suite's {@code @Fork}. Listing and help go to JMH unchanged.
 */
public final class JmhRunner {
    private JmhRunner() {}

    /** @return the exit status: 0, or 2 for a command line JMH refuses (said on standard error). */
    public static int run(final String[] args) throws Exception {
        // JMH's own help is -h; --help, as every other tick-bench command takes it, means the same.
        final String[] jmhArgs =
                Arrays.stream(args).map(a -> a.equals("--help") ? "-h" : a).toArray(String[]::new);
        final CommandLineOptions options;
        try {
            options = new CommandLineOptions(jmhArgs);
        } catch (final CommandLineOptionException e) {
            System.err.println("jmh: " + e.getMessage() + " (tick-bench jmh -h lists JMH's options)");
            return 2;
        }
        if (options.shouldHelp()
                || options.shouldList()
                || options.shouldListWithParams()
                || options.shouldListProfilers()
                || options.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(jmhArgs);
            return 0;
        }
        final List<String> jvmArgs = new ArrayList<>(Arrays.asList(BenchJvm.FORK_ARGS));
        if (options.getJvmArgsAppend().hasValue()) {
            jvmArgs.addAll(options.getJvmArgsAppend().get());
        }
        new Runner(new OptionsBuilder()
                        .parent(options)
                        .jvmArgsAppend(jvmArgs.toArray(new String[0]))
                        .build())
                .run();
        return 0;
    }
}
