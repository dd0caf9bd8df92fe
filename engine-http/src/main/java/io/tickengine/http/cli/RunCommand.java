package io.tickengine.http.cli;

import io.tickengine.core.EngineContext;
import io.tickengine.core.datadir.DataDirLock;
import io.tickengine.core.security.ApiKeys;
import io.tickengine.http.EngineServer;
import io.tickengine.http.server.HttpContext;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tick-engine run}: the engine and its HTTP front until SIGTERM/SIGINT, then a graceful stop and exit 0. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run the engine: HTTP ingest, journal, candles, store.",
            "Embedded default: journal and SQLite under ./data, port 18001. With no API key configured",
            "(TICK_API_KEYS, --set http.api.key.file=FILE), a key is generated and written to DATA_DIR/api-key.first",
            "(readable by this user only; printed too when standard output is a terminal); only its SHA-256",
            "digest is kept (DATA_DIR/api-keys).",
            "One process owns a data dir: a second run, import or replay on it exits 2 naming the owner's pid."
        })
public final class RunCommand implements Callable<Integer> {
    /** File in the data dir holding the generated key's digest. */
    public static final String KEY_FILE = "api-keys";

    /**
     * File in the data dir holding the plain key generated at the first start, for the operator to read once: it is
     * printed only when standard output is a terminal, never into a service's log.
     */
    public static final String FIRST_KEY_FILE = "api-key.first";

    @Mixin
    ConfigOptions config;

    @Option(names = "--port", paramLabel = "PORT", description = "Listen port (default 18001; 0 = any free port).")
    Integer port;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Listen address (default 0.0.0.0).")
    String bind;

    private final PrintStream out;

    public RunCommand() {
        this(System.out);
    }

    RunCommand(final PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        final EngineContext engineContext = config.engineContext();
        final HttpContext httpContext = config.httpContext();
        if (port != null) {
            httpContext.set("http.port", port.toString());
        }
        if (bind != null) {
            httpContext.set("http.bind", bind);
        }
        httpContext.conclude();
        final DataDirLock lock = DataDirLock.acquire(engineContext.dataDir(), "run");
        final EngineServer server;
        try {
            server = EngineServer.start(engineContext, httpContext, keys(engineContext, httpContext, out));
        } catch (final Exception | Error e) {
            lock.close();
            throw e;
        }
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            out.println("tick-engine: stopping (draining ring, flushing candles)");
                            server.close();
                            lock.close();
                            out.println("tick-engine: stopped");
                            out.flush();
                            stopped.countDown();
                            // A JVM ended by SIGTERM exits 143 once its hooks return: a completed graceful stop is a
                            // success.
                            Runtime.getRuntime().halt(0);
                        },
                        "tick-engine-shutdown"));
        out.println("tick-engine listening on " + (httpContext.tlsCert() == null ? "http" : "https") + "://"
                + httpContext.bind() + ":" + server.port() + " [dataDir="
                + engineContext.dataDir().toAbsolutePath()
                + ", store=" + server.engine().store().describe() + "]");
        out.println("tick-engine: port=" + server.port());
        out.flush();
        stopped.await();
        return 0;
    }

    /**
     * The keys to accept: configured ones, else the key file kept in the data dir, else (first start) a new key,
     * printed once, whose digest is written to that file.
     */
    static ApiKeys keys(final EngineContext engine, final HttpContext http, final PrintStream out) throws IOException {
        ApiKeys keys = ApiKeys.none();
        if (http.apiKeys() != null) {
            keys = keys.and(ApiKeys.parse(http.apiKeys()));
        }
        if (http.apiKeyFile() != null) {
            keys = keys.and(ApiKeys.load(http.apiKeyFile()));
        }
        if (!keys.isEmpty()) {
            return keys;
        }
        final Path keyFile = engine.dataDir().resolve(KEY_FILE);
        final boolean terminal = System.console() != null;
        return ApiKeys.loadOrGenerate(keyFile, key -> {
            final Path plain = engine.dataDir().resolve(FIRST_KEY_FILE);
            writeOwnerOnly(plain, key + "\n");
            out.println("tick-engine: generated API key written to " + plain + " (readable by this user only; only its"
                    + " digest is kept, in " + keyFile + "): read it, then delete the file");
            if (terminal) {
                out.println("tick-engine: api-key=" + key);
            }
        });
    }

    /**
     * Writes a secret into a new file that only this user may read (POSIX mode 0600 from creation on), replacing an
     * older one.
     */
    static void writeOwnerOnly(final Path file, final String text) {
        try {
            Files.deleteIfExists(file);
            try {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (final UnsupportedOperationException notPosix) {
                // Windows: the data dir's own ACL protects it.
                Files.createFile(file);
            }
            Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write the generated key [file=" + file + "]", e);
        }
    }
}
