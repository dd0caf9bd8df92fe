package io.tickengine.http.importer;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The lines of a text file with their numbers and the bytes consumed so far. Reads UTF-8 (with or without a byte
 * order mark) and UTF-16 with a byte order mark, which is what MetaTrader 5 writes by default.
 */
final class LineSource implements Closeable {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final Path file;
    private final long sizeBytes;
    private final CountingInputStream counter;
    private final BufferedReader reader;
    private long lineNumber;

    private LineSource(
            final Path file,
            final long sizeBytes,
            final CountingInputStream counter,
            final InputStream in,
            final Charset charset) {
        this.file = file;
        this.sizeBytes = sizeBytes;
        this.counter = counter;
        // Undecodable bytes become U+FFFD and fail in the field that holds them, which names the line.
        this.reader = new BufferedReader(new InputStreamReader(in, charset), BUFFER_BYTES);
    }

    static LineSource open(final Path file) throws IOException {
        final long size = Files.size(file);
        final CountingInputStream counter = new CountingInputStream(Files.newInputStream(file));
        final InputStream in = new BufferedInputStream(counter, BUFFER_BYTES);
        try {
            return new LineSource(file, size, counter, in, skipByteOrderMark(in));
        } catch (final IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** @return the next line that is not blank, without its line terminator, or {@code null} at the end. */
    String nextLine() throws IOException {
        String line;
        do {
            line = reader.readLine();
            lineNumber++;
        } while (line != null && line.isBlank());
        return line;
    }

    /** @return the number of the line last returned by {@link #nextLine()}, 1-based. */
    long lineNumber() {
        return lineNumber;
    }

    Path file() {
        return file;
    }

    long sizeBytes() {
        return sizeBytes;
    }

    /** @return bytes taken from the file; runs ahead of the lines returned by up to the buffer sizes. */
    long bytesRead() {
        return counter.count;
    }

    /** @return an error at the current line. */
    ImportException error(final String what, final String field, final String value, final String reason) {
        return new ImportException(what, file, lineNumber, field, value, reason);
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    private static Charset skipByteOrderMark(final InputStream in) throws IOException {
        in.mark(3);
        final int b0 = in.read();
        final int b1 = in.read();
        final int b2 = in.read();
        in.reset();
        if (b0 == 0xFF && b1 == 0xFE) {
            in.skipNBytes(2);
            return StandardCharsets.UTF_16LE;
        }
        if (b0 == 0xFE && b1 == 0xFF) {
            in.skipNBytes(2);
            return StandardCharsets.UTF_16BE;
        }
        if (b0 == 0xEF && b1 == 0xBB && b2 == 0xBF) {
            in.skipNBytes(3);
            return StandardCharsets.UTF_8;
        }
        // UTF-16LE without a mark: an ASCII header character followed by a zero byte.
        if (b0 > 0 && b0 < 0x80 && b1 == 0) {
            return StandardCharsets.UTF_16LE;
        }
        return StandardCharsets.UTF_8;
    }

    private static final class CountingInputStream extends FilterInputStream {
        long count;

        CountingInputStream(final InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            final int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(final byte[] bytes, final int offset, final int length) throws IOException {
            final int n = super.read(bytes, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(final long n) throws IOException {
            final long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }
}
