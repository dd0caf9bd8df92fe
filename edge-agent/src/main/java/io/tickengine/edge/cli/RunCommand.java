package io.tickengine.edge.cli;

import io.tickengine.core.security.ApiKeys;
import io.tickengine.edge.EdgeAgent;
import io.tickengine.edge.EdgeContext;
import io.tickengine.edge.forward.EngineKey;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code edge-agent run}: listen, store, forward, until SIGTERM/SIGINT (then a clean stop and exit 0). */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run the agent: accept ticks on /ingest/tick, bars on /ingest and symbol entries on /symbols (default "
                    + "127.0.0.1:18000), commit each request to SQLite before answering 202, and forward the buffer to "
                    + "the engine.",
            "Listener keys: TICK_API_KEYS or TICK_API_KEY_FILE, like the engine; with none, a key is generated, printed "
                    + "once, and only its SHA-256 digest is kept (DATA_DIR/api-keys).",
            "Engine key: EDGE_ENGINE_API_KEY or engine.api.key.file."
        })
public final class RunCommand implements Callable<Integer> {
    /** File in the data dir holding the generated listener key's digest. */
    public static final String KEY_FILE = "api-keys";

    @Mixin
    EdgeOptions options;

    @Option(names = "--port", paramLabel = "PORT", description = "Listen port (default 18000; 0 = any free port).")
    Integer port;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Listen address (default 127.0.0.1).")
    String bind;

    private final PrintStream out;

    public RunCommand() {
        this(System.out);
    }

    /** @param out where the command prints (tests capture it). */
    public RunCommand(final PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        final EdgeContext context = options.context();
        if (port != null) {
            context.set("agent.port", port.toString());
        }
        if (bind != null) {
            context.set("agent.bind", bind);
        }
        context.conclude();
        context.requireEngineUrl();
        final String engineKey = EngineKey.resolve(context);
        final ApiKeys keys = listenerKeys(context, out);
        final EdgeAgent agent = EdgeAgent.start(context, keys, engineKey);
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            out.println("edge-agent: stopping");
                            agent.close();
                            out.println("edge-agent: stopped");
                            out.flush();
                            stopped.countDown();
                            // A JVM ended by SIGTERM exits 143 once its hooks return: a clean stop is a success.
                            Runtime.getRuntime().halt(0);
                        },
                        "edge-agent-shutdown"));
        out.println("edge-agent listening on http://" + context.bind() + ":" + agent.port() + " [agentId="
                + agent.agentId() + ", dataDir=" + context.dataDir().toAbsolutePath() + ", engine="
                + context.engineUrl() + "]");
        out.println("edge-agent: port=" + agent.port());
        out.flush();
        stopped.await();
        return 0;
    }

    /** The listener's keys: configured ones, else the data dir's key file, else (first start) a new key. */
    static ApiKeys listenerKeys(final EdgeContext context, final PrintStream out) throws IOException {
        ApiKeys keys = ApiKeys.none();
        if (context.apiKeys() != null) {
            keys = keys.and(ApiKeys.parse(context.apiKeys()));
        }
        if (context.apiKeyFile() != null) {
            keys = keys.and(ApiKeys.load(context.apiKeyFile()));
        }
        if (!keys.isEmpty()) {
            return keys;
        }
        final Path keyFile = context.dataDir().resolve(KEY_FILE);
        return ApiKeys.loadOrGenerate(keyFile, key -> {
            out.println("edge-agent: generated API key for the EA (shown once, only its digest is stored in " + keyFile
                    + "):");
            out.println("edge-agent: api-key=" + key);
        });
    }
}
