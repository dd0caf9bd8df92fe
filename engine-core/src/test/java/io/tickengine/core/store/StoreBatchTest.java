package io.tickengine.core.store;

import static io.tickengine.core.candle.CandleDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tickengine.core.candle.CandleFlyweight;
import io.tickengine.core.tick.NameTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The batch keeps the newest version of each bar, once, in the order bars first came, and knows which bars it holds
 * (a full batch still takes their newer versions), against a plain map.
 */
class StoreBatchTest {
    @Test
    void shouldKeepTheNewestVersionOfEachBarOnceOverManySymbolsAndBarsThatCloseAndReopen() {
        final StoreBatch batch = new StoreBatch(new NameTable(16), new NameTable(16));
        final UnsafeBuffer message = new UnsafeBuffer(new byte[STORE_LENGTH]);
        final SplittableRandom random = new SplittableRandom(11);
        for (int round = 0; round < 5; round++) {
            final Map<Long, Long> expected = new LinkedHashMap<>(); // key -> tick volume of the newest version
            for (int i = 0; i < 40_000; i++) {
                final int symbolId = random.nextInt(3_000);
                final int timeframe = random.nextInt(7);
                // Mostly the current bar; now and then the next one or, late, the one before.
                final long openTimeMsc = (round * 10 + 5 + random.nextInt(3) - 1) * 60_000L;
                final long version = i;
                message.putLong(OPEN_TIME_OFFSET, openTimeMsc);
                message.putInt(SYMBOL_ID_OFFSET, symbolId);
                message.putInt(TIMEFRAME_OFFSET, timeframe);
                message.putLong(TICK_VOLUME_OFFSET, version);
                assertEquals(
                        expected.containsKey(key(symbolId, timeframe, openTimeMsc)),
                        batch.holdsCandle(message, 0),
                        "held before put " + i);
                batch.putCandle(message, 0);
                assertTrue(batch.holdsCandle(message, 0), "held after put " + i);
                expected.put(key(symbolId, timeframe, openTimeMsc), version);
            }
            final List<Long> keys = new ArrayList<>(expected.keySet());
            assertEquals(keys.size(), batch.candleCount());
            for (int i = 0; i < keys.size(); i++) {
                final CandleFlyweight candle = batch.candle(i);
                assertEquals(keys.get(i), candle.key(), "bar " + i + " in order of first arrival");
                assertEquals(expected.get(keys.get(i)), candle.tickVolume(), "newest version of bar " + i);
            }
            batch.clear();
            assertEquals(0, batch.candleCount());
        }
    }
}
