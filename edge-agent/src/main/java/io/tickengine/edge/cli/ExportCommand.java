package io.tickengine.edge.cli;

import io.tickengine.core.cli.ProgressBar;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.edge.EdgeContext;
import io.tickengine.edge.forward.CsvBody;
import io.tickengine.edge.forward.EngineAnswer;
import io.tickengine.edge.forward.EngineClient;
import io.tickengine.edge.forward.EngineKey;
import io.tickengine.edge.store.StoreStatus;
import io.tickengine.edge.store.TickReader;
import io.tickengine.edge.store.TickStore;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code edge-agent export}: a one-shot send of stored ticks to an engine, as the old exporter did, with a progress
 * bar. Safe to run at any time, also while the agent runs, and to repeat: ticks go with the agent's source and their
 * seq in seq order, so an engine drops what it already has.
 *
 * <p>It never leaves a gap behind the forwarder: the engine's duplicate check is a high-water mark, so a tick sent
 * with a higher seq before a lower one would make the lower one look like a duplicate. A selection that starts above
 * ticks the forwarder has not delivered yet is extended down to them. The buffer is only read: no mark moves, and a
 * tick the engine rejects is reported, not quarantined.
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Send stored ticks to the engine now, in seq order, with a progress bar (the old one-shot exporter).",
            "Ticks keep the agent's source and seq, so the engine drops what it already has: safe to repeat, also "
                    + "while the agent runs. Only ticks still in the buffer (retention.hours) can be exported."
        })
public final class ExportCommand implements Callable<Integer> {
    private static final int MAX_REJECTIONS_SHOWN = 20;

    @Mixin
    EdgeOptions options;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Selection selection;

    /** Which ticks: exactly one of the three. */
    static final class Selection {
        @Option(names = "--limit", paramLabel = "N", description = "The newest N stored ticks.")
        Long limit;

        @Option(names = "--since-minutes", paramLabel = "M", description = "Ticks that arrived in the last M minutes.")
        Long sinceMinutes;

        @Option(names = "--all", description = "Every stored tick.")
        boolean all;
    }

    @Option(
            names = "--page-size",
            paramLabel = "P",
            defaultValue = "5000",
            description = "Ticks per request (default ${DEFAULT-VALUE}).")
    int pageSize;

    @Option(
            names = "--give-up-after-seconds",
            paramLabel = "S",
            defaultValue = "300",
            description =
                    "Stop (exit 1) when the engine has not taken a page for this long (default ${DEFAULT-VALUE}).")
    long giveUpAfterSeconds;

    private final PrintStream out;

    public ExportCommand() {
        this(System.out);
    }

    /** @param out where the command prints (tests capture it). */
    public ExportCommand(final PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        if (pageSize < 1) {
            throw new IllegalArgumentException("--page-size must be positive [pageSize=" + pageSize + "]");
        }
        final EdgeContext context = options.context().conclude();
        final EngineClient client = new EngineClient(
                context.requireEngineUrl(),
                EngineKey.resolve(context),
                context.engineTlsCaFile(),
                Duration.ofMillis(context.engineConnectTimeoutMs()),
                Duration.ofMillis(context.engineRequestTimeoutMs()));
        final TickStore store = TickStore.openExisting(context.dataDir());
        try (TickReader reader = new TickReader(store);
                StoreStatus status = new StoreStatus(store)) {
            final long toSeq = store.lastSeq();
            long afterSeq = selectionStart(reader);
            if (afterSeq >= toSeq) {
                out.println("export: nothing to export");
                return 0;
            }
            final long forwardedSeq = status.committedForwardedSeq();
            if (afterSeq > forwardedSeq) {
                out.printf(
                        Locale.ROOT,
                        "export: including %,d ticks the forwarder has not delivered yet, so the engine skips none%n",
                        reader.count(forwardedSeq, afterSeq));
                afterSeq = forwardedSeq;
            }
            final long total = reader.count(afterSeq, toSeq);
            out.printf(
                    Locale.ROOT,
                    "export: %,d ticks (seq %,d to %,d) to %s as source %s%n",
                    total,
                    afterSeq + 1,
                    toSeq,
                    client.endpoint(),
                    store.agentId());
            final Totals totals = send(client, reader, store.agentId(), afterSeq, toSeq, total);
            out.printf(
                    Locale.ROOT,
                    "export: %s: %,d sent, %,d accepted, %,d already in the engine, %,d rejected%n",
                    totals.complete ? "done" : "stopped",
                    totals.sent,
                    totals.accepted,
                    totals.duplicates,
                    totals.rejected);
            return totals.complete ? 0 : 1;
        }
    }

    /** @return the seq after which the selection starts. */
    private long selectionStart(final TickReader reader) throws Exception {
        if (selection.all) {
            return 0;
        }
        if (selection.limit != null) {
            if (selection.limit < 1) {
                throw new IllegalArgumentException("--limit must be positive [limit=" + selection.limit + "]");
            }
            return reader.seqBeforeNewest(selection.limit);
        }
        if (selection.sinceMinutes < 0) {
            throw new IllegalArgumentException("--since-minutes must not be negative");
        }
        final long first = reader.firstSeqReceivedSince(
                System.currentTimeMillis() - TimeUnit.MINUTES.toMillis(selection.sinceMinutes));
        return first == 0 ? Long.MAX_VALUE : first - 1;
    }

    private static final class Totals {
        long sent;
        long accepted;
        long duplicates;
        long rejected;
        boolean complete;
    }

    private Totals send(
            final EngineClient client,
            final TickReader reader,
            final String source,
            final long fromAfterSeq,
            final long toSeq,
            final long total)
            throws Exception {
        final Totals totals = new Totals();
        final List<String> rejections = new ArrayList<>();
        final ProgressBar progress = ProgressBar.create(out, "export", "ticks", total);
        final TickBuffer page = new TickBuffer(pageSize);
        final CsvBody body = new CsvBody();
        long afterSeq = fromAfterSeq;
        long done = 0;
        long failingSinceNs = 0;
        long delayMs = 250;
        while (afterSeq < toSeq) {
            if (reader.read(afterSeq, toSeq, pageSize, page) == 0) {
                break;
            }
            final long lastSeq = page.seq(page.size() - 1);
            TickBuffer pending = page;
            while (pending.size() > 0) {
                body.encode(pending, reader::symbolName, source);
                final EngineAnswer answer = client.post(body.bytes(), body.length());
                if (answer.kind() == EngineAnswer.Kind.ACCEPTED) {
                    totals.sent += pending.size();
                    totals.accepted += answer.accepted();
                    totals.duplicates += answer.duplicates();
                    failingSinceNs = 0;
                    delayMs = 250;
                    break;
                }
                if (answer.kind() == EngineAnswer.Kind.INVALID) {
                    // All or nothing per request: send the page again without the tick the engine named.
                    final int index =
                            answer.errorIndex() >= 0 && answer.errorIndex() < pending.size() ? answer.errorIndex() : -1;
                    final int rejected = index >= 0 ? 1 : pending.size();
                    totals.rejected += rejected;
                    rejections.add(reportRejected(pending, index, reader, answer));
                    pending = index >= 0 ? without(pending, index) : new TickBuffer(1);
                    continue;
                }
                if (answer.kind() == EngineAnswer.Kind.TOO_LARGE) {
                    out.println();
                    out.println("export: the engine refuses pages this large: use a smaller --page-size ["
                            + answer.describe() + "]");
                    return totals;
                }
                final long nowNs = System.nanoTime();
                if (failingSinceNs == 0) {
                    failingSinceNs = nowNs;
                } else if (nowNs - failingSinceNs > TimeUnit.SECONDS.toNanos(giveUpAfterSeconds)) {
                    out.println();
                    out.println("export: giving up after " + giveUpAfterSeconds + " s [" + answer.describe()
                            + "]; nothing is lost, run export again");
                    return totals;
                }
                Thread.sleep(Math.max(answer.retryAfterMs(), delayMs));
                delayMs = Math.min(delayMs * 2, 10_000);
            }
            done += page.size();
            afterSeq = lastSeq;
            progress.update(done, done);
        }
        progress.finish(done);
        // After the bar, which redraws its line in place on a terminal.
        rejections.stream().limit(MAX_REJECTIONS_SHOWN).forEach(out::println);
        if (rejections.size() > MAX_REJECTIONS_SHOWN) {
            out.printf(Locale.ROOT, "export: ... and %,d more rejected%n", rejections.size() - MAX_REJECTIONS_SHOWN);
        }
        totals.complete = true;
        return totals;
    }

    private static String reportRejected(
            final TickBuffer page, final int index, final TickReader reader, final EngineAnswer answer)
            throws Exception {
        if (index < 0) {
            return String.format(
                    Locale.ROOT,
                    "export: page rejected [fromSeq=%d, toSeq=%d]: %s",
                    page.seq(0),
                    page.seq(page.size() - 1),
                    answer.describe());
        }
        return String.format(
                Locale.ROOT,
                "export: tick rejected [seq=%d, symbol=%s, time_msc=%d]: %s",
                page.seq(index),
                reader.symbolName(page.symbolId(index)),
                page.timeMsc(index),
                answer.describe());
    }

    private static TickBuffer without(final TickBuffer ticks, final int skipped) {
        final TickBuffer rest = new TickBuffer(Math.max(1, ticks.size() - 1));
        for (int i = 0; i < ticks.size(); i++) {
            if (i != skipped) {
                rest.add(
                        ticks.symbolId(i),
                        ticks.timeMsc(i),
                        ticks.bid(i),
                        ticks.ask(i),
                        ticks.last(i),
                        ticks.volume(i),
                        ticks.volumeReal(i),
                        ticks.flags(i),
                        ticks.sourceId(i),
                        ticks.seq(i));
            }
        }
        return rest;
    }
}
