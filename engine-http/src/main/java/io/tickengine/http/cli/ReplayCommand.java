package io.tickengine.http.cli;

import io.tickengine.core.EngineContext;
import io.tickengine.core.datadir.DataDirLock;
import io.tickengine.core.recovery.HistoryRebuild;
import java.io.PrintStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tick-engine replay}: rebuild candles from the journal into the store. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Rebuild candles from the journal and write them to the store, replacing what it holds.",
            "Stop the engine first (replay exits 2 naming its pid). --from/--to limit which bars are rewritten (by bar open time);",
            "bars are always built from every journaled tick, so the bars at the edges are whole."
        })
public final class ReplayCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(
            names = "--from",
            paramLabel = "TIME",
            description = "First bar open time to rewrite: epoch ms or ISO-8601 (2026-07-13T12:00:00Z).")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "Last bar open time to rewrite, inclusive.")
    String to;

    private final PrintStream out;

    public ReplayCommand() {
        this(System.out);
    }

    ReplayCommand(final PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        final EngineContext context = config.engineContext();
        final long fromMsc = from == null ? Long.MIN_VALUE : parseTime("--from", from);
        final long toMsc = to == null ? Long.MAX_VALUE : parseTime("--to", to);
        if (fromMsc > toMsc) {
            throw new IllegalArgumentException("--from is after --to [from=" + from + ", to=" + to + "]");
        }
        final long startNs = System.nanoTime();
        final HistoryRebuild.Result result;
        final DataDirLock lock = DataDirLock.acquire(context.dataDir(), "replay");
        try (lock) {
            result =
                    HistoryRebuild.run(context, fromMsc, toMsc, ticks -> out.printf("replay: %,d ticks read%n", ticks));
        }
        final long ms = (System.nanoTime() - startNs) / 1_000_000;
        out.printf(
                "replay: done [ticks=%d, barsWritten=%d, ms=%d, complete=%s]%n",
                result.ticksReplayed(), result.barsWritten(), ms, result.complete());
        return result.complete() ? 0 : 1;
    }

    static long parseTime(final String option, final String value) {
        try {
            return Long.parseLong(value);
        } catch (final NumberFormatException notNumber) {
            try {
                return Instant.parse(value).toEpochMilli();
            } catch (final DateTimeParseException e) {
                throw new IllegalArgumentException(
                        option + " is neither epoch ms nor ISO-8601 [value=" + value + "]", e);
            }
        }
    }
}
