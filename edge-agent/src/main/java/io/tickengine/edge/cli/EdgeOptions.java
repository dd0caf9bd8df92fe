package io.tickengine.edge.cli;

import io.tickengine.edge.EdgeContext;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Options every command shares. Precedence, lowest first: defaults, {@code --config} file, environment
 * ({@code EDGE_*}, {@code TICK_API_KEYS}), command-line options.
 */
public final class EdgeOptions {
    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Properties file (see edge-agent.properties.example).")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the buffer lives (default ./edge-data).")
    Path dataDir;

    @Option(
            names = "--engine-url",
            paramLabel = "URL",
            description = "The engine, e.g. http://10.0.0.5:18001 (its /ingest/tick receives the ticks).")
    String engineUrl;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Any configuration key, e.g. --set forward.batch.size=5000 (repeatable).")
    List<String> settings = new ArrayList<>();

    /** @return the configuration from file, environment and options; not yet concluded. */
    public EdgeContext context() {
        final EdgeContext context = new EdgeContext();
        if (config != null) {
            final Properties file = new Properties();
            try (Reader reader = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
                file.load(reader);
            } catch (final IOException e) {
                throw new IllegalArgumentException("cannot read config file [file=" + config + ", cause=" + e + "]", e);
            }
            context.load(file);
        }
        context.loadEnvironment(System.getenv());
        if (dataDir != null) {
            context.set("agent.data.dir", dataDir.toString());
        }
        if (engineUrl != null) {
            context.set("engine.url", engineUrl);
        }
        for (final String setting : settings) {
            final int eq = setting.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected KEY=VALUE [set=" + setting + "]");
            }
            context.setFromCommandLine(setting.substring(0, eq).trim(), setting.substring(eq + 1));
        }
        return context;
    }
}
