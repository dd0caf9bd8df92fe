package io.tickengine.http.backup;

import io.tickengine.core.journal.ChronicleSettings;
import io.tickengine.core.journal.JournalLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.LongConsumer;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.InternalAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Copies a Chronicle journal document by document, each at its own index, into a new queue: safe beside the engine
 * that appends to the source (the source is opened read-only, as a second process may; a raw file copy could catch a
 * half-written document or a held write lock), and the copy keeps the indexes the store's checkpoints refer to. The
 * journal's own small files ({@code journal.id}, {@code journal.purged}) come along.
 */
public final class JournalCopy {
    /** The files of the journal dir that are not Chronicle's. */
    private static final String[] SIDE_FILES = {"journal.id", "journal.purged", JournalLayout.FILE};

    static {
        ChronicleSettings.disableAnalytics();
    }

    /** What was copied: the index range (first -1 and last -1 when empty) and the number of documents. */
    public record Range(long firstIndex, long lastIndex, long documents, String rollCycle) {}

    private JournalCopy() {}

    /**
     * Copies every document the source holds now (a writer's later appends are not waited for).
     *
     * @param rollCycle the journal's roll cycle ({@code journal.roll.cycle}).
     * @param progress told the documents copied so far, now and then.
     */
    public static Range copy(final Path source, final Path target, final String rollCycle, final LongConsumer progress)
            throws IOException {
        Files.createDirectories(target);
        for (final String name : SIDE_FILES) {
            if (Files.exists(source.resolve(name))) {
                Files.copy(source.resolve(name), target.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        if (!Files.exists(source.resolve("metadata.cq4t"))) {
            return new Range(-1, -1, 0, rollCycle);
        }
        try (SingleChronicleQueue from = SingleChronicleQueueBuilder.binary(source)
                        .rollCycle(RollCycles.valueOf(rollCycle))
                        .readOnly(true)
                        .build();
                SingleChronicleQueue to = SingleChronicleQueueBuilder.binary(target)
                        .rollCycle(from.rollCycle())
                        .build();
                ExcerptTailer tailer = from.createTailer();
                InternalAppender appender = (InternalAppender) to.createAppender()) {
            // Fixed before reading: what the engine appends during the copy belongs to the next backup.
            final long end = from.lastIndex();
            long first = -1;
            long last = -1;
            long documents = 0;
            tailer.toStart();
            while (last < end) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    final long index = dc.index();
                    appender.writeBytes(index, dc.wire().bytes());
                    if (first < 0) {
                        first = index;
                    }
                    last = index;
                    documents++;
                }
                if ((documents & 0xFFFF) == 0) {
                    progress.accept(documents);
                }
            }
            progress.accept(documents);
            return new Range(first, last, documents, from.rollCycle().toString());
        }
    }

    /**
     * Reads a journal copy through and counts its documents.
     *
     * @return the range it holds.
     */
    public static Range scan(final Path dir, final String rollCycle) {
        if (!Files.exists(dir.resolve("metadata.cq4t"))) {
            return new Range(-1, -1, 0, rollCycle);
        }
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir)
                        .rollCycle(RollCycles.valueOf(rollCycle))
                        .readOnly(true)
                        .build();
                ExcerptTailer tailer = queue.createTailer()) {
            long first = -1;
            long last = -1;
            long documents = 0;
            tailer.toStart();
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    if (first < 0) {
                        first = dc.index();
                    }
                    last = dc.index();
                    documents++;
                }
            }
            return new Range(first, last, documents, queue.rollCycle().toString());
        }
    }
}
