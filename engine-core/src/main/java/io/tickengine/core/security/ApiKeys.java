package io.tickengine.core.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The API keys the engine accepts, held only as SHA-256 digests with their scopes.
 *
 * <p>Entries, comma-separated in {@code TICK_API_KEYS} or one per line in a key file ({@code #} starts a comment):
 * <ul>
 *   <li>{@code secret}: a plain key with every scope;
 *   <li>{@code secret=ingest+read}: a plain key with those scopes;
 *   <li>{@code sha256:<64 hex>=ingest+read}: the digest of a key, so a config file need not hold the key itself.
 * </ul>
 * A presented key is digested and compared with every entry in constant time ({@link MessageDigest#isEqual}),
 * without stopping at the first match, so timing reveals nothing about which digest came close. Thread-safe.
 */
public final class ApiKeys {
    /** One accepted key. */
    public record Entry(byte[] digest, Set<Scope> scopes, int index) {}

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(ApiKeys::sha256);
    private final List<Entry> entries;

    private ApiKeys(final List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** @return keys from a comma-separated list of entries. */
    public static ApiKeys parse(final String list) {
        return parseEntries(List.of(list.split(",")));
    }

    /** @return keys from a file of entries, one per line. */
    public static ApiKeys load(final Path file) throws IOException {
        return parseEntries(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /**
     * The keys of a key file, creating the file on first use: a new key is generated, handed once to
     * {@code onGenerated} (to be shown to the operator) and only its digest, with every scope, is written to the file
     * (readable by the owner only, where the file system has POSIX permissions).
     */
    public static ApiKeys loadOrGenerate(final Path keyFile, final Consumer<String> onGenerated) throws IOException {
        if (Files.exists(keyFile)) {
            return load(keyFile);
        }
        final String key = generateKey();
        final Path dir = keyFile.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Files.writeString(
                keyFile,
                "# Digest of the API key generated at first start. Add lines to accept more keys:\n"
                        + "# <key>=<scopes> or sha256:<hex>=<scopes>, scopes from ingest+read+signals+admin.\n"
                        + digestEntry(key, EnumSet.allOf(Scope.class)) + "\n",
                StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        } catch (final UnsupportedOperationException e) {
            // Not a POSIX file system (Windows): the file holds only a digest anyway.
        }
        onGenerated.accept(key);
        return load(keyFile);
    }

    /** @return no keys: every request that needs one is refused. */
    public static ApiKeys none() {
        return new ApiKeys(List.of());
    }

    /** Combines two key sets. */
    public ApiKeys and(final ApiKeys other) {
        final List<Entry> all = new ArrayList<>(entries);
        for (final Entry e : other.entries) {
            all.add(new Entry(e.digest(), e.scopes(), all.size()));
        }
        return new ApiKeys(all);
    }

    /** @return true if no key is configured. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** @return the number of keys. */
    public int size() {
        return entries.size();
    }

    /**
     * Looks a presented key up.
     *
     * @return the matching entry, or {@code null} if the key is unknown.
     */
    public Entry authenticate(final String presentedKey) {
        final byte[] digest = SHA256.get().digest(presentedKey.getBytes(StandardCharsets.UTF_8));
        Entry match = null;
        for (final Entry entry : entries) {
            if (MessageDigest.isEqual(entry.digest(), digest) && match == null) {
                match = entry;
            }
        }
        return match;
    }

    /** @return a new random key: 32 bytes from a {@link SecureRandom}, URL-safe Base64 without padding. */
    public static String generateKey() {
        final byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return "te_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** @return the key-file line that stores only the digest of {@code key}. */
    public static String digestEntry(final String key, final Set<Scope> scopes) {
        final StringBuilder line = new StringBuilder("sha256:")
                .append(HexFormat.of().formatHex(sha256().digest(key.getBytes(StandardCharsets.UTF_8))))
                .append('=');
        String separator = "";
        for (final Scope scope : scopes) {
            line.append(separator).append(scope.name().toLowerCase(java.util.Locale.ROOT));
            separator = "+";
        }
        return line.toString();
    }

    private static ApiKeys parseEntries(final List<String> lines) {
        final List<Entry> entries = new ArrayList<>();
        int lineNumber = 0;
        for (final String raw : lines) {
            lineNumber++;
            final String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            final int eq = line.lastIndexOf('=');
            final String key = eq < 0 ? line : line.substring(0, eq).strip();
            final Set<Scope> scopes = eq < 0 ? EnumSet.allOf(Scope.class) : Scope.parseList(line.substring(eq + 1));
            final byte[] digest;
            if (key.startsWith("sha256:")) {
                final String hex = key.substring("sha256:".length());
                if (hex.length() != 64) {
                    throw new IllegalArgumentException(
                            "bad key digest: expected 64 hex digits [entry=" + lineNumber + "]");
                }
                try {
                    digest = HexFormat.of().parseHex(hex);
                } catch (final IllegalArgumentException e) {
                    throw new IllegalArgumentException("bad key digest: not hex [entry=" + lineNumber + "]", e);
                }
            } else {
                if (key.length() < 16) {
                    throw new IllegalArgumentException(
                            "API key too short: use at least 16 characters [entry=" + lineNumber + "]");
                }
                digest = sha256().digest(key.getBytes(StandardCharsets.UTF_8));
            }
            entries.add(new Entry(digest, Set.copyOf(scopes), entries.size()));
        }
        return new ApiKeys(entries);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
