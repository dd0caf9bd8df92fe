package io.tickengine.core.candle;

import static io.tickengine.core.candle.CandleDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The book's indexes against a plain map, over random creates and removes of many symbols' bars. */
class BarBookTest {
    @Test
    void shouldFindEveryLiveBarAndListItUnderItsSymbolOnlyAfterCreatesAndRemoves() {
        final BarBook book = new BarBook(16);
        final Map<Long, Integer> expected = new HashMap<>();
        final List<Long> keys = new ArrayList<>();
        final SplittableRandom random = new SplittableRandom(7);
        for (int step = 0; step < 20_000; step++) {
            final int symbolId = random.nextInt(300);
            final int timeframe = random.nextInt(7);
            final long openTimeMsc = random.nextInt(40) * 60_000L;
            final long key = key(symbolId, timeframe, openTimeMsc);
            if (random.nextInt(3) > 0 || keys.isEmpty()) {
                if (book.find(symbolId, timeframe, openTimeMsc, key) < 0) {
                    final int slot = book.create(key, symbolId, timeframe);
                    final int o = BarBook.offset(slot);
                    book.buffer().putLong(o + OPEN_TIME_OFFSET, openTimeMsc);
                    book.buffer().putInt(o + SYMBOL_ID_OFFSET, symbolId);
                    book.buffer().putInt(o + TIMEFRAME_OFFSET, timeframe);
                    expected.put(key, slot);
                    keys.add(key);
                }
            } else {
                final long victim = keys.remove(random.nextInt(keys.size()));
                book.remove(expected.remove(victim));
            }
        }
        assertEquals(expected.size(), book.liveCount());
        for (final Map.Entry<Long, Integer> e : expected.entrySet()) {
            final long key = e.getKey();
            final int symbolId = (int) (key >>> 44);
            final int timeframe = (int) ((key >>> 40) & 0xF);
            final long openTimeMsc = (key & ((1L << 40) - 1)) * 60_000L;
            assertEquals(e.getValue(), book.find(symbolId, timeframe, openTimeMsc, key), "slot of key " + key);
        }
        for (int symbolId = 0; symbolId < 300; symbolId++) {
            final Set<Integer> listed = new HashSet<>();
            for (int slot = book.firstOfSymbol(symbolId); slot >= 0; slot = book.nextOfSymbol(slot)) {
                assertEquals(symbolId, book.buffer().getInt(BarBook.offset(slot) + SYMBOL_ID_OFFSET));
                listed.add(slot);
            }
            final Set<Integer> live = new HashSet<>();
            for (final Map.Entry<Long, Integer> e : expected.entrySet()) {
                if ((int) (e.getKey() >>> 44) == symbolId) {
                    live.add(e.getValue());
                }
            }
            assertEquals(live, listed, "live slots of symbol " + symbolId);
        }
    }
}
