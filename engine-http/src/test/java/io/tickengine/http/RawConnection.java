package io.tickengine.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One loopback socket kept open across requests, for tests of what happens between and inside requests: a request
 * sent in halves, requests written back to back, a keep-alive connection left idle. Reads answers framed by
 * {@code Content-Length}.
 */
final class RawConnection implements AutoCloseable {
    /** How long any read may block before the test fails instead of hanging. */
    static final int READ_TIMEOUT_MS = 10_000;

    private final Socket socket;
    private final InputStream in;

    RawConnection(final int port) throws IOException {
        this(port, 0);
    }

    /**
     * @param receiveBufferBytes the socket's receive buffer, fixed before connecting (so the kernel does not grow
     *     it), or 0 for the default: a small one makes a client that does not read push back on the server soon.
     */
    RawConnection(final int port, final int receiveBufferBytes) throws IOException {
        socket = new Socket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        in = new BufferedInputStream(socket.getInputStream());
    }

    /** @return a keep-alive request (no {@code Connection: close}), with Content-Length when there is a body. */
    static String request(
            final String method, final String path, final Map<String, String> headers, final String body) {
        final StringBuilder head =
                new StringBuilder().append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ")
                    .append(body.getBytes(StandardCharsets.UTF_8).length)
                    .append("\r\n");
        }
        return head.append("\r\n").append(body == null ? "" : body).toString();
    }

    void write(final String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    /** Reads one response; fails if the server closes first or nothing comes within {@link #READ_TIMEOUT_MS}. */
    RawHttp.Response readResponse() throws IOException {
        final String statusLine = line();
        if (statusLine == null) {
            throw new IOException("connection closed without a response");
        }
        final String[] parts = statusLine.split(" ");
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP status line [line=" + statusLine + "]");
        }
        final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        String line;
        while ((line = line()) != null && !line.isEmpty()) {
            final int colon = line.indexOf(':');
            headers.put(
                    line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).trim());
        }
        final int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        final byte[] body = in.readNBytes(length);
        return new RawHttp.Response(Integer.parseInt(parts[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    /**
     * Waits for the server to close the connection.
     *
     * @return true if it closed (end of stream or reset) within {@link #READ_TIMEOUT_MS}, false if it stayed open.
     * @throws IOException if the server sent more bytes instead.
     */
    boolean awaitClosedByServer() throws IOException {
        try {
            final int b = in.read();
            if (b != -1) {
                throw new IOException("expected the connection to close, got more bytes [first=" + b + "]");
            }
            return true;
        } catch (final SocketTimeoutException e) {
            return false;
        } catch (final IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("reset")) {
                return true;
            }
            throw e;
        }
    }

    /** @return every byte the server sends until it closes the connection (or the read times out). */
    byte[] readUntilClosed() throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final byte[] chunk = new byte[4096];
        try {
            int n;
            while ((n = in.read(chunk)) != -1) {
                bytes.write(chunk, 0, n);
            }
        } catch (final SocketTimeoutException e) {
            throw new IOException("the server kept the connection open [received=" + bytes.size() + " bytes]", e);
        } catch (final IOException e) {
            // A reset also ends what the server sent.
        }
        return bytes.toByteArray();
    }

    private String line() throws IOException {
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                final byte[] bytes = line.toByteArray();
                final int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
