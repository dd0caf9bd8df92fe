package io.tickengine.core.journal;

import io.tickengine.core.ring.TickEvent;
import io.tickengine.core.tick.NameTable;
import java.io.File;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tick journal: a Chronicle Queue in a directory, one document per request holding its records in the layout of
 * {@link TickRecordDescriptor}; {@link JournalLayout} names each record's index.
 *
 * <p>A request is written as {@link #append} (or {@link #appendBar}, {@link #appendReplace}) per record, then
 * {@link #commitDocument}: the records go into one open document, which the commit closes. A crash before the commit
 * leaves a document that was never finished, which the next start cuts, so a request is in the journal whole or not
 * at all, after a crash too. (A journal in the legacy layout commits each record as its own document.)
 *
 * <p>Threading: appends, commits and {@link #sync} are called by one thread at a time, under the ingest gate's lock
 * (any thread may hold it; the appender's own single-thread check is off for that reason); {@link #replay} runs
 * before any request is offered; {@link #purge} may run on any one thread.
 * A document is in the memory-mapped file once {@link #commitDocument} returns, so it survives a crash of this process;
 * {@link #sync} also forces it to disk, for power-loss durability.
 */
public final class TickJournal implements AutoCloseable {
    static {
        ChronicleSettings.disableAnalytics();
    }

    private static final Logger LOG = LoggerFactory.getLogger(TickJournal.class);
    private static final String ID_FILE = "journal.id";
    private static final String PURGED_FILE = "journal.purged";
    // Non-capturing method references: one instance each, nothing allocated per record.
    private static final VarHandle NAME_LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle NAME_INTS =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle NAME_SHORTS =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.nativeOrder());
    private static final RecordWriter TICK_WRITER = TickJournal::writeTick;
    private static final RecordWriter BAR_WRITER = TickJournal::writeBar;
    private static final RecordWriter REPLACE_WRITER = TickJournal::writeReplace;
    private static final RecordWriter PACKED_TICK_WRITER =
            (bytes, event, symbol, source) -> writePackedTick(bytes, event, symbol, source, false);
    private static final RecordWriter PACKED_TICK_SAME_NAMES_WRITER =
            (bytes, event, symbol, source) -> writePackedTick(bytes, event, symbol, source, true);
    private static final RecordWriter PACKED_BAR_WRITER = TickJournal::writePackedBar;
    private static final RecordWriter PACKED_REPLACE_WRITER = TickJournal::writePackedReplace;

    private final Path dir;
    private final String id;
    private final SingleChronicleQueue queue;
    private final JournalTail.FileCheck tailCut;
    private final JournalLayout layout;
    /** Ticks are packed ({@link JournalLayout#FORMAT_PACKED}). */
    private final boolean packed;

    private final RecordWriter barWriter;
    private final RecordWriter replaceWriter;
    private ExcerptAppender appender;

    // The request's document, open from its first record to its commit (under the ingest gate's lock).
    private DocumentContext document;
    /** The cycle of {@link #writingFile}, -1 before the first commit. Under the gate's lock. */
    private int writingCycle = -1;
    /** The file the appender writes, for {@link JournalPretoucher}; {@code null} before the first commit. */
    private volatile File writingFile;
    /** The position in {@link #writingFile} after the last committed document, for {@link JournalPretoucher}. */
    private final AtomicLong writtenPosition = new AtomicLong();

    private long documentIndex;
    private int documentRecords;
    private int documentLength;
    private int committedLength;
    // The names of the last record when it is a packed tick (the interned arrays), else null: a packed tick of the
    // same names in the same open document leaves them out.
    private byte[] lastSymbol;
    private byte[] lastSource;
    /** The index of the last record this instance committed; {@link #UNKNOWN} until its first commit. */
    private volatile long lastIndex = UNKNOWN;

    private static final long UNKNOWN = -2;

    private TickJournal(
            final Path dir,
            final String id,
            final SingleChronicleQueue queue,
            final JournalTail.FileCheck tailCut,
            final JournalLayout layout) {
        this.dir = dir;
        this.id = id;
        this.queue = queue;
        this.tailCut = tailCut;
        this.layout = layout;
        this.packed = layout.isPacked();
        this.barWriter = packed ? PACKED_BAR_WRITER : BAR_WRITER;
        this.replaceWriter = packed ? PACKED_REPLACE_WRITER : REPLACE_WRITER;
    }

    /**
     * Opens (or creates) the journal in {@code dir} as it is, for a reader or a writer; another process may be
     * appending to it. A damaged tail is not touched: see {@link #openAsOwner}.
     *
     * @param rollCycle one of Chronicle's {@link RollCycles} names, e.g. {@code FAST_DAILY} or {@code FAST_HOURLY}.
     */
    public static TickJournal open(final Path dir, final String rollCycle) {
        return open(dir, rollCycle, false);
    }

    /**
     * Opens (or creates) the journal in {@code dir} for its one writer, which owns the directory (the data dir lock;
     * no other process appends): a damaged tail of the newest cycle file (a crash or a full disk mid-write, an
     * overwritten or truncated file) is first cut at the last whole document ({@link JournalTail}), so the journal
     * always opens; {@link #tailCut()} reports the cut.
     *
     * @param rollCycle one of Chronicle's {@link RollCycles} names, e.g. {@code FAST_DAILY} or {@code FAST_HOURLY}.
     */
    public static TickJournal openAsOwner(final Path dir, final String rollCycle) {
        return open(dir, rollCycle, true);
    }

    private static TickJournal open(final Path dir, final String rollCycle, final boolean cutTornTail) {
        final RollCycle cycle;
        try {
            cycle = RollCycles.valueOf(rollCycle);
        } catch (final IllegalArgumentException e) {
            throw new JournalException("unknown journal roll cycle [rollCycle=" + rollCycle + "]", e);
        }
        try {
            Files.createDirectories(dir);
            final String id = readOrCreateId(dir.resolve(ID_FILE));
            // Only the owner may cut: another process may be in the middle of a write.
            final JournalTail.FileCheck tail = cutTornTail ? JournalTail.cutTornTail(dir, cycle) : null;
            final JournalLayout layout =
                    JournalLayout.open(dir, cycle, !JournalTail.cycleFiles(dir).isEmpty());
            final SingleChronicleQueue queue =
                    SingleChronicleQueueBuilder.binary(dir).rollCycle(cycle).build();
            LOG.info(
                    "journal opened [dir={}, id={}, rollCycle={}, recordsPerDocument={}, recordFormat={}, "
                            + "firstDocument={}, lastDocument={}]",
                    dir,
                    id,
                    rollCycle,
                    layout.isLegacy() ? "1 (legacy layout)" : layout.maxRecordsPerDocument(),
                    layout.isPacked() ? "2 (packed ticks)" : "1 (fixed header)",
                    queue.firstIndex(),
                    // A reader may look at a torn tail that only the owner cuts: Chronicle's search for the end
                    // is not for that.
                    cutTornTail ? queue.lastIndex() : "not read");
            return new TickJournal(dir, id, queue, tail != null && tail.isDamaged() ? tail : null, layout);
        } catch (final IOException | RuntimeException e) {
            throw new JournalException("cannot open journal [dir=" + dir + ", cause=" + e + "]", e);
        }
    }

    /** @return a random id made when this journal was created; the store's checkpoint names it. */
    public String id() {
        return id;
    }

    /** @return what was cut from a damaged tail when this journal was opened, or {@code null} if it was whole. */
    public JournalTail.FileCheck tailCut() {
        return tailCut;
    }

    /** @return the directory. */
    public Path dir() {
        return dir;
    }

    /** @return how indices name records; {@link JournalLayout#maxRecordsPerDocument()} bounds a request. */
    public JournalLayout layout() {
        return layout;
    }

    /**
     * Adds a tick to the request's document, opening the document on the request's first record. Under the ingest
     * gate's lock; {@link #commitDocument} ends the request.
     *
     * @return the tick's journal index.
     * @throws RuntimeException or {@link Error} if the write failed: the document is rolled back, nothing of the
     *     request is in the journal.
     */
    public long append(final TickEvent event, final NameTable symbols, final NameTable sources) {
        final byte[] symbol = symbols.bytes(event.symbolId());
        final byte[] source = event.sourceId() >= 0 ? sources.bytes(event.sourceId()) : null;
        if (!packed) {
            return appendRecord(TICK_WRITER, event, symbol, source);
        }
        // Interned arrays: the same array is the same name. An open document holds the tick that gave them.
        final boolean sameNames = document != null && symbol == lastSymbol && source == lastSource;
        final long index =
                appendRecord(sameNames ? PACKED_TICK_SAME_NAMES_WRITER : PACKED_TICK_WRITER, event, symbol, source);
        lastSymbol = symbol;
        lastSource = source;
        return index;
    }

    /**
     * Adds a bar ({@link TickEvent#TYPE_BAR}) to the request's document, as {@link #append}.
     *
     * @return the bar's journal index.
     */
    public long appendBar(final TickEvent event, final NameTable symbols) {
        return appendRecord(barWriter, event, symbols.bytes(event.symbolId()), null);
    }

    /**
     * Adds a replace record ({@link TickEvent#TYPE_REPLACE}) to the request's document, as {@link #append}: the ticks
     * of the symbol within {@code [event.timeMsc(), event.replaceToMsc()]} journaled before index
     * {@code event.replaceBeforeIndex()} are void.
     *
     * @return the record's journal index.
     */
    public long appendReplace(final TickEvent event, final NameTable symbols) {
        return appendRecord(replaceWriter, event, symbols.bytes(event.symbolId()), null);
    }

    /** Writes one record at the end of the open document; a failed write rolls the whole document back. */
    private long appendRecord(
            final RecordWriter writer, final TickEvent event, final byte[] symbol, final byte[] source) {
        final Bytes<?> bytes = openRecord();
        final int length;
        try {
            length = writer.write(bytes, event, symbol, source);
        } catch (final RuntimeException | Error e) {
            abortDocument();
            throw e;
        }
        // Only a packed tick gives its names to the next record (append sets them after this).
        lastSymbol = null;
        lastSource = null;
        return closeRecord(length);
    }

    /** Writes one kind of record's fields ({@link TickRecordDescriptor}); stateless, one constant per kind. */
    @FunctionalInterface
    private interface RecordWriter {
        /** @return the record's length in bytes. */
        int write(Bytes<?> bytes, TickEvent event, byte[] symbol, byte[] source);
    }

    private static int writeTick(
            final Bytes<?> bytes, final TickEvent event, final byte[] symbol, final byte[] source) {
        final int sourceLength = source == null ? 0 : source.length;
        bytes.writeLong(event.timeMsc());
        bytes.writeDouble(event.bid());
        bytes.writeDouble(event.ask());
        bytes.writeDouble(event.last());
        bytes.writeLong(event.volume());
        bytes.writeDouble(event.volumeReal());
        bytes.writeLong(event.seq());
        bytes.writeInt(event.flags());
        writeKind(bytes, symbol.length, sourceLength, TickRecordDescriptor.KIND_TICK);
        writeName(bytes, symbol);
        if (source != null) {
            writeName(bytes, source);
        }
        return TickRecordDescriptor.length(symbol.length, sourceLength);
    }

    /**
     * Writes a packed tick (format 2, {@link TickRecordDescriptor}): without its zero fields, and without its names
     * when {@code sameNames}.
     */
    private static int writePackedTick(
            final Bytes<?> bytes,
            final TickEvent event,
            final byte[] symbol,
            final byte[] source,
            final boolean sameNames) {
        // Bits, not values: -0.0 is not left out, so every field reads back as it was written.
        final long last = Double.doubleToRawLongBits(event.last());
        final long volume = event.volume();
        final long volumeReal = Double.doubleToRawLongBits(event.volumeReal());
        final long seq = event.seq();
        final int flags = event.flags();
        final int fields = (last != 0 ? TickRecordDescriptor.PACKED_LAST : 0)
                | (volume != 0 ? TickRecordDescriptor.PACKED_VOLUME : 0)
                | (volumeReal != 0 ? TickRecordDescriptor.PACKED_VOLUME_REAL : 0)
                | (seq != 0 ? TickRecordDescriptor.PACKED_SEQ : 0)
                | (flags != 0 ? TickRecordDescriptor.PACKED_FLAGS : 0)
                | (sameNames ? TickRecordDescriptor.PACKED_SAME_NAMES : 0);
        final int symbolLength = sameNames ? 0 : symbol.length;
        final int sourceLength = sameNames || source == null ? 0 : source.length;
        bytes.writeInt(TickRecordDescriptor.KIND_TICK | fields << 8 | symbolLength << 16 | sourceLength << 24);
        bytes.writeLong(event.timeMsc());
        bytes.writeDouble(event.bid());
        bytes.writeDouble(event.ask());
        if (last != 0) {
            bytes.writeLong(last);
        }
        if (volume != 0) {
            bytes.writeLong(volume);
        }
        if (volumeReal != 0) {
            bytes.writeLong(volumeReal);
        }
        if (seq != 0) {
            bytes.writeLong(seq);
        }
        if (flags != 0) {
            bytes.writeInt(flags);
        }
        if (!sameNames) {
            writeName(bytes, symbol);
            if (source != null) {
                writeName(bytes, source);
            }
        }
        return TickRecordDescriptor.packedLength(fields, symbolLength, sourceLength);
    }

    /**
     * Writes a name's bytes a word at a time: Chronicle's {@code write(byte[])} goes through a general memory copy,
     * which under 5,000-symbol batches took 16% of the event loop's time for names of 6 or 7 bytes. The words are read
     * in native order, the order Chronicle writes them in, so the bytes land as they are in the name.
     */
    private static void writeName(final Bytes<?> bytes, final byte[] name) {
        final int length = name.length;
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            bytes.writeLong((long) NAME_LONGS.get(name, i));
        }
        if (i + Integer.BYTES <= length) {
            bytes.writeInt((int) NAME_INTS.get(name, i));
            i += Integer.BYTES;
        }
        if (i + Short.BYTES <= length) {
            bytes.writeShort((short) NAME_SHORTS.get(name, i));
            i += Short.BYTES;
        }
        if (i < length) {
            bytes.writeByte(name[i]);
        }
    }

    private static int writeBar(final Bytes<?> bytes, final TickEvent event, final byte[] symbol, final byte[] source) {
        bytes.writeLong(event.timeMsc());
        bytes.writeDouble(event.barOpen());
        bytes.writeDouble(event.barHigh());
        bytes.writeDouble(event.barLow());
        bytes.writeDouble(event.barClose());
        bytes.writeDouble(event.barRealVolume());
        bytes.writeLong(event.barTickVolume());
        bytes.writeInt(event.barTimeframe());
        writeKind(bytes, symbol.length, 0, TickRecordDescriptor.KIND_BAR);
        bytes.writeDouble(event.barSpread());
        writeName(bytes, symbol);
        return TickRecordDescriptor.BAR_NAMES_OFFSET + symbol.length;
    }

    private static int writePackedBar(
            final Bytes<?> bytes, final TickEvent event, final byte[] symbol, final byte[] source) {
        bytes.writeByte(TickRecordDescriptor.KIND_BAR);
        return 1 + writeBar(bytes, event, symbol, source);
    }

    private static int writePackedReplace(
            final Bytes<?> bytes, final TickEvent event, final byte[] symbol, final byte[] source) {
        bytes.writeByte(TickRecordDescriptor.KIND_REPLACE);
        return 1 + writeReplace(bytes, event, symbol, source);
    }

    private static int writeReplace(
            final Bytes<?> bytes, final TickEvent event, final byte[] symbol, final byte[] source) {
        bytes.writeLong(event.timeMsc());
        bytes.writeLong(event.replaceToMsc());
        bytes.writeLong(event.replaceBeforeIndex());
        bytes.writeLong(0);
        bytes.writeLong(0);
        bytes.writeLong(0);
        bytes.writeLong(0);
        bytes.writeInt(0);
        writeKind(bytes, symbol.length, 0, TickRecordDescriptor.KIND_REPLACE);
        writeName(bytes, symbol);
        return TickRecordDescriptor.HEADER_LENGTH + symbol.length;
    }

    /**
     * Commits the request's document: all its records are in the journal together, or (after a crash within the
     * commit) none is, as the start cuts a document that was never finished. Nothing to do when the request added no
     * record. Under the ingest gate's lock.
     *
     * @return the length in bytes of what the request committed (its document, or its records in the legacy layout).
     * @throws RuntimeException or {@link Error} if the commit failed (the journal must then take nothing more).
     */
    public int commitDocument() {
        commitOpenDocument();
        final int length = committedLength;
        committedLength = 0;
        return length;
    }

    private void commitOpenDocument() {
        final DocumentContext dc = document;
        if (dc == null) {
            return;
        }
        final int length = documentLength;
        final long endPosition = dc.wire().bytes().writePosition();
        document = null;
        documentLength = 0;
        dc.close();
        committedLength += length;
        if (appender.cycle() != writingCycle) {
            writingCycle = appender.cycle();
            // Back to the start first: a reader that sees the new file then sees this or a later position of it,
            // never the old file's (the pretoucher and the drop-behind would act far into the new file).
            writtenPosition.set(0);
            writingFile = appender.currentFile();
        }
        writtenPosition.lazySet(endPosition);
        lastIndex = layout.recordIndex(documentIndex, documentRecords - 1);
    }

    /** Drops the request's open document, if any: none of its records reaches the journal. */
    public void abortDocument() {
        committedLength = 0;
        final DocumentContext dc = document;
        if (dc == null) {
            return;
        }
        document = null;
        documentLength = 0;
        // Without the rollback, closing the context would commit a half-written document.
        dc.rollbackOnClose();
        dc.close();
    }

    /** Writes the header's last word: the names' lengths, the layout version and the record's kind. */
    private static void writeKind(
            final Bytes<?> bytes, final int symbolLength, final int sourceLength, final byte kind) {
        bytes.writeByte((byte) symbolLength);
        bytes.writeByte((byte) sourceLength);
        bytes.writeByte(TickRecordDescriptor.LAYOUT_VERSION);
        bytes.writeByte(kind);
    }

    /** @return the open document's bytes, to write one record at its end; opens the document first if needed. */
    private Bytes<?> openRecord() {
        if (document == null) {
            if (appender == null) {
                appender = queue.createAppender();
                // Appends come from whichever thread holds the ingest gate's lock; the lock orders them.
                appender.singleThreadedCheckDisabled(true);
            }
            document = appender.writingDocument();
            documentIndex = document.index();
            documentRecords = 0;
            documentLength = 0;
        } else if (documentRecords == layout.maxRecordsPerDocument()) {
            abortDocument();
            throw new JournalException("more records than one document holds [max=" + layout.maxRecordsPerDocument()
                    + "]: the ingest gate must refuse such a request");
        }
        return document.wire().bytes();
    }

    /** Ends one record in the open document; in the legacy layout, the record is its own document, committed now. */
    private long closeRecord(final int length) {
        final long index = layout.recordIndex(documentIndex, documentRecords++);
        documentLength += length;
        if (layout.isLegacy()) {
            commitOpenDocument();
        }
        return index;
    }

    /** @return the file the journal writes now, or {@code null} before the first commit of this instance. Any thread. */
    public File writingFile() {
        return writingFile;
    }

    /**
     * @return the position after the last committed document in the file {@link #writingFile()} gave before this
     *     call (read that first), or 0 after a roll. Any thread.
     */
    public long writtenPosition() {
        return writtenPosition.get();
    }

    /** Forces what was appended to disk. Under the ingest gate's lock. */
    public void sync() {
        if (appender != null) {
            appender.sync();
        }
    }

    /** @return the index of the first record in the journal, or {@link Long#MAX_VALUE} when empty. */
    public long firstIndex() {
        final long first = queue.firstIndex();
        return first == Long.MAX_VALUE ? first : layout.recordIndex(first, 0);
    }

    /**
     * @return the index of the last record in the journal, or -1 when empty. Any thread; before this instance's first
     *     append it reads the last document, so not for an event loop.
     */
    public long lastIndex() {
        final long known = lastIndex;
        if (known != UNKNOWN) {
            return known;
        }
        final long lastDocument = queue.lastIndex();
        if (lastDocument < 0) {
            return -1;
        }
        if (layout.isLegacy()) {
            return lastDocument;
        }
        try (ExcerptTailer tailer = queue.createTailer()) {
            if (!tailer.moveToIndex(lastDocument)) {
                return layout.recordIndex(lastDocument, 0);
            }
            try (DocumentContext dc = tailer.readingDocument()) {
                final int records = dc.isPresent() ? countRecords(dc.wire().bytes(), packed) : 1;
                return layout.recordIndex(lastDocument, Math.max(1, records) - 1);
            }
        }
    }

    /**
     * Counts the records after {@code index} up to the last one: what a restart would replay at least if
     * {@code index} were the store's checkpoint, or how far a follower is behind. Exact up to
     * {@link #MAX_COUNTED_RECORDS} records or {@link #MAX_COUNTED_DOCUMENTS} documents, walking the records' headers
     * of the documents in between; beyond that the documents not walked count as many records each as the walked ones
     * held on average, so that a call costs the same however far behind the follower is (followers ask every 250 ms).
     * Any thread; reads the journal, so not for an event loop.
     *
     * @param index a journal index, or a negative value for "none" (every record counts).
     * @return the number of records, or -1 if the journal cannot tell (e.g. closed).
     */
    public long recordsAfter(final long index) {
        try {
            final long last = lastIndex();
            if (last < 0 || index >= last) {
                return 0;
            }
            final long firstDocument = queue.firstIndex();
            final boolean fromStart = index < 0 || layout.documentIndex(index) < firstDocument;
            final long from = fromStart ? firstDocument : layout.documentIndex(index);
            final long to = layout.documentIndex(last);
            if (layout.isLegacy()) {
                return fromStart ? queue.entryCount() : documentsBetween(from, to);
            }
            if (from == to) {
                return fromStart ? layout.recordInDocument(last) + 1 : last - index;
            }
            return countRecordsFrom(from, fromStart ? 0 : layout.recordInDocument(index) + 1, to, last);
        } catch (final RuntimeException | InternalError e) {
            // InternalError: Chronicle may write index entries while counting, which faults on a full disk.
            return -1;
        }
    }

    /**
     * Once it has counted this many records, {@link #recordsAfter} estimates the rest from the documents' count: walking
     * every header of a backlog of millions of records (a follower far behind a full-speed load) took a fifth of a
     * core, the follower's own, at four calls a second.
     */
    static final int MAX_COUNTED_RECORDS = 65_536;
    /** ... or this many documents (single-tick requests: one record each, about 150 ns a document). */
    static final int MAX_COUNTED_DOCUMENTS = 4_096;

    /** @return the documents after {@code from} up to {@code to} inclusive. */
    private long documentsBetween(final long from, final long to) {
        final RollCycle rollCycle = queue.rollCycle();
        if (rollCycle.toCycle(from) == rollCycle.toCycle(to)) {
            // Sequence numbers within a cycle are dense: no need to read an index.
            return rollCycle.toSequenceNumber(to) - rollCycle.toSequenceNumber(from);
        }
        // From (inclusive) to (exclusive): the same count as after `from` up to `to` inclusive.
        return queue.countExcerpts(from, to);
    }

    /**
     * @return the records of document {@code from} from record {@code skip} on, and of every document after it up to
     *     the one that holds {@code last}, that one up to {@code last}.
     */
    private long countRecordsFrom(final long from, final int skip, final long to, final long last) {
        long records = 0;
        int documents = 0;
        try (ExcerptTailer tailer = queue.createTailer()) {
            if (!tailer.moveToIndex(from)) {
                tailer.toStart();
            }
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        return records;
                    }
                    final long document = dc.index();
                    if (document < from) {
                        continue;
                    }
                    if (document >= to) {
                        return records + layout.recordInDocument(last) + 1;
                    }
                    final int inDocument = countRecords(dc.wire().bytes(), packed);
                    records += document == from ? Math.max(0, inDocument - skip) : inDocument;
                    documents++;
                    if (records >= MAX_COUNTED_RECORDS || documents >= MAX_COUNTED_DOCUMENTS) {
                        // The documents after this one up to the last, whose own count its index tells.
                        final long between = documentsBetween(document, to) - 1;
                        final long estimate = Math.round((double) records / documents * between);
                        return records + estimate + layout.recordInDocument(last) + 1;
                    }
                }
            }
        }
    }

    /**
     * Reads every record from {@code fromIndex} (inclusive) to the end. If {@code fromIndex} is older than the first
     * index still kept, reading starts at the first one (the caller logs that gap).
     *
     * @return the number of records read.
     */
    public long replay(final long fromIndex, final JournalRecordHandler handler) {
        final JournalRecord record = new JournalRecord();
        long count = 0;
        try (ExcerptTailer tailer = queue.createTailer()) {
            if (!position(tailer, fromIndex)) {
                return 0;
            }
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    final long document = dc.index();
                    final Bytes<?> bytes = dc.wire().bytes();
                    for (int r = 0; bytes.readRemaining() > 0 && !isPadding(bytes); r++) {
                        final long index = layout.recordIndex(document, r);
                        read(bytes, record, index, packed, r == 0);
                        if (index >= fromIndex) {
                            handler.onRecord(record, index);
                            count++;
                        }
                    }
                }
            }
        }
        return count;
    }

    /**
     * Opens a cursor that reads the journal from {@code fromIndex} (inclusive) on and keeps following it as records
     * are appended: the tick store tails the journal this way. The cursor belongs to the thread that polls it.
     *
     * @param fromIndex the first index to read; older than the first index kept reads from the first one.
     */
    public Cursor cursor(final long fromIndex) {
        return new Cursor(fromIndex);
    }

    /** A position in the journal that follows appends; see {@link #cursor}. Not thread-safe. */
    public final class Cursor implements AutoCloseable {
        private final JournalRecord record = new JournalRecord();
        private final ExcerptTailer tailer = queue.createTailer();
        private long nextIndex;
        private boolean positioned;

        private Cursor(final long fromIndex) {
            this.nextIndex = fromIndex;
        }

        /**
         * Reads up to {@code limit} records, in journal order. A document is read whole unless the limit ends within
         * it; then the next poll reads it again from the record after the last one given.
         *
         * @return the number of records read; 0 when the cursor is at the end.
         */
        public int poll(final JournalRecordHandler handler, final int limit) {
            try {
                return pollRecords(handler, limit);
            } catch (final InternalError e) {
                // A fault of the memory-mapped file (Chronicle indexes as it reads, which faults on a full disk): an
                // ordinary failure for the poller, not the end of its thread.
                throw new JournalException("journal read failed [nextIndex=" + nextIndex + ", cause=" + e + "]", e);
            }
        }

        private int pollRecords(final JournalRecordHandler handler, final int limit) {
            if (!positioned) {
                if (!position(tailer, nextIndex)) {
                    return 0;
                }
                positioned = true;
            }
            int read = 0;
            while (read < limit) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    final long document = dc.index();
                    final Bytes<?> bytes = dc.wire().bytes();
                    for (int r = 0; bytes.readRemaining() > 0 && !isPadding(bytes); r++) {
                        final long index = layout.recordIndex(document, r);
                        if (read == limit) {
                            // The limit ends within this document: read it again from here next time.
                            positioned = false;
                            break;
                        }
                        TickJournal.read(bytes, record, index, packed, r == 0);
                        if (index < nextIndex) {
                            continue;
                        }
                        nextIndex = index + 1;
                        handler.onRecord(record, index);
                        read++;
                    }
                }
            }
            return read;
        }

        @Override
        public void close() {
            tailer.close();
        }
    }

    /**
     * Deletes whole cycle files that ended before {@code olderThanMsc} and hold nothing at or after {@code keepIndex}
     * (the oldest index a restart may still need). Never touches the current cycle.
     *
     * @return the number of files deleted.
     */
    public int purge(final long keepIndex, final long olderThanMsc) {
        final RollCycle rollCycle = queue.rollCycle();
        final int keepCycle = Math.min(queue.cycle(), rollCycle.toCycle(layout.documentIndex(keepIndex)));
        final DateTimeFormatter format = DateTimeFormatter.ofPattern(rollCycle.format());
        final File[] files = dir.toFile().listFiles((d, name) -> name.endsWith(SingleChronicleQueue.SUFFIX));
        int deleted = 0;
        if (files == null) {
            return 0;
        }
        for (final File file : files) {
            final String name = file.getName();
            final String stamp = name.substring(0, name.length() - SingleChronicleQueue.SUFFIX.length());
            final long startMsc;
            try {
                startMsc = parseCycleStart(stamp, format);
            } catch (final DateTimeParseException e) {
                continue;
            }
            final int cycle = (int) (startMsc / rollCycle.lengthInMillis());
            final long endMsc = startMsc + rollCycle.lengthInMillis();
            if (cycle < keepCycle && endMsc < olderThanMsc) {
                // Remembered before deleting: a rebuild must know that ticks before this time may be gone.
                recordPurgedThrough(endMsc);
                if (file.delete()) {
                    LOG.info("journal file purged [file={}]", file);
                    deleted++;
                }
            }
        }
        return deleted;
    }

    /**
     * @return the end of the newest cycle file ever purged (ticks before it may be gone), or
     *     {@link Long#MIN_VALUE} if nothing was ever purged.
     */
    public long purgedThroughMsc() {
        final Path marker = dir.resolve(PURGED_FILE);
        try {
            return Files.exists(marker)
                    ? Long.parseLong(
                            Files.readString(marker, StandardCharsets.US_ASCII).trim())
                    : Long.MIN_VALUE;
        } catch (final IOException | NumberFormatException e) {
            throw new JournalException("unreadable purge marker [file=" + marker + "]", e);
        }
    }

    private void recordPurgedThrough(final long endMsc) {
        if (endMsc <= purgedThroughMsc()) {
            return;
        }
        try {
            Files.writeString(dir.resolve(PURGED_FILE), endMsc + "\n", StandardCharsets.US_ASCII);
        } catch (final IOException e) {
            throw new JournalException("cannot write the purge marker [dir=" + dir + "]", e);
        }
    }

    @Override
    public void close() {
        if (appender != null) {
            appender.close();
        }
        queue.close();
        LOG.info("journal closed [dir={}]", dir);
    }

    /** @return the start (epoch ms, UTC) of the cycle a file name stamp names, in the roll cycle's format. */
    static long parseCycleStart(final String stamp, final DateTimeFormatter format) {
        final java.time.temporal.TemporalAccessor parsed = format.parse(stamp);
        final int hour = parsed.isSupported(java.time.temporal.ChronoField.HOUR_OF_DAY)
                ? parsed.get(java.time.temporal.ChronoField.HOUR_OF_DAY)
                : 0;
        final int minute = parsed.isSupported(java.time.temporal.ChronoField.MINUTE_OF_HOUR)
                ? parsed.get(java.time.temporal.ChronoField.MINUTE_OF_HOUR)
                : 0;
        return LocalDateTime.of(
                        parsed.get(java.time.temporal.ChronoField.YEAR),
                        parsed.get(java.time.temporal.ChronoField.MONTH_OF_YEAR),
                        parsed.get(java.time.temporal.ChronoField.DAY_OF_MONTH),
                        hour,
                        minute)
                .toInstant(ZoneOffset.UTC)
                .toEpochMilli();
    }

    /** Moves {@code tailer} to the document that holds record {@code fromIndex}, or the first one after it. */
    private boolean position(final ExcerptTailer tailer, final long fromIndex) {
        final long first = queue.firstIndex();
        final long last = queue.lastIndex();
        if (last < 0 || (fromIndex >= 0 && layout.documentIndex(fromIndex) > last)) {
            return false;
        }
        if (fromIndex < 0 || layout.documentIndex(fromIndex) <= first) {
            tailer.toStart();
            return true;
        }
        final long document = layout.documentIndex(fromIndex);
        if (tailer.moveToIndex(document)) {
            return true;
        }
        // The document may be one past the end of a cycle: start at the next cycle that has anything.
        final RollCycle rollCycle = queue.rollCycle();
        for (int cycle = rollCycle.toCycle(document) + 1; cycle <= rollCycle.toCycle(last); cycle++) {
            if (tailer.moveToIndex(rollCycle.toIndex(cycle, 0))) {
                return true;
            }
        }
        return false;
    }

    /** @return true if the document at {@code bytes} is a padding document (it holds no record). */
    private static boolean isPadding(final Bytes<?> bytes) {
        return bytes.readRemaining() == TickRecordDescriptor.PADDING_LENGTH
                && bytes.readLong(bytes.readPosition()) == TickRecordDescriptor.PADDING;
    }

    /**
     * Moves the journal's next index past {@code index}, with padding documents, when a store counts records up to
     * {@code index} as done but the journal ends before it: its tail was lost (a power failure with
     * {@code journal.sync=false}, a cut), and without this the records appended next would get indices the store
     * skips. Only the owner, before the first append.
     *
     * @return the number of padding documents written.
     */
    public long continuePast(final long index) {
        if (index <= lastIndex()) {
            return 0;
        }
        if (appender == null) {
            appender = queue.createAppender();
            appender.singleThreadedCheckDisabled(true);
        }
        final long target = layout.documentIndex(index);
        long written = 0;
        while (true) {
            try (DocumentContext dc = appender.writingDocument()) {
                if (dc.index() > target) {
                    dc.rollbackOnClose();
                    break;
                }
                dc.wire().bytes().writeLong(TickRecordDescriptor.PADDING);
                written++;
            }
        }
        if (written > 0) {
            lastIndex = layout.recordIndex(appender.lastIndexAppended(), 0);
        }
        return written;
    }

    /**
     * @param packed the journal's records are packed ({@link JournalLayout#FORMAT_PACKED}).
     * @return the number of records in a document, from their headers' name lengths (the bytes are not moved).
     */
    private static int countRecords(final Bytes<?> bytes, final boolean packed) {
        if (isPadding(bytes)) {
            return 0;
        }
        int records = 0;
        long at = bytes.readPosition();
        final long end = bytes.readLimit();
        while (at < end) {
            if (packed && bytes.readByte(at) == TickRecordDescriptor.KIND_TICK) {
                at += TickRecordDescriptor.packedLength(
                        bytes.readUnsignedByte(at + 1), bytes.readUnsignedByte(at + 2), bytes.readUnsignedByte(at + 3));
            } else {
                final long fixedAt = packed ? at + 1 : at;
                final int length = TickRecordDescriptor.fixedLength(
                        bytes.readByte(fixedAt + TickRecordDescriptor.KIND_OFFSET),
                        bytes.readUnsignedByte(fixedAt + TickRecordDescriptor.SYMBOL_LENGTH_OFFSET),
                        bytes.readUnsignedByte(fixedAt + TickRecordDescriptor.SOURCE_LENGTH_OFFSET));
                if (length < 0) {
                    throw new JournalException("unknown journal record kind [position=" + at + "]");
                }
                at = fixedAt + length;
            }
            records++;
        }
        return records;
    }

    /**
     * Reads the record at the read position of {@code bytes} into {@code record}, moving past it.
     *
     * @param packed the journal's records are packed ({@link JournalLayout#FORMAT_PACKED}).
     * @param first the record is its document's first: a packed tick may not take the record before's names.
     */
    private static void read(
            final Bytes<?> bytes,
            final JournalRecord record,
            final long index,
            final boolean packed,
            final boolean first) {
        if (packed) {
            final byte kind = bytes.readByte(bytes.readPosition());
            if (kind == TickRecordDescriptor.KIND_TICK) {
                readPackedTick(bytes, record, index, first);
                return;
            }
            // A bar or a replace: its kind byte, then the format-1 record (which says its kind again).
            bytes.readSkip(1);
        }
        readFixed(bytes, record, index);
    }

    private static void readPackedTick(
            final Bytes<?> bytes, final JournalRecord record, final long index, final boolean first) {
        final int word = bytes.readInt();
        final int fields = (word >>> 8) & 0xFF;
        if ((fields & ~TickRecordDescriptor.PACKED_KNOWN) != 0) {
            throw new JournalException(
                    "unknown packed tick fields [index=" + index + ", fields=0x" + Integer.toHexString(fields) + "]");
        }
        final boolean sameNames = (fields & TickRecordDescriptor.PACKED_SAME_NAMES) != 0;
        if (sameNames && (first || record.kind != TickRecordDescriptor.KIND_TICK)) {
            throw new JournalException("packed tick takes the names of no tick before it [index=" + index + "]");
        }
        record.kind = TickRecordDescriptor.KIND_TICK;
        record.timeMsc = bytes.readLong();
        record.bid = bytes.readDouble();
        record.ask = bytes.readDouble();
        record.last = (fields & TickRecordDescriptor.PACKED_LAST) != 0 ? bytes.readDouble() : 0;
        record.volume = (fields & TickRecordDescriptor.PACKED_VOLUME) != 0 ? bytes.readLong() : 0;
        record.volumeReal = (fields & TickRecordDescriptor.PACKED_VOLUME_REAL) != 0 ? bytes.readDouble() : 0;
        record.seq = (fields & TickRecordDescriptor.PACKED_SEQ) != 0 ? bytes.readLong() : 0;
        record.flags = (fields & TickRecordDescriptor.PACKED_FLAGS) != 0 ? bytes.readInt() : 0;
        if (!sameNames) {
            record.symbolLength = (word >>> 16) & 0xFF;
            record.sourceLength = word >>> 24;
            bytes.read(record.symbol, 0, record.symbolLength);
            bytes.read(record.source, 0, record.sourceLength);
        }
    }

    private static void readFixed(final Bytes<?> bytes, final JournalRecord record, final long index) {
        // The first 60 bytes mean different things per kind: read them raw, decode once the kind is known.
        final long w0 = bytes.readLong();
        final long w1 = bytes.readLong();
        final long w2 = bytes.readLong();
        final long w3 = bytes.readLong();
        final long w4 = bytes.readLong();
        final long w5 = bytes.readLong();
        final long w6 = bytes.readLong();
        final int i7 = bytes.readInt();
        record.symbolLength = bytes.readUnsignedByte();
        record.sourceLength = bytes.readUnsignedByte();
        final byte version = bytes.readByte();
        record.kind = bytes.readByte();
        if (version != TickRecordDescriptor.LAYOUT_VERSION) {
            throw new JournalException("unknown journal record layout [index=" + index + ", version=" + version + "]");
        }
        record.timeMsc = w0;
        if (record.kind == TickRecordDescriptor.KIND_BAR) {
            record.barOpen = Double.longBitsToDouble(w1);
            record.barHigh = Double.longBitsToDouble(w2);
            record.barLow = Double.longBitsToDouble(w3);
            record.barClose = Double.longBitsToDouble(w4);
            record.barRealVolume = Double.longBitsToDouble(w5);
            record.barTickVolume = w6;
            record.barTimeframe = i7;
            record.barSpread = bytes.readDouble();
            record.seq = 0;
        } else if (record.kind == TickRecordDescriptor.KIND_TICK) {
            record.bid = Double.longBitsToDouble(w1);
            record.ask = Double.longBitsToDouble(w2);
            record.last = Double.longBitsToDouble(w3);
            record.volume = w4;
            record.volumeReal = Double.longBitsToDouble(w5);
            record.seq = w6;
            record.flags = i7;
        } else if (record.kind == TickRecordDescriptor.KIND_REPLACE) {
            record.replaceToMsc = w1;
            record.replaceBeforeIndex = w2;
            record.seq = 0;
        } else {
            throw new JournalException("unknown journal record kind [index=" + index + ", kind=" + record.kind + "]");
        }
        bytes.read(record.symbol, 0, record.symbolLength);
        bytes.read(record.source, 0, record.sourceLength);
    }

    private static String readOrCreateId(final Path file) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        }
        final String id = UUID.randomUUID().toString();
        Files.writeString(file, id + "\n", StandardCharsets.US_ASCII);
        return id;
    }
}
