package io.tickengine.bench.jmh;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * {@code tick-bench jmh ...}: JMH's own command line, with the JVM flags every fork needs ({@link BenchJvm#FORK_ARGS})
 * added in one place instead of on each suite's {@code @Fork}. Listing and help go to JMH unchanged.
 */
public final class JmhRunner {
    private JmhRunner() {}

    public static void run(final String[] args) throws Exception {
        final CommandLineOptions options = new CommandLineOptions(args);
        if (options.shouldHelp()
                || options.shouldList()
                || options.shouldListWithParams()
                || options.shouldListProfilers()
                || options.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return;
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
    }
}
