package io.tickengine.core.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/** A journal's documents as Chronicle itself reads them, past the engine's own reader: for tests that look inside. */
public final class JournalDocuments {
    private JournalDocuments() {}

    /** @return the bytes of every document of the {@code FAST_DAILY} journal in {@code journalDir}, in order. */
    public static List<byte[]> read(final Path journalDir) {
        final List<byte[]> documents = new ArrayList<>();
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(journalDir)
                        .rollCycle(RollCycles.FAST_DAILY)
                        .build();
                ExcerptTailer tailer = queue.createTailer()) {
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        return documents;
                    }
                    final Bytes<?> bytes = dc.wire().bytes();
                    final byte[] document = new byte[(int) bytes.readRemaining()];
                    bytes.read(document);
                    documents.add(document);
                }
            }
        }
    }
}
