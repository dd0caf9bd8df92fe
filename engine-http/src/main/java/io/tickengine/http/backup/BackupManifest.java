package io.tickengine.http.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a backup directory holds and how to check it: {@code manifest.properties} (format, versions, store kind, the
 * schema scripts the store had, the journal range) and {@code SHA256SUMS} (every other file with its SHA-256, in the
 * format of {@code sha256sum}, so {@code cd DIR && sha256sum -c SHA256SUMS} checks it too).
 *
 * <pre>
 * DIR/
 *   manifest.properties     format, versions, store, journal range
 *   SHA256SUMS              one line per file: "&lt;sha256&gt;  &lt;path&gt;"
 *   journal/                the Chronicle journal, same indexes (journal.id, journal.purged)
 *   store/tick-engine.db    SQLite: a consistent copy (VACUUM INTO)
 *   store/&lt;table&gt;.copy      PostgreSQL: each engine table in COPY text format, one snapshot
 *   keys/api-keys           key digests (never plain keys)
 *   config/engine.properties the --config file, if one was given
 *   models/                 the models GET /predict serves, if any
 * </pre>
 */
public final class BackupManifest {
    /** The manifest's file name. */
    public static final String MANIFEST = "manifest.properties";
    /** The checksum list's file name. */
    public static final String SUMS = "SHA256SUMS";
    /** The layout this code writes; a backup with a higher one is refused. */
    public static final int FORMAT = 1;

    /** Store kinds. */
    public static final String STORE_SQLITE = "sqlite";

    public static final String STORE_POSTGRESQL = "postgresql";

    private final Map<String, String> values;

    private BackupManifest(final Map<String, String> values) {
        this.values = values;
    }

    /** @return an empty manifest of the current format, to fill. */
    public static BackupManifest create() {
        final BackupManifest manifest = new BackupManifest(new LinkedHashMap<>());
        manifest.put("format", Integer.toString(FORMAT));
        return manifest;
    }

    /** Sets one value. */
    public BackupManifest put(final String key, final String value) {
        values.put(key, value);
        return this;
    }

    /** @return a value, or {@code null}. */
    public String get(final String key) {
        return values.get(key);
    }

    /**
     * @return a value that must be there.
     * @throws BackupException if it is missing.
     */
    public String require(final String key) {
        final String value = values.get(key);
        if (value == null) {
            throw new BackupException("backup manifest lacks a key [key=" + key + "]");
        }
        return value;
    }

    /** @return a numeric value that must be there. */
    public long requireLong(final String key) {
        try {
            return Long.parseLong(require(key));
        } catch (final NumberFormatException e) {
            throw new BackupException("backup manifest has a bad number [key=" + key + "]", e);
        }
    }

    /** @return the values whose keys start with {@code prefix}, keyed by the rest. */
    public Map<String, String> withPrefix(final String prefix) {
        final Map<String, String> found = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                found.put(k.substring(prefix.length()), v);
            }
        });
        return found;
    }

    /** Writes the manifest, then the checksums of every file under {@code dir} (the manifest included). */
    public void writeTo(final Path dir) throws IOException {
        final StringBuilder text = new StringBuilder("# tick-engine backup manifest; checksums in " + SUMS + "\n");
        values.forEach((k, v) -> text.append(k).append('=').append(escape(v)).append('\n'));
        Files.writeString(dir.resolve(MANIFEST), text, StandardCharsets.UTF_8);
        final StringBuilder sums = new StringBuilder();
        for (final Path file : files(dir)) {
            sums.append(sha256(file)).append("  ").append(relative(dir, file)).append('\n');
        }
        Files.writeString(dir.resolve(SUMS), sums, StandardCharsets.UTF_8);
    }

    /**
     * Checks a backup directory: {@code SHA256SUMS} lists exactly the files there are, each with its digest, and the
     * manifest is of a format this code reads.
     *
     * @return the manifest.
     * @throws BackupException naming the first file that is missing, extra or different.
     */
    public static BackupManifest verify(final Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new BackupException("not a backup directory [dir=" + dir + "]");
        }
        final Path sumsFile = dir.resolve(SUMS);
        if (!Files.isRegularFile(sumsFile) || !Files.isRegularFile(dir.resolve(MANIFEST))) {
            throw new BackupException("incomplete backup: " + MANIFEST + " or " + SUMS + " missing [dir=" + dir + "]");
        }
        final Map<String, String> expected = new TreeMap<>();
        for (final String line : Files.readAllLines(sumsFile, StandardCharsets.UTF_8)) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() < 67 || !line.substring(0, 64).matches("[0-9a-f]{64}") || !line.startsWith("  ", 64)) {
                throw new BackupException("corrupt " + SUMS + " [line=" + line + "]");
            }
            expected.put(line.substring(66), line.substring(0, 64));
        }
        final List<String> present = new ArrayList<>();
        for (final Path file : files(dir)) {
            present.add(relative(dir, file));
        }
        for (final String name : present) {
            if (!expected.containsKey(name)) {
                throw new BackupException("file not in " + SUMS + " [file=" + name + "]");
            }
        }
        for (final Map.Entry<String, String> e : expected.entrySet()) {
            final Path file = dir.resolve(e.getKey()).normalize();
            if (!file.startsWith(dir.normalize()) || !Files.isRegularFile(file)) {
                throw new BackupException("file missing from the backup [file=" + e.getKey() + "]");
            }
            final String actual = sha256(file);
            if (!actual.equals(e.getValue())) {
                throw new BackupException("checksum mismatch [file=" + e.getKey() + ", expected=" + e.getValue()
                        + ", actual=" + actual + "]");
            }
        }
        final Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(dir.resolve(MANIFEST), StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        final Map<String, String> values = new LinkedHashMap<>();
        for (final String key : new TreeMap<>(properties)
                .keySet().stream().map(Object::toString).toList()) {
            values.put(key, properties.getProperty(key));
        }
        final BackupManifest manifest = new BackupManifest(values);
        final long format = manifest.requireLong("format");
        if (format > FORMAT) {
            throw new BackupException("backup made by a newer tick-engine [format=" + format + ", supported=" + FORMAT
                    + "]: restore it with that version");
        }
        return manifest;
    }

    /** @return the SHA-256 of a file, in lower-case hex. */
    public static String sha256(final Path file) throws IOException {
        final MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
        final byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static List<Path> files(final Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !p.equals(dir.resolve(SUMS)))
                    .sorted()
                    .toList();
        }
    }

    private static String relative(final Path dir, final Path file) {
        return dir.relativize(file).toString().replace('\\', '/');
    }

    private static String escape(final String value) {
        final Properties one = new Properties();
        one.setProperty("k", value);
        final StringWriter out = new StringWriter();
        try {
            one.store(out, null);
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
        for (final String line : out.toString().split("\n")) {
            if (line.startsWith("k=")) {
                return line.substring(2).replace("\r", "");
            }
        }
        return value;
    }
}
