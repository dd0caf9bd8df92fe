package io.tickengine.edge.cli;

import io.tickengine.core.cli.ProgressBar;
import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.edge.EdgeContext;
import io.tickengine.edge.forward.CsvBody;
import io.tickengine.edge.forward.EngineAnswer;
import io.tickengine.edge.forward.EngineClient;
import io.tickengine.edge.forward.EngineKey;
import io.tickengine.edge.forward.ForwardStats;
import io.tickengine.edge.forward.Forwarder;
import io.tickengine.edge.store.TickAppender;
import io.tickengine.edge.store.TickStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code edge-agent bench-catchup}: how fast a full buffer drains into a running engine. Fills a fresh buffer with
 * synthetic ticks while nothing forwards, then starts the same {@link Forwarder} that {@code run} uses and times it
 * until the engine has acknowledged the last tick. With {@code --baseline}, also posts the same kind of batches from
 * memory straight to the engine, for the engine's own ingest rate on the same machine.
 */
@Command(
        name = "bench-catchup",
        mixinStandardHelpOptions = true,
        description = {
            "Benchmark catch-up: fill a fresh buffer with N synthetic ticks, then forward them to the engine "
                    + "(--engine-url, key in EDGE_ENGINE_API_KEY) and report ticks per second.",
            "Use a scratch engine: the ticks are real ticks to it (new symbols EURUSD.bXXXX etc. on every run)."
        })
public final class BenchCatchupCommand implements Callable<Integer> {
    private static final int FILL_CHUNK = 10_000;
    private static final long NS_PER_SECOND = 1_000_000_000L;

    @Mixin
    EdgeOptions options;

    @Option(names = "--ticks", paramLabel = "N", defaultValue = "1000000", description = "Ticks to buffer and forward.")
    int ticks;

    @Option(
            names = "--warmup-ticks",
            paramLabel = "N",
            defaultValue = "200000",
            description = "Ticks forwarded first, not timed, so both JVMs are warm (default ${DEFAULT-VALUE}).")
    int warmupTicks;

    @Option(
            names = "--baseline",
            description = "Also time the engine alone: the same batches posted from memory, one connection.")
    boolean baseline;

    @Option(names = "--keep", description = "Keep the benchmark buffer (default: deleted).")
    boolean keep;

    private final PrintStream out;

    public BenchCatchupCommand() {
        this(System.out);
    }

    /** @param out where the command prints (tests capture it). */
    public BenchCatchupCommand(final PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        final boolean scratchDir = options.dataDir == null;
        final Path dir = scratchDir ? Files.createTempDirectory("edge-bench-") : options.dataDir;
        if (Files.exists(dir.resolve(TickStore.FILE_NAME))) {
            throw new IllegalArgumentException("--data-dir must not hold a buffer already [dir=" + dir + "]");
        }
        final EdgeContext context = options.context();
        context.set("agent.data.dir", dir.toString());
        context.conclude();
        final EngineClient client = new EngineClient(
                context.requireEngineUrl(),
                EngineKey.resolve(context),
                context.engineTlsCaFile(),
                Duration.ofMillis(context.engineConnectTimeoutMs()),
                Duration.ofMillis(context.engineRequestTimeoutMs()));
        final String run =
                HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        out.printf(
                Locale.ROOT,
                "bench-catchup: %,d ticks (+%,d warm-up), batches of %,d, engine %s, buffer %s, %d CPUs, Java %s%n",
                ticks,
                warmupTicks,
                context.forwardBatchSize(),
                client.endpoint(),
                dir.toAbsolutePath(),
                Runtime.getRuntime().availableProcessors(),
                Runtime.version());
        try {
            final long startMsc = System.currentTimeMillis()
                    - SyntheticTicks.averageSpanMsc((long) ticks + warmupTicks) * 2
                    - 3_600_000L;
            final TickStore store = TickStore.open(dir);
            if (warmupTicks > 0) {
                fill(store, new SyntheticTicks(1, startMsc, ".w" + run, new NameTable(16)), warmupTicks, false);
                forward(context, store, client, warmupTicks, false);
            }
            final NameTable symbols = new NameTable(16);
            fill(store, new SyntheticTicks(2, startMsc, ".b" + run, symbols), ticks, true);
            forward(context, store, client, ticks, true);
            if (baseline) {
                baseline(context, client, startMsc, run);
            }
            return 0;
        } finally {
            if (!keep) {
                deleteBuffer(dir, scratchDir);
            }
        }
    }

    private void fill(final TickStore store, final SyntheticTicks source, final int count, final boolean report)
            throws Exception {
        final NameTable noSenders = new NameTable(1);
        final TickBuffer chunk = new TickBuffer(FILL_CHUNK);
        final long startNs = System.nanoTime();
        try (TickAppender appender = new TickAppender(store, Long.MAX_VALUE, 0)) {
            for (int done = 0; done < count; done += FILL_CHUNK) {
                source.fill(chunk, Math.min(FILL_CHUNK, count - done));
                appender.append(chunk, source.symbols(), noSenders, System.currentTimeMillis());
            }
        }
        final long elapsedNs = System.nanoTime() - startNs;
        if (report) {
            out.printf(
                    Locale.ROOT,
                    "buffered  %,d ticks in %.2f s: %,.0f ticks/s (SQLite, %,d-tick transactions, synchronous=FULL)%n",
                    count,
                    elapsedNs / 1e9,
                    count * 1e9 / elapsedNs,
                    FILL_CHUNK);
        }
    }

    private void forward(
            final EdgeContext context,
            final TickStore store,
            final EngineClient client,
            final int count,
            final boolean report)
            throws Exception {
        final ForwardStats stats = new ForwardStats();
        final long target = store.lastSeq();
        final long startNs = System.nanoTime();
        final ProgressBar progress = report ? ProgressBar.create(out, "catch-up", "ticks", count) : null;
        final Forwarder forwarder = new Forwarder(context, store, client, stats).start();
        try {
            while (store.forwardedSeq() < target) {
                if (stats.failures.get() > 0 && System.nanoTime() - startNs > 120 * NS_PER_SECOND) {
                    throw new IllegalStateException(
                            "the engine is not taking the ticks [lastError=" + stats.lastError() + "]");
                }
                if (progress != null) {
                    progress.update(stats.forwarded.get(), stats.forwarded.get());
                }
                LockSupport.parkNanos(5_000_000L);
            }
        } finally {
            forwarder.close();
        }
        final long elapsedNs = System.nanoTime() - startNs;
        if (progress != null) {
            progress.finish(stats.forwarded.get());
        }
        if (report) {
            out.printf(
                    Locale.ROOT,
                    "forwarded %,d ticks in %.2f s: %,.0f ticks/s (%,d requests, %,d duplicates, %,d failed attempts)%n",
                    stats.forwarded.get(),
                    elapsedNs / 1e9,
                    stats.forwarded.get() * 1e9 / elapsedNs,
                    stats.batches.get(),
                    stats.duplicates.get(),
                    stats.failures.get());
        }
    }

    /** The engine's own ingest: the same batch size, bodies built beforehand, one connection, one at a time. */
    private void baseline(final EdgeContext context, final EngineClient client, final long startMsc, final String run)
            throws Exception {
        final NameTable symbols = new NameTable(16);
        final SyntheticTicks source = new SyntheticTicks(3, startMsc, ".d" + run, symbols);
        final TickBuffer batch = new TickBuffer(context.forwardBatchSize());
        final CsvBody body = new CsvBody();
        final List<byte[]> bodies = new ArrayList<>();
        long seq = 0;
        for (int done = 0; done < ticks; done += context.forwardBatchSize()) {
            final int n = Math.min(context.forwardBatchSize(), ticks - done);
            source.fill(batch, n);
            final TickBuffer numbered = new TickBuffer(n);
            for (int i = 0; i < n; i++) {
                numbered.add(
                        batch.symbolId(i),
                        batch.timeMsc(i),
                        batch.bid(i),
                        batch.ask(i),
                        batch.last(i),
                        batch.volume(i),
                        batch.volumeReal(i),
                        batch.flags(i),
                        TickBuffer.NO_SOURCE,
                        ++seq);
            }
            body.encode(numbered, symbols::name, "bench-direct-" + run);
            bodies.add(Arrays.copyOf(body.bytes(), body.length()));
        }
        final long startNs = System.nanoTime();
        long accepted = 0;
        for (final byte[] request : bodies) {
            final EngineAnswer answer = client.post(request, request.length);
            if (answer.kind() != EngineAnswer.Kind.ACCEPTED) {
                throw new IllegalStateException("baseline batch not accepted: " + answer.describe());
            }
            accepted += answer.accepted();
        }
        final long elapsedNs = System.nanoTime() - startNs;
        out.printf(
                Locale.ROOT,
                "baseline  %,d ticks in %.2f s: %,.0f ticks/s (the engine alone: the same batches from memory)%n",
                accepted,
                elapsedNs / 1e9,
                accepted * 1e9 / elapsedNs);
    }

    /** Deletes the benchmark's buffer: the whole directory if it made it, else only the buffer's files. */
    private static void deleteBuffer(final Path dir, final boolean scratchDir) throws IOException {
        if (!scratchDir) {
            for (final String suffix : new String[] {"", "-wal", "-shm"}) {
                Files.deleteIfExists(dir.resolve(TickStore.FILE_NAME + suffix));
            }
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
