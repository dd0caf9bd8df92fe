package io.tickengine.core.candle;

import static io.tickengine.core.candle.CandleDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
                    final int slot = book.create(key, symbolId, timeframe, openTimeMsc);
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
            // The shortcut never gives a bar other than the one holding the time, nor one that is gone.
            final int s = random.nextInt(300);
            final int tf = random.nextInt(7);
            final long timeMsc = random.nextInt(40 * 60_000);
            final int current = book.findCurrent(s, tf, timeMsc, 60_000L);
            if (current >= 0) {
                assertEquals(
                        expected.get(key(s, tf, timeMsc / 60_000L * 60_000L)),
                        current,
                        "current bar [step=" + step + ", symbolId=" + s + ", timeframe=" + tf + "]");
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

    @Test
    void shouldKeepEachSymbolsBarsInItsOwnBlockWhileBarsCloseAndReopenOverManySymbols() {
        final int symbols = 5_000;
        final int timeframes = 7;
        final BarBook book = new BarBook(16);
        // Each round opens every symbol's next bar of every timeframe while the two before it are open (the one
        // before that final, as after a new minute with the default late window), then closes the oldest.
        for (int round = 0; round < 6; round++) {
            for (int symbolId = 0; symbolId < symbols; symbolId++) {
                for (int timeframe = 0; timeframe < timeframes; timeframe++) {
                    final long openTimeMsc = round * 60_000L;
                    final long key = key(symbolId, timeframe, openTimeMsc);
                    assertEquals(-1, book.find(symbolId, timeframe, openTimeMsc, key));
                    final int slot = open(book, symbolId, timeframe, openTimeMsc);
                    assertTrue(
                            slot == BarBook.slotOf(symbolId, 0, timeframe)
                                    || slot == BarBook.slotOf(symbolId, 1, timeframe)
                                    || slot == BarBook.slotOf(symbolId, 2, timeframe),
                            "a place of the timeframe in the block of symbol " + symbolId);
                    assertEquals(slot, book.find(symbolId, timeframe, openTimeMsc, key));
                }
            }
            if (round > 1) {
                for (int symbolId = 0; symbolId < symbols; symbolId++) {
                    for (int timeframe = 0; timeframe < timeframes; timeframe++) {
                        final long openTimeMsc = (round - 2) * 60_000L;
                        final long key = key(symbolId, timeframe, openTimeMsc);
                        book.remove(book.find(symbolId, timeframe, openTimeMsc, key));
                        assertEquals(-1, book.find(symbolId, timeframe, openTimeMsc, key));
                    }
                }
            }
            assertEquals(symbols * timeframes * Math.min(round + 1, 2), book.liveCount());
        }
        assertEquals(symbols, book.blocksUsed(), "three bars per timeframe need no overflow block");
    }

    @Test
    void shouldHoldAFourthOpenBarOfATimeframeInAnOverflowSlotAndReuseIt() {
        final BarBook book = new BarBook(16);
        final int[] slots = new int[4];
        for (int i = 0; i < 4; i++) {
            slots[i] = open(book, 3, 2, i * 60_000L);
        }
        assertEquals(BarBook.slotOf(0, 0, 2), slots[0], "the first place of the timeframe in the symbol's block");
        assertEquals(BarBook.slotOf(0, 1, 2), slots[1], "the second place");
        assertEquals(BarBook.slotOf(0, 2, 2), slots[2], "the third place");
        assertEquals(2, book.blocksUsed(), "the symbol's block and one overflow block");
        for (int i = 0; i < 4; i++) {
            assertEquals(slots[i], book.find(3, 2, i * 60_000L, key(3, 2, i * 60_000L)));
        }
        book.remove(slots[2]);
        assertEquals(-1, book.find(3, 2, 2 * 60_000L, key(3, 2, 2 * 60_000L)));
        assertEquals(slots[3], book.find(3, 2, 3 * 60_000L, key(3, 2, 3 * 60_000L)));
        book.remove(slots[0]);
        // The home slot is free again: the next bar takes it, not an overflow slot.
        assertEquals(slots[0], open(book, 3, 2, 4 * 60_000L));
        assertNotEquals(-1, book.find(3, 2, 3 * 60_000L, key(3, 2, 3 * 60_000L)));
        assertEquals(3, book.liveCount());
        int listed = 0;
        for (int slot = book.firstOfSymbol(3); slot >= 0; slot = book.nextOfSymbol(slot)) {
            listed++;
        }
        assertEquals(3, listed);
    }

    private static int open(final BarBook book, final int symbolId, final int timeframe, final long openTimeMsc) {
        final int slot = book.create(key(symbolId, timeframe, openTimeMsc), symbolId, timeframe, openTimeMsc);
        final int o = BarBook.offset(slot);
        book.buffer().putLong(o + OPEN_TIME_OFFSET, openTimeMsc);
        book.buffer().putInt(o + SYMBOL_ID_OFFSET, symbolId);
        book.buffer().putInt(o + TIMEFRAME_OFFSET, timeframe);
        return slot;
    }
}
