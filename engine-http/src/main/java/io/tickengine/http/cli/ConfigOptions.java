package io.tickengine.http.cli;

import io.tickengine.core.EngineContext;
import io.tickengine.http.server.HttpContext;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Options every command shares: where the data lives, which database, and a config file. Precedence, lowest
 * first: defaults, {@code --config} file, environment ({@code TICK_*}), command-line options.
 */
public final class ConfigOptions {
    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Properties file with engine keys (e.g. journal.sync=true) and http.* keys.")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Journal and embedded database (default ./data).")
    Path dataDir;

    @Option(
            names = "--db-url",
            paramLabel = "JDBC_URL",
            description = "jdbc:postgresql://host:port/db (credentials via TICK_DB_USER/TICK_DB_PASSWORD) or "
                    + "jdbc:sqlite:FILE. Default: SQLite in the data dir.")
    String dbUrl;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Any configuration key, e.g. --set candles.late.window.ms=30000 (repeatable).")
    List<String> settings = new ArrayList<>();

    /** Builds the engine configuration from file, environment and options. */
    public EngineContext engineContext() {
        final EngineContext context = new EngineContext();
        final Properties file = loadFile();
        for (final String key : file.stringPropertyNames()) {
            if (!key.startsWith("http.")) {
                context.set(key, file.getProperty(key));
            }
        }
        context.loadEnvironment(System.getenv());
        if (dataDir != null) {
            context.set("data.dir", dataDir.toString());
        }
        if (dbUrl != null) {
            context.set("db.url", dbUrl);
        }
        for (final Map.Entry<String, String> e : settings().entrySet()) {
            if (!e.getKey().startsWith("http.")) {
                context.set(e.getKey(), e.getValue());
            }
        }
        return context.conclude();
    }

    /** Builds the HTTP configuration from file, environment and {@code --set http.*}. */
    public HttpContext httpContext() {
        final HttpContext context = new HttpContext().load(loadFile()).loadEnvironment(System.getenv());
        for (final Map.Entry<String, String> e : settings().entrySet()) {
            if (e.getKey().startsWith("http.")) {
                context.set(e.getKey(), e.getValue());
            }
        }
        return context;
    }

    private Map<String, String> settings() {
        final Map<String, String> map = new java.util.LinkedHashMap<>();
        for (final String setting : settings) {
            final int eq = setting.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected KEY=VALUE [set=" + setting + "]");
            }
            map.put(setting.substring(0, eq).trim(), setting.substring(eq + 1));
        }
        return map;
    }

    private Properties loadFile() {
        final Properties properties = new Properties();
        if (config != null) {
            try (Reader reader = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (final IOException e) {
                throw new IllegalArgumentException("cannot read config file [file=" + config + ", cause=" + e + "]", e);
            }
        }
        return properties;
    }
}
