package io.tickengine.core.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports on loopback for servers a test starts, and for "nobody listens there" — all outside the kernel's ephemeral
 * range.
 *
 * <p>A port from {@code new ServerSocket(0)} lies in the ephemeral range, the range outgoing connections take their
 * source ports from. Until the server binds it (or forever, when the test wants a closed port), a client connecting
 * to it can be given that very port as its source and connect to itself — TCP simultaneous open on loopback. That is
 * the likely cause of a CI failure where a Kafka admin client got "the node does not support METADATA" (its own
 * request read back as the answer) for the whole minute a test waited. An outgoing connection can also take the port before the server
 * binds it. Below (or above) the range neither can happen.
 */
public final class LoopbackPorts {
    private static final int LOWEST = 20_000;
    private static final int HIGHEST = 65_535;
    private static final int ATTEMPTS = 1_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    /** The kernel's ephemeral range, first and last port, read once. */
    private static final int[] EPHEMERAL = ephemeralRange();

    private LoopbackPorts() {}

    /**
     * @return a port that nobody listened on a moment ago, outside the ephemeral range, and not returned before by this
     *     JVM.
     */
    public static int free() {
        final int[] ephemeral = EPHEMERAL;
        final int below = Math.max(0, ephemeral[0] - LOWEST);
        final int above = Math.max(0, HIGHEST - ephemeral[1]);
        if (below + above == 0) {
            throw new IllegalStateException("no port outside the ephemeral range [range=" + ephemeral[0] + "-"
                    + ephemeral[1] + ", from=" + LOWEST + "]");
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            final int pick = ThreadLocalRandom.current().nextInt(below + above);
            final int port = pick < below ? LOWEST + pick : ephemeral[1] + 1 + (pick - below);
            if (bindable(port) && HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port on loopback outside the ephemeral range [attempts=" + ATTEMPTS
                + ", range=" + ephemeral[0] + "-" + ephemeral[1] + "]");
    }

    private static boolean bindable(final int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort() == port;
        } catch (final IOException e) {
            return false;
        }
    }

    /** @return the first and last ephemeral port; Linux's default where the kernel does not say. */
    private static int[] ephemeralRange() {
        final Path file = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (!Files.isReadable(file)) {
            return new int[] {32_768, 60_999};
        }
        // A stream, not Files.readString: that trusts the size procfs reports (0) and returned one byte here.
        try (InputStream in = Files.newInputStream(file)) {
            final String[] parts = new String(in.readAllBytes(), StandardCharsets.US_ASCII)
                    .trim()
                    .split("\\s+");
            return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the ephemeral port range [file=" + file + "]", e);
        }
    }
}
