package io.tickengine.edge.forward;

import io.tickengine.edge.EdgeContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds the key the agent presents to the engine: {@code EDGE_ENGINE_API_KEY}, else {@code engine.api.key.file}. */
public final class EngineKey {
    private static final Logger LOG = LoggerFactory.getLogger(EngineKey.class);

    private EngineKey() {}

    /**
     * @return the engine key.
     * @throws IllegalArgumentException if none is configured or the file holds none.
     */
    public static String resolve(final EdgeContext context) throws IOException {
        if (context.engineApiKey() != null) {
            return context.engineApiKey();
        }
        final Path file = context.engineApiKeyFile();
        if (file == null) {
            throw new IllegalArgumentException("no engine key: set " + EdgeContext.ENGINE_API_KEY_ENV
                    + " or engine.api.key.file (a file only the agent's account can read)");
        }
        warnIfOthersCanRead(file);
        for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            final String key = line.strip();
            if (!key.isEmpty() && !key.startsWith("#")) {
                return key;
            }
        }
        throw new IllegalArgumentException("no key in engine.api.key.file [file=" + file + "]");
    }

    private static void warnIfOthersCanRead(final Path file) throws IOException {
        final PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (posix == null) {
            // Windows: access is the file's ACL, set by edge-agent.ps1 install (see docs/edge-agent.md).
            return;
        }
        final Set<PosixFilePermission> permissions = posix.readAttributes().permissions();
        if (permissions.contains(PosixFilePermission.GROUP_READ)
                || permissions.contains(PosixFilePermission.OTHERS_READ)) {
            LOG.warn("engine key file is readable by others; chmod 600 it [file={}]", file);
        }
    }
}
