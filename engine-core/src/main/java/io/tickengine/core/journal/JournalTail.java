package io.tickengine.core.journal;

import io.tickengine.core.tick.NameTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.InternalAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and cuts a damaged journal tail: a last document left half-written by a crash or a full disk, overwritten,
 * or cut short by a truncated file. Used by {@link TickJournal#openAsOwner} on the newest cycle file before Chronicle
 * touches it (so a start always succeeds) and by {@code tick-engine journal verify|repair} on every cycle file.
 *
 * <p>A cycle file is a sequence of Chronicle documents, each behind a 4-byte little-endian header: the length in
 * the low 30 bits, bit 30 for metadata (Chronicle's own header and index arrays), bit 31 for a write not finished;
 * 4-byte aligned. The data ends at a header of 0, or at Chronicle's end-of-cycle marker. A document is whole when
 * its header is finished, it lies inside the file, and (data documents) it is a record of
 * {@link TickRecordDescriptor} with consistent lengths, a known version and kind and printable names. The first
 * document that is not whole is the damage; everything from it on is cut.
 *
 * <p>Cutting rewrites the file's whole documents at their own indexes into a fresh cycle file (so every index the
 * store's checkpoints name stays valid) and moves the damaged file to {@code damaged/} in the journal directory,
 * for the operator: nothing is deleted. Never while a queue is open on the directory.
 */
public final class JournalTail {
    /** Sub-directory of the journal directory that keeps cut files. */
    public static final String DAMAGED_DIR = "damaged";

    private static final Logger LOG = LoggerFactory.getLogger(JournalTail.class);
    private static final int NOT_COMPLETE = 0x80000000;
    private static final int META_DATA = 0x40000000;
    private static final int LENGTH_MASK = 0x3FFFFFFF;
    private static final int END_OF_DATA = NOT_COMPLETE | META_DATA;
    /** Chronicle's own metadata documents (queue header, index arrays) are far smaller. */
    private static final int MAX_METADATA_LENGTH = 1 << 20;

    /** The longest document: a request of as many records as a document holds, each of the longest kind. */
    private static final int MAX_DOCUMENT_LENGTH =
            (1 << JournalLayout.MAX_RECORD_BITS) * (TickRecordDescriptor.MAX_LENGTH + 8);

    private static final int WINDOW_BYTES = Integer.highestOneBit(MAX_DOCUMENT_LENGTH) << 1;

    private JournalTail() {}

    /**
     * What a look at one cycle file found.
     *
     * @param file the cycle file.
     * @param cycle its roll cycle number.
     * @param wholeDocuments data documents before the damage (all of them when whole).
     * @param damageIndex the Chronicle index the first cut document had (the next document's after the cut), -1 when
     *     whole; {@link JournalLayout#recordIndex} of it and 0 is the first record index cut.
     * @param damageOffset byte offset of the damage in the file, -1 when whole.
     * @param problem what is wrong at {@code damageOffset}, {@code null} when whole.
     * @param damagedBytes bytes from the damage to the end of what was written (or of the file, if truncated).
     */
    public record FileCheck(
            Path file,
            int cycle,
            long wholeDocuments,
            long damageIndex,
            long damageOffset,
            String problem,
            long damagedBytes) {

        /** @return true if the file has a damaged tail. */
        public boolean isDamaged() {
            return problem != null;
        }

        /** @return e.g. {@code damaged [file=…, index=0x…, offset=…, problem=…, wholeDocuments=…, damagedBytes=…]}. */
        public String describe() {
            if (!isDamaged()) {
                return "whole [file=" + file + ", documents=" + wholeDocuments + "]";
            }
            return "damaged [file=" + file + ", index=0x" + Long.toHexString(damageIndex) + ", offset=" + damageOffset
                    + ", problem=" + problem + ", wholeDocuments=" + wholeDocuments + ", damagedBytes=" + damagedBytes
                    + "]";
        }
    }

    /**
     * @param rollCycle the name of the journal's roll cycle ({@code journal.roll.cycle}), e.g. {@code FAST_DAILY}.
     * @return one check per cycle file of the journal in {@code dir}, oldest first; empty if there are none.
     */
    public static List<FileCheck> verify(final Path dir, final String rollCycle) {
        return verify(dir, RollCycles.valueOf(rollCycle));
    }

    /** Cuts every damaged cycle file; see {@link #repair(Path, RollCycle)}. Never while the engine runs. */
    public static List<FileCheck> repair(final Path dir, final String rollCycle) {
        return repair(dir, RollCycles.valueOf(rollCycle));
    }

    /** @return one check per cycle file of the journal in {@code dir}, oldest first; empty if there are none. */
    public static List<FileCheck> verify(final Path dir, final RollCycle rollCycle) {
        final List<FileCheck> checks = new ArrayList<>();
        for (final Path file : cycleFiles(dir)) {
            checks.add(check(file, rollCycle));
        }
        return checks;
    }

    /**
     * Checks the newest cycle file (the one a crash or a full disk can tear) and cuts it at its last whole document
     * if damaged. Before a queue is opened on {@code dir}.
     *
     * @return the check of the file as it was, or {@code null} when there is no cycle file.
     */
    public static FileCheck cutTornTail(final Path dir, final RollCycle rollCycle) {
        final List<Path> files = cycleFiles(dir);
        if (files.isEmpty()) {
            return null;
        }
        final FileCheck check = check(files.get(files.size() - 1), rollCycle);
        if (check.isDamaged()) {
            cut(dir, rollCycle, check);
        }
        return check;
    }

    /** Cuts every damaged cycle file of the journal in {@code dir}. @return the checks of the files that were cut. */
    public static List<FileCheck> repair(final Path dir, final RollCycle rollCycle) {
        final List<FileCheck> cut = new ArrayList<>();
        for (final FileCheck check : verify(dir, rollCycle)) {
            if (check.isDamaged()) {
                cut(dir, rollCycle, check);
                cut.add(check);
            }
        }
        return cut;
    }

    /** Checks one cycle file. */
    public static FileCheck check(final Path file, final RollCycle rollCycle) {
        final int cycle = cycleOf(file, rollCycle);
        try (Scanner scanner = new Scanner(file)) {
            final String problem = scanner.scanToDamage(null);
            final long damagedBytes = problem == null ? 0 : scanner.writtenEnd() - scanner.position;
            return new FileCheck(
                    file,
                    cycle,
                    scanner.documents,
                    problem == null ? -1 : rollCycle.toIndex(cycle, scanner.documents),
                    problem == null ? -1 : scanner.position,
                    problem,
                    damagedBytes);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read journal file [file=" + file + "]", e);
        }
    }

    private static void cut(final Path dir, final RollCycle rollCycle, final FileCheck check) {
        final Path work = dir.resolve(".repair");
        final Path file = check.file();
        try {
            deleteTree(work);
            if (check.wholeDocuments() > 0) {
                try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(work)
                                .rollCycle(rollCycle)
                                .build();
                        ExcerptAppender appender = queue.createAppender();
                        Scanner scanner = new Scanner(file)) {
                    final InternalAppender at = (InternalAppender) appender;
                    final Bytes<?> document = Bytes.allocateElasticOnHeap(TickRecordDescriptor.MAX_LENGTH);
                    scanner.scanToDamage((index, bytes, offset, length) -> {
                        document.clear();
                        document.write(bytes, offset, length);
                        at.writeBytes(rollCycle.toIndex(check.cycle(), index), document);
                    });
                }
            }
            final Path damaged = dir.resolve(DAMAGED_DIR);
            Files.createDirectories(damaged);
            final String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                    .withZone(ZoneOffset.UTC)
                    .format(Instant.now());
            final Path keptAs = damaged.resolve(file.getFileName() + "." + stamp);
            Files.move(file, keptAs, StandardCopyOption.ATOMIC_MOVE);
            final Path rewritten = work.resolve(file.getFileName());
            if (Files.exists(rewritten)) {
                Files.move(rewritten, file, StandardCopyOption.ATOMIC_MOVE);
            }
            deleteTree(work);
            LOG.warn("journal tail cut at the last whole document [{}, keptAs={}]", check.describe(), keptAs);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot cut the journal file [" + check.describe() + "]", e);
        }
    }

    /** @return the cycle files ({@code *.cq4}) of {@code dir}, oldest first. */
    static List<Path> cycleFiles(final Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(SingleChronicleQueue.SUFFIX))
                    .filter(Files::isRegularFile)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot list the journal [dir=" + dir + "]", e);
        }
    }

    private static int cycleOf(final Path file, final RollCycle rollCycle) {
        final String name = file.getFileName().toString();
        final String stamp = name.substring(0, name.length() - SingleChronicleQueue.SUFFIX.length());
        try {
            final long startMsc = TickJournal.parseCycleStart(stamp, DateTimeFormatter.ofPattern(rollCycle.format()));
            return (int) (startMsc / rollCycle.lengthInMillis());
        } catch (final DateTimeParseException e) {
            throw new JournalException(
                    "journal file name does not match the roll cycle [file=" + file + ", rollCycle=" + rollCycle + "]",
                    e);
        }
    }

    private static void deleteTree(final Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (final Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Told each whole data document in order: its sequence number in the cycle and its bytes (header excluded). */
    @FunctionalInterface
    private interface DocumentHandler {
        void onDocument(long sequence, byte[] bytes, int offset, int length);
    }

    /** Walks a cycle file's documents through a window of the file. Not thread-safe. */
    private static final class Scanner implements AutoCloseable {
        private final FileChannel channel;
        private final long size;
        private final ByteBuffer window = ByteBuffer.allocate(WINDOW_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        private long windowStart;
        private int windowLength;
        long position;
        long documents;

        /** The journal's records are packed ({@link JournalLayout#FORMAT_PACKED}). */
        private final boolean packed;

        Scanner(final Path file) throws IOException {
            this.packed = JournalLayout.read(file.toAbsolutePath().getParent()).isPacked();
            this.channel = FileChannel.open(file);
            this.size = channel.size();
        }

        /**
         * Walks from the start to the end of the data or the first document that is not whole, leaving
         * {@link #position} there and {@link #documents} at the number of whole data documents.
         *
         * @return what is wrong at {@link #position}, or {@code null} if the file is whole.
         */
        String scanToDamage(final DocumentHandler handler) throws IOException {
            position = 0;
            documents = 0;
            while (true) {
                if (position + 4 > size) {
                    return "file ends without an end of data (truncated) [fileSize=" + size + "]";
                }
                load(position, 4);
                final int header = window.getInt((int) (position - windowStart));
                if (header == 0 || header == END_OF_DATA) {
                    return null;
                }
                final int length = header & LENGTH_MASK;
                if ((header & NOT_COMPLETE) != 0) {
                    return "document never finished (write cut short) [header=0x" + Integer.toHexString(header) + "]";
                }
                if (position + 4 + length > size) {
                    return "document runs past the end of the file (truncated) [length=" + length + ", fileSize=" + size
                            + "]";
                }
                if ((header & META_DATA) != 0) {
                    if (length > MAX_METADATA_LENGTH) {
                        return "implausible metadata length [length=" + length + "]";
                    }
                } else {
                    load(position + 4, length);
                    final int offset = (int) (position + 4 - windowStart);
                    final String bad = documentProblem(window.array(), offset, length, packed);
                    if (bad != null) {
                        return bad;
                    }
                    if (handler != null) {
                        handler.onDocument(documents, window.array(), offset, length);
                    }
                    documents++;
                }
                position += 4 + ((length + 3) & ~3L);
            }
        }

        /** @return the end of what was written: past the last non-zero byte from {@link #position} on. */
        long writtenEnd() throws IOException {
            long end = size;
            while (end > position) {
                final long from = Math.max(position, end - WINDOW_BYTES);
                load(from, (int) (end - from));
                for (long p = end - 1; p >= from; p--) {
                    if (window.get((int) (p - windowStart)) != 0) {
                        return p + 1;
                    }
                }
                end = from;
            }
            return position;
        }

        private void load(final long at, final int length) throws IOException {
            if (at >= windowStart && at + length <= windowStart + windowLength) {
                return;
            }
            window.clear();
            int read = 0;
            while (read < Math.min(window.capacity(), size - at)) {
                final int n = channel.read(window, at + read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            windowStart = at;
            windowLength = read;
            if (length > read) {
                throw new IOException("journal file shorter than it says [position=" + at + ", length=" + length + "]");
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /**
     * @param packed the journal's records are packed ({@link JournalLayout#FORMAT_PACKED}).
     * @return what makes the data document at {@code offset} not a sequence of whole records (one request's), or
     *     {@code null} if it is one.
     */
    static String documentProblem(final byte[] b, final int offset, final int length, final boolean packed) {
        if (length == TickRecordDescriptor.PADDING_LENGTH
                && ByteBuffer.wrap(b, offset, length)
                                .order(ByteOrder.LITTLE_ENDIAN)
                                .getLong()
                        == TickRecordDescriptor.PADDING) {
            return null;
        }
        final int shortest = packed ? TickRecordDescriptor.PACKED_HEADER_LENGTH : TickRecordDescriptor.HEADER_LENGTH;
        if (length < shortest || length > MAX_DOCUMENT_LENGTH) {
            return "document length out of range [length=" + length + "]";
        }
        int at = offset;
        final int end = offset + length;
        boolean tickBefore = false;
        for (int record = 0; at < end; record++) {
            final boolean packedTick = packed && b[at] == TickRecordDescriptor.KIND_TICK;
            final String problem;
            if (packedTick) {
                problem = packedTickProblem(b, at, end, tickBefore);
            } else if (packed) {
                // A packed journal's bar or replace: its kind byte, then the format-1 record of that kind.
                problem = end - at < 1 + TickRecordDescriptor.HEADER_LENGTH
                                || b[at] != b[at + 1 + TickRecordDescriptor.KIND_OFFSET]
                        ? "kind byte " + b[at] + " not followed by a record of that kind"
                        : fixedRecordProblem(b, at + 1, end);
            } else {
                problem = fixedRecordProblem(b, at, end);
            }
            if (problem != null) {
                return "record " + record + ": " + problem;
            }
            at += packedTick ? packedTickLength(b, at) : packed ? 1 + fixedLength(b, at + 1) : fixedLength(b, at);
            tickBefore = packedTick;
        }
        return null;
    }

    /** @return what is wrong with the format-1 record at {@code at} in a document ending at {@code end}, or null. */
    private static String fixedRecordProblem(final byte[] b, final int at, final int end) {
        if (end - at < TickRecordDescriptor.HEADER_LENGTH) {
            return "cut short [length=" + (end - at) + "]";
        }
        final String header = headerProblem(b, at);
        if (header != null) {
            return header;
        }
        final int recordLength = fixedLength(b, at);
        return recordLength > end - at
                ? "runs past the document [recordLength=" + recordLength + ", left=" + (end - at) + "]"
                : namesProblem(
                        b,
                        at + recordLength,
                        b[at + TickRecordDescriptor.SYMBOL_LENGTH_OFFSET] & 0xFF,
                        b[at + TickRecordDescriptor.SOURCE_LENGTH_OFFSET] & 0xFF);
    }

    /**
     * @param tickBefore the record before it in the document is a tick (whose names a packed tick may share).
     * @return what is wrong with the packed tick at {@code at} in a document ending at {@code end}, or null.
     */
    private static String packedTickProblem(final byte[] b, final int at, final int end, final boolean tickBefore) {
        if (end - at < TickRecordDescriptor.PACKED_HEADER_LENGTH) {
            return "cut short [length=" + (end - at) + "]";
        }
        final int fields = b[at + 1] & 0xFF;
        final int symbolLength = b[at + 2] & 0xFF;
        final int sourceLength = b[at + 3] & 0xFF;
        if ((fields & ~TickRecordDescriptor.PACKED_KNOWN) != 0) {
            return "unknown packed tick fields [fields=0x" + Integer.toHexString(fields) + "]";
        }
        if ((fields & TickRecordDescriptor.PACKED_SAME_NAMES) != 0
                ? symbolLength != 0 || sourceLength != 0 || !tickBefore
                : symbolLength == 0 || symbolLength > NameTable.MAX_LENGTH || sourceLength > NameTable.MAX_LENGTH) {
            return "bad name lengths [symbol=" + symbolLength + ", source=" + sourceLength + ", fields=0x"
                    + Integer.toHexString(fields) + ", tickBefore=" + tickBefore + "]";
        }
        final int recordLength = packedTickLength(b, at);
        return recordLength > end - at
                ? "runs past the document [recordLength=" + recordLength + ", left=" + (end - at) + "]"
                : namesProblem(b, at + recordLength, symbolLength, sourceLength);
    }

    /** @return the length of the format-1 record at {@code at} from its header (checked). */
    private static int fixedLength(final byte[] b, final int at) {
        return TickRecordDescriptor.fixedLength(
                b[at + TickRecordDescriptor.KIND_OFFSET],
                b[at + TickRecordDescriptor.SYMBOL_LENGTH_OFFSET] & 0xFF,
                b[at + TickRecordDescriptor.SOURCE_LENGTH_OFFSET] & 0xFF);
    }

    /** @return the length of the packed tick at {@code at} from its first word (checked). */
    private static int packedTickLength(final byte[] b, final int at) {
        return TickRecordDescriptor.packedLength(b[at + 1] & 0xFF, b[at + 2] & 0xFF, b[at + 3] & 0xFF);
    }

    /** @return what is wrong with the header of the format-1 record at {@code at}, or {@code null}. */
    private static String headerProblem(final byte[] b, final int at) {
        final int symbolLength = b[at + TickRecordDescriptor.SYMBOL_LENGTH_OFFSET] & 0xFF;
        final int sourceLength = b[at + TickRecordDescriptor.SOURCE_LENGTH_OFFSET] & 0xFF;
        final byte version = b[at + TickRecordDescriptor.VERSION_OFFSET];
        final byte kind = b[at + TickRecordDescriptor.KIND_OFFSET];
        if (version != TickRecordDescriptor.LAYOUT_VERSION) {
            return "unknown record layout [version=" + version + "]";
        }
        if (TickRecordDescriptor.fixedLength(kind, 0, 0) < 0) {
            return "unknown record kind [kind=" + kind + "]";
        }
        if (symbolLength == 0
                || symbolLength > NameTable.MAX_LENGTH
                || sourceLength > NameTable.MAX_LENGTH
                || (kind != TickRecordDescriptor.KIND_TICK && sourceLength != 0)) {
            return "bad name lengths [symbol=" + symbolLength + ", source=" + sourceLength + "]";
        }
        return null;
    }

    /** @return what is wrong with the names that end the record ending at {@code recordEnd}, or {@code null}. */
    private static String namesProblem(
            final byte[] b, final int recordEnd, final int symbolLength, final int sourceLength) {
        final int namesAt = recordEnd - symbolLength - sourceLength;
        if ((symbolLength > 0 && !NameTable.isValid(b, namesAt, symbolLength))
                || (sourceLength > 0 && !NameTable.isValid(b, namesAt + symbolLength, sourceLength))) {
            return "names are not valid names [symbolLength=" + symbolLength + ", sourceLength=" + sourceLength + "]";
        }
        return null;
    }
}
