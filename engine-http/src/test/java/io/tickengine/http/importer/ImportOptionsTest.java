package io.tickengine.http.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tickengine.core.candle.Timeframe;
import io.tickengine.core.time.ServerTimeZone;
import org.junit.jupiter.api.Test;

class ImportOptionsTest {
    @Test
    void shouldDefaultToNoOverridesAndUtc() {
        final ImportOptions options = ImportOptions.defaults();

        assertNull(options.symbol());
        assertNull(options.timeframe());
        assertEquals(ServerTimeZone.UTC, options.serverTz());
        assertEquals(0, options.sessionOffsetMsc());
        assertEquals(ImportOptions.DEFAULT_BATCH_SIZE, options.batchSize());
    }

    @Test
    void shouldChangeOneOptionAtATime() {
        final ImportOptions options = ImportOptions.defaults()
                .withSymbol("XAUUSD")
                .withTimeframe(Timeframe.H1)
                .withServerOffsetMinutes(180)
                .withSessionOffsetMinutes(120)
                .withBatchSize(10);

        assertEquals(new ImportOptions("XAUUSD", Timeframe.H1, ServerTimeZone.parse("UTC+03:00"), 120, 10), options);
        assertEquals(10_800_000L, options.serverTz().offsetMscAt(0));
        assertEquals(
                ServerTimeZone.parse("NY+7"),
                options.withServerTz(ServerTimeZone.parse("NY+7")).serverTz());
        assertEquals(7_200_000L, options.sessionOffsetMsc());
    }

    @Test
    void shouldRejectInvalidOptionNamingIt() {
        final IllegalArgumentException symbol = assertThrows(
                IllegalArgumentException.class, () -> ImportOptions.defaults().withSymbol("EUR USD"));
        final IllegalArgumentException offset = assertThrows(
                IllegalArgumentException.class, () -> ImportOptions.defaults().withServerOffsetMinutes(1440));
        final IllegalArgumentException batch = assertThrows(
                IllegalArgumentException.class, () -> ImportOptions.defaults().withBatchSize(0));

        assertEquals(
                "invalid import option [key=symbol, value=EUR USD, expected=1-32 of [A-Za-z0-9._#+-]]",
                symbol.getMessage());
        assertEquals(
                "invalid import option [key=serverOffsetMinutes, value=1440, expected=between -1080 and 1080]",
                offset.getMessage());
        assertEquals("invalid import option [key=batchSize, value=0, expected=>= 1]", batch.getMessage());
    }
}
