package io.tickengine.edge.cli;

import io.tickengine.edge.AgentStatus;
import io.tickengine.edge.EdgeContext;
import io.tickengine.edge.store.DiskSpace;
import io.tickengine.edge.store.StoreStatus;
import io.tickengine.edge.store.TickStore;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code edge-agent status}: backlog size and age, last success, last error, forwarding rate. Asks the running
 * agent's {@code /health}; if it does not answer, reads the buffer file (which works while the agent is stopped).
 */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Show the backlog (size, age), the last success and error, the forwarding rate and the quarantine.",
            "Asks the running agent (GET /health); when it does not answer, reads the buffer in the data dir.",
            "Exit code: 0 ok, 1 forwarding is failing or the buffer is full, 2 no buffer or bad options."
        })
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    EdgeOptions options;

    @Option(names = "--port", paramLabel = "PORT", description = "The running agent's port (default 18000).")
    Integer port;

    @Option(names = "--json", description = "Print the status as JSON, as GET /health answers it.")
    boolean json;

    private final PrintStream out;

    public StatusCommand() {
        this(System.out);
    }

    /** @param out where the command prints (tests capture it). */
    public StatusCommand(final PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        final EdgeContext context = options.context();
        if (port != null) {
            context.set("agent.port", port.toString());
        }
        context.conclude();
        AgentStatus status = askRunningAgent(context);
        if (status == null) {
            status = readBuffer(context);
        }
        if (json) {
            out.println(status.toJson());
        } else {
            print(status, context);
        }
        return status.state().equals("ok") ? 0 : 1;
    }

    private static AgentStatus askRunningAgent(final EdgeContext context) {
        final String host = context.bind().equals("0.0.0.0") ? "127.0.0.1" : context.bind();
        try {
            final HttpResponse<String> response = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://" + host + ":" + context.port() + "/health"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return AgentStatus.fromJson(response.body());
        } catch (final IOException e) {
            return null;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The state as the buffer file records it; the live counters (rate, totals) are unknown without the agent. */
    static AgentStatus readBuffer(final EdgeContext context) throws Exception {
        final TickStore store = TickStore.openExisting(context.dataDir());
        try (StoreStatus reader = new StoreStatus(store)) {
            final long forwardedSeq = reader.committedForwardedSeq();
            final StoreStatus.Snapshot snapshot = reader.snapshot(forwardedSeq);
            final long backlog = reader.countAbove(forwardedSeq);
            final DiskSpace disk = DiskSpace.of(store.file(), context.bufferMinFreeBytes());
            final long diskFreeBytes = disk.freeBytes();
            return new AgentStatus(
                    store.agentId(),
                    String.valueOf(context.engineUrl()),
                    false,
                    backlog < context.bufferMaxTicks() && !disk.isLow(),
                    backlog,
                    snapshot.oldestUnforwardedMsc() > 0
                            ? Math.max(0, System.currentTimeMillis() - snapshot.oldestUnforwardedMsc())
                            : 0,
                    snapshot.barBacklog(),
                    snapshot.symbolBacklog(),
                    null,
                    store.lastSeq(),
                    forwardedSeq,
                    0,
                    0,
                    snapshot.quarantined(),
                    snapshot.lastQuarantineReason(),
                    0,
                    snapshot.lastSuccessMsc(),
                    snapshot.lastError(),
                    snapshot.lastErrorMsc(),
                    context.bufferMaxTicks(),
                    diskFreeBytes,
                    context.bufferMinFreeBytes());
        }
    }

    private void print(final AgentStatus s, final EdgeContext context) throws IOException {
        final long nowMsc = System.currentTimeMillis();
        out.println("edge agent " + s.agentId() + ": "
                + (s.running() ? "running on port " + context.port() : "not running (read from the buffer)"));
        row("state", s.state());
        row("engine", s.engineUrl());
        row(
                "backlog",
                String.format(Locale.ROOT, "%,d ticks", s.backlog())
                        + (s.backlog() > 0 ? ", oldest waiting " + duration(s.backlogAgeMs()) : ""));
        row(
                "bars, symbols",
                String.format(Locale.ROOT, "%,d bars, %,d symbol entries waiting", s.barBacklog(), s.symbolBacklog())
                        + (s.barForwardError() == null ? "" : ", cannot forward: " + s.barForwardError()));
        row("forwarded", String.format(Locale.ROOT, "through seq %,d of %,d", s.forwardedSeq(), s.lastSeq()));
        row("last success", when(s.lastSuccessMsc(), nowMsc));
        row("last error", s.lastError() == null ? "none" : s.lastError() + " (" + when(s.lastErrorMsc(), nowMsc) + ")");
        if (s.running()) {
            row(
                    "rate",
                    String.format(
                            Locale.ROOT,
                            "%,d ticks/s over the last 10 s; %,d forwarded since start (%,d were duplicates)",
                            Math.round(s.forwardRatePerSecond()),
                            s.forwardedTotal(),
                            s.duplicatesTotal()));
        }
        row(
                "quarantined",
                String.format(Locale.ROOT, "%,d ticks", s.quarantined())
                        + (s.lastQuarantineReason() == null ? "" : ", last: " + s.lastQuarantineReason()));
        final Path file = context.dataDir().resolve(TickStore.FILE_NAME);
        row(
                "buffer",
                file.toAbsolutePath()
                        + (Files.exists(file)
                                ? String.format(Locale.ROOT, " (%,d MB)", Files.size(file) / (1024 * 1024))
                                : ""));
        if (s.diskFreeBytes() >= 0) {
            row(
                    "disk free",
                    String.format(
                                    Locale.ROOT,
                                    "%,d MB (at least %,d MB wanted: buffer.min.free.mb)",
                                    s.diskFreeBytes() / (1024 * 1024),
                                    s.diskMinFreeBytes() / (1024 * 1024))
                            + (s.isDiskFull() ? ": new ticks are refused" : ""));
        }
    }

    private void row(final String name, final String value) {
        out.printf(Locale.ROOT, "  %-13s %s%n", name, value);
    }

    private static String when(final long msc, final long nowMsc) {
        return msc <= 0 ? "never" : Instant.ofEpochMilli(msc) + " (" + duration(nowMsc - msc) + " ago)";
    }

    private static String duration(final long ms) {
        final long seconds = Math.max(0, ms) / 1000;
        return seconds >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
