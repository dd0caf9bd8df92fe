package io.tickengine.core.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster started from the server binaries installed on this machine.
 *
 * <p>{@link #start()} runs {@code initdb} into a fresh temporary directory and starts the server on a free port of
 * {@code 127.0.0.1} with durability shortcuts that are safe for tests ({@code fsync=off}, {@code full_page_writes=off}).
 * Authentication is {@code trust}; the superuser is {@code postgres} without a password. {@link #close()} stops the
 * server and deletes every file it wrote; a JVM shutdown hook does the same if {@code close()} is never called.
 *
 * <p>PostgreSQL refuses to run as root. When the JVM runs as root, the cluster is owned by the {@code postgres} OS
 * user and every {@code initdb}/{@code pg_ctl} call runs as that user through {@code runuser} (or {@code su}).
 *
 * <p>When the TimescaleDB library is installed beside the server ({@code <pkglibdir>/timescaledb.so}, e.g. by
 * {@code ../shared/tools/install-timescaledb.sh}), the server preloads it with telemetry off
 * ({@code timescaledb.telemetry_level=off}: nothing a test starts phones home). A database is plain PostgreSQL until
 * {@code CREATE EXTENSION timescaledb} runs in it; {@link #timescaledb()} says whether it can.
 *
 * <p>{@link #stopImmediate()} and {@link #startAgain()} simulate a crash and recovery of the database. Commits
 * acknowledged before the crash survive it: the server keeps {@code synchronous_commit=on}, because with
 * {@code fsync=off} a synchronous commit costs only a {@code write()} and turning it off would lose every commit made
 * shortly before an immediate stop.
 */
public final class LocalPostgres implements AutoCloseable {

    private static final String SUPERUSER = "postgres";
    private static final String OS_USER = "postgres";
    private static final Path DEBIAN_INSTALL_ROOT = Path.of("/usr/lib/postgresql");
    private static final long INITDB_TIMEOUT_SECONDS = 180;
    private static final int PG_CTL_WAIT_SECONDS = 60;
    private static final int START_ATTEMPTS = 3;
    private static final int LOG_TAIL_LINES = 40;

    /** Orders version directory names numerically, so that {@code 15} sorts after {@code 9.6}. */
    private static final Comparator<String> VERSION_ORDER = (left, right) -> {
        String[] a = left.split("\\D+");
        String[] b = right.split("\\D+");
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            int cmp = Long.compare(numberAt(a, i), numberAt(b, i));
            if (cmp != 0) {
                return cmp;
            }
        }
        return left.compareTo(right);
    };

    private final Path binDir;
    private final Path baseDir;
    private final Path dataDir;
    private final Path socketDir;
    private final Path logFile;
    private final boolean timescaledb;
    private final boolean runAsPostgresUser;
    private final Thread shutdownHook;
    private int port;
    private boolean closed;

    private LocalPostgres(Path binDir, Path baseDir, boolean runAsPostgresUser) {
        this.binDir = binDir;
        this.baseDir = baseDir;
        this.dataDir = baseDir.resolve("data");
        this.socketDir = baseDir.resolve("socket");
        this.logFile = baseDir.resolve("server.log");
        this.timescaledb = timescaledbInstalled(binDir);
        this.runAsPostgresUser = runAsPostgresUser;
        this.shutdownHook = new Thread(this::destroyOnJvmExit, "local-postgres-shutdown");
    }

    /**
     * Creates a new cluster in a temporary directory and starts it.
     *
     * @return the running cluster; the caller must {@link #close()} it
     * @throws IllegalStateException if no server binaries are installed, or {@code initdb} or the server fail; the
     *     message names the command, its exit code and the tail of its output or of the server log
     */
    public static LocalPostgres start() {
        Path binDir = findBinDir();
        boolean root = isRoot();
        Path baseDir = createBaseDir(root);
        LocalPostgres postgres = new LocalPostgres(binDir, baseDir, root);
        Runtime.getRuntime().addShutdownHook(postgres.shutdownHook);
        try {
            postgres.initdb();
            postgres.startOnFreePort();
            return postgres;
        } catch (RuntimeException e) {
            try {
                postgres.close();
            } catch (RuntimeException cleanupFailure) {
                e.addSuppressed(cleanupFailure);
            }
            throw e;
        }
    }

    /**
     * Whether the server preloads TimescaleDB (with telemetry off), so that {@code CREATE EXTENSION timescaledb}
     * works in its databases.
     */
    public boolean timescaledb() {
        return timescaledb;
    }

    /** Whether the TimescaleDB library is installed beside the server binaries of this machine. */
    public static boolean timescaledbInstalled() {
        return timescaledbInstalled(findBinDir());
    }

    private static boolean timescaledbInstalled(Path binDir) {
        // Debian: /usr/lib/postgresql/<major>/{bin,lib}; the versioned library is loaded through timescaledb.so.
        return Files.isRegularFile(binDir.resolveSibling("lib").resolve("timescaledb.so"));
    }

    /** The TCP port the server listens on (on {@code 127.0.0.1}); it stays the same across {@link #startAgain()}. */
    public int port() {
        return port;
    }

    /** A JDBC URL for the {@code postgres} maintenance database as the {@code postgres} superuser. */
    public String adminJdbcUrl() {
        return jdbcUrl("postgres");
    }

    /** A JDBC URL for {@code database} as the {@code postgres} superuser; no password is needed. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + SUPERUSER;
    }

    /** Creates an empty database named {@code name}, owned by the {@code postgres} superuser. */
    public void createDatabase(String name) {
        try (Connection connection = DriverManager.getConnection(adminJdbcUrl());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + quoteIdentifier(name));
        } catch (SQLException e) {
            throw new IllegalStateException("CREATE DATABASE failed [database=" + name + ", port=" + port + "]", e);
        }
    }

    /**
     * Stops the server the way a crash would ({@code pg_ctl stop -m immediate}): clients are cut off, nothing is
     * checkpointed, and the next start runs crash recovery. Committed data survives.
     */
    public synchronized void stopImmediate() {
        requireOpen();
        stop("immediate");
    }

    /** Starts the server again on the same data directory and port and returns once it accepts connections. */
    public synchronized void startAgain() {
        requireOpen();
        ExecResult result = pgCtlStart();
        if (result.exitCode() != 0) {
            throw new IllegalStateException(failure("pg_ctl start failed", result));
        }
    }

    /**
     * Freezes every process of the server with {@code SIGSTOP}: connections stay open and nothing answers, as with a
     * hung host or a stalled disk. The postmaster first, so that it forks no backend that escapes. Undo it with
     * {@link #resume()}, in a {@code finally} block.
     */
    public synchronized void suspend() {
        requireOpen();
        final ProcessHandle postmaster = postmaster();
        signal("STOP", List.of(postmaster));
        signal("STOP", postmaster.descendants().toList());
    }

    /** Lets a {@link #suspend() suspended} server run again ({@code SIGCONT}); harmless if it runs. */
    public synchronized void resume() {
        requireOpen();
        final ProcessHandle postmaster = postmaster();
        signal("CONT", postmaster.descendants().toList());
        signal("CONT", List.of(postmaster));
    }

    private ProcessHandle postmaster() {
        try {
            final long pid =
                    Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.US_ASCII)
                            .get(0)
                            .trim());
            return ProcessHandle.of(pid)
                    .orElseThrow(() -> new IllegalStateException("the server is not running [pid=" + pid + "]"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the server's pid [dataDir=" + dataDir + "]", e);
        }
    }

    private void signal(String signal, List<ProcessHandle> processes) {
        if (processes.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        processes.forEach(p -> command.add(Long.toString(p.pid())));
        ExecResult result = exec(command, 30);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(failure("kill -" + signal + " failed", result));
        }
    }

    /** Whether the server is running right now, as reported by {@code pg_ctl status}. */
    public synchronized boolean isRunning() {
        if (closed) {
            return false;
        }
        return serverRunning();
    }

    /** Stops the server ({@code pg_ctl stop -m fast}) if it runs and deletes the cluster's files. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException jvmShuttingDown) {
            // The hook runs (or ran) anyway; it finds this instance closed and does nothing.
        }
        try {
            stopIfRunning("fast");
        } finally {
            Dirs.deleteRecursively(baseDir);
        }
    }

    @Override
    public String toString() {
        return "LocalPostgres[port=" + port + ", dir=" + baseDir + ", bin=" + binDir + ", timescaledb=" + timescaledb
                + "]";
    }

    private synchronized void destroyOnJvmExit() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stopIfRunning("immediate");
        } finally {
            Dirs.deleteRecursively(baseDir);
        }
    }

    private boolean serverRunning() {
        if (!Files.isDirectory(dataDir)) {
            return false;
        }
        ExecResult status = exec(command(List.of("status", "-D", dataDir.toString())), 30);
        return status.exitCode() == 0;
    }

    private void stopIfRunning(String mode) {
        if (serverRunning()) {
            stop(mode);
        }
    }

    private void stop(String mode) {
        String wait = Integer.toString(PG_CTL_WAIT_SECONDS);
        runPgCtl(List.of("stop", "-D", dataDir.toString(), "-m", mode, "-w", "-t", wait));
    }

    private void initdb() {
        List<String> args = List.of(
                binDir.resolve("initdb").toString(),
                "-D",
                dataDir.toString(),
                "-A",
                "trust",
                "-U",
                SUPERUSER,
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync");
        ExecResult result = exec(asServerUser(args), INITDB_TIMEOUT_SECONDS);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(failure("initdb failed", result));
        }
    }

    private void startOnFreePort() {
        ExecResult result = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            port = LoopbackPorts.free();
            result = pgCtlStart();
            if (result.exitCode() == 0) {
                return;
            }
            if (!readLogTail().contains("already in use")) {
                break;
            }
        }
        throw new IllegalStateException(failure("pg_ctl start failed", result));
    }

    private ExecResult pgCtlStart() {
        String serverOptions = "-p " + port
                + " -k " + shellQuote(socketDir.toString())
                + " -c listen_addresses=127.0.0.1"
                + " -c fsync=off"
                + " -c full_page_writes=off"
                + (timescaledb ? " -c shared_preload_libraries=timescaledb -c timescaledb.telemetry_level=off" : "");
        List<String> args = List.of(
                "start",
                "-D",
                dataDir.toString(),
                "-w",
                "-t",
                Integer.toString(PG_CTL_WAIT_SECONDS),
                "-l",
                logFile.toString(),
                "-o",
                serverOptions);
        return exec(command(args), PG_CTL_WAIT_SECONDS + 30);
    }

    private void runPgCtl(List<String> args) {
        ExecResult result = exec(command(args), PG_CTL_WAIT_SECONDS + 30);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(failure("pg_ctl " + args.get(0) + " failed", result));
        }
    }

    private List<String> command(List<String> pgCtlArgs) {
        List<String> args = new ArrayList<>();
        args.add(binDir.resolve("pg_ctl").toString());
        args.addAll(pgCtlArgs);
        return asServerUser(args);
    }

    private List<String> asServerUser(List<String> args) {
        if (!runAsPostgresUser) {
            return args;
        }
        List<String> wrapped = new ArrayList<>();
        if (findOnPath("runuser").isPresent()) {
            wrapped.addAll(List.of("runuser", "-u", OS_USER, "--"));
            wrapped.addAll(args);
        } else {
            List<String> quoted = args.stream().map(LocalPostgres::shellQuote).toList();
            wrapped.addAll(List.of("su", "-s", "/bin/sh", OS_USER, "-c", String.join(" ", quoted)));
        }
        return wrapped;
    }

    private ExecResult exec(List<String> command, long timeoutSeconds) {
        // Run inside the cluster directory: the postgres user may not be allowed into the JVM's working directory
        // (typically /root/...), and initdb then warns that it cannot change into it.
        return Exec.run(command, baseDir, timeoutSeconds);
    }

    private String failure(String what, ExecResult result) {
        return what + " [command=" + String.join(" ", result.command())
                + ", exitCode=" + result.exitCode()
                + ", dir=" + baseDir + "]"
                + "\n--- command output (tail) ---\n" + tail(result.output())
                + "\n--- server log " + logFile + " (tail) ---\n" + readLogTail();
    }

    private String readLogTail() {
        try {
            return Files.exists(logFile) ? tail(Files.readString(logFile, StandardCharsets.UTF_8)) : "(no log written)";
        } catch (IOException e) {
            return "(could not read log: " + e + ")";
        }
    }

    private synchronized void requireOpen() {
        if (closed) {
            throw new IllegalStateException("cluster is closed [dir=" + baseDir + "]");
        }
    }

    private static Path findBinDir() {
        Optional<Path> onPath = findOnPath("initdb")
                .map(LocalPostgres::realPath)
                .map(Path::getParent)
                .filter(dir -> Files.isExecutable(dir.resolve("pg_ctl")));
        if (onPath.isPresent()) {
            return onPath.get();
        }
        if (Files.isDirectory(DEBIAN_INSTALL_ROOT)) {
            try (Stream<Path> versions = Files.list(DEBIAN_INSTALL_ROOT)) {
                Optional<Path> newest = versions.map(version -> version.resolve("bin"))
                        .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
                        .filter(bin -> Files.isExecutable(bin.resolve("pg_ctl")))
                        .max(Comparator.comparing(
                                bin -> bin.getParent().getFileName().toString(), VERSION_ORDER));
                if (newest.isPresent()) {
                    return newest.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + DEBIAN_INSTALL_ROOT, e);
            }
        }
        throw new IllegalStateException("No PostgreSQL server binaries found (looked for initdb/pg_ctl on PATH and"
                + " under /usr/lib/postgresql/*/bin). Install them (Debian: apt-get install postgresql) or set"
                + " TICK_PG_URL=jdbc:postgresql://host:port/db?user=...&password=...");
    }

    private static long numberAt(String[] parts, int index) {
        return index < parts.length && !parts[index].isEmpty() ? Long.parseLong(parts[index]) : -1;
    }

    private static Optional<Path> findOnPath(String executable) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, executable))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static Path realPath(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + file, e);
        }
    }

    private static boolean isRoot() {
        try {
            ExecResult id = Exec.run(List.of("id", "-u"), null, 10);
            if (id.exitCode() == 0) {
                return id.output().trim().equals("0");
            }
        } catch (IllegalStateException idUnavailable) {
            // fall through to the JVM's idea of the user
        }
        return "root".equals(System.getProperty("user.name"));
    }

    private static Path createBaseDir(boolean root) {
        Path baseDir;
        try {
            // As root, /tmp rather than java.io.tmpdir: the postgres user must be able to reach the directory.
            baseDir = root
                    ? Files.createTempDirectory(Path.of("/tmp"), "tick-pg-")
                    : Files.createTempDirectory("tick-pg-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the cluster", e);
        }
        try {
            Path socketDir = Files.createDirectory(baseDir.resolve("socket"));
            if (root) {
                UserPrincipal owner = postgresUser(baseDir);
                for (Path dir : List.of(baseDir, socketDir)) {
                    Files.setOwner(dir, owner);
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                }
            }
            return baseDir;
        } catch (IOException e) {
            Dirs.deleteRecursively(baseDir);
            throw new UncheckedIOException("cannot prepare the cluster directory [dir=" + baseDir + "]", e);
        } catch (RuntimeException e) {
            Dirs.deleteRecursively(baseDir);
            throw e;
        }
    }

    private static UserPrincipal postgresUser(Path anyPath) {
        try {
            return anyPath.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(OS_USER);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Running as root, but the OS user that must own the cluster does not exist [user=" + OS_USER
                            + ", error=" + e.getMessage() + "]. Create it (Debian: apt-get install postgresql"
                            + " creates it) or run the tests as a non-root user.",
                    e);
        }
    }

    static String quoteIdentifier(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static String shellQuote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    private static String tail(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }

    /** The outcome of one external command. */
    private record ExecResult(List<String> command, int exitCode, String output) {}

    /** Runs external commands with a bounded wait, collecting stdout and stderr together. */
    private static final class Exec {

        private static final long OUTPUT_DRAIN_MILLIS = 5_000;

        static ExecResult run(List<String> command, Path workingDir, long timeoutSeconds) {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            if (workingDir != null) {
                builder.directory(workingDir.toFile());
            }
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot run command [command=" + String.join(" ", command) + "]", e);
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> copy(process.getInputStream(), output), "local-postgres-output");
            reader.setDaemon(true);
            reader.start();
            try {
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    throw new IllegalStateException("command timed out [command=" + String.join(" ", command)
                            + ", timeoutSeconds=" + timeoutSeconds + "]\n" + tail(text(output)));
                }
                // A child that outlives the command (the server) must not hold the output pipe open forever.
                reader.join(OUTPUT_DRAIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new IllegalStateException("interrupted [command=" + String.join(" ", command) + "]", e);
            }
            return new ExecResult(command, process.exitValue(), text(output));
        }

        private static void copy(InputStream in, ByteArrayOutputStream out) {
            byte[] buffer = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buffer)) != -1; ) {
                    out.write(buffer, 0, n); // ByteArrayOutputStream is synchronized
                }
            } catch (IOException ignored) {
                // The process ended or was killed; whatever was read is kept.
            }
        }

        private static String text(ByteArrayOutputStream output) {
            return output.toString(StandardCharsets.UTF_8);
        }
    }
}
