package io.tickengine.core.tick;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each rule of the wire contract's tick validation, one field at a time from a valid tick, answered with the first
 * offending field.
 */
class TickValidatorTest {
    private static final long NOW = Instant.parse("2026-07-13T10:00:00Z").toEpochMilli();
    private static final long DAY = 86_400_000L;
    private static final int SOURCE = 3;

    /** A valid FX tick; each test changes one thing. */
    private static final class Tick {
        long timeMsc = NOW - 1_000;
        double bid = 1.14273;
        double ask = 1.14277;
        double last;
        long volume;
        double volumeReal;
        int flags = TickFlags.BID | TickFlags.ASK;
        int sourceId = TickBuffer.NO_SOURCE;
        long seq = TickBuffer.NO_SEQ;

        TickField check() {
            return TickValidator.check(timeMsc, bid, ask, last, volume, volumeReal, flags, sourceId, seq, NOW);
        }
    }

    @Test
    void shouldAcceptAValidTick() {
        assertNull(new Tick().check());
    }

    @Test
    void shouldAcceptAnExchangeTickWithOnlyLastAndVolume() {
        final Tick t = new Tick();
        t.bid = 0;
        t.ask = 0;
        t.last = 300.5;
        t.volume = 10;
        t.volumeReal = 10.5;
        t.flags = TickFlags.LAST | TickFlags.VOLUME | TickFlags.BUY;
        assertNull(t.check());
    }

    @Test
    void shouldRejectATimeBefore2000() {
        final Tick t = new Tick();
        t.timeMsc = Instant.parse("1999-12-31T23:59:59.999Z").toEpochMilli();
        assertEquals(TickField.TIME_MSC, t.check());
        t.timeMsc = 0;
        assertEquals(TickField.TIME_MSC, t.check());
        t.timeMsc = -1;
        assertEquals(TickField.TIME_MSC, t.check());
        t.timeMsc = TickValidator.MIN_TIME_MSC;
        assertNull(t.check(), "2000-01-01T00:00:00Z itself is accepted");
    }

    @Test
    void shouldRejectATimeMoreThanADayAhead() {
        final Tick t = new Tick();
        t.timeMsc = NOW + DAY;
        assertNull(t.check(), "exactly a day ahead is accepted");
        t.timeMsc = NOW + DAY + 1;
        assertEquals(TickField.TIME_MSC, t.check());
        t.timeMsc = Long.MAX_VALUE;
        assertEquals(TickField.TIME_MSC, t.check());
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.00001, -1})
    void shouldRejectABidThatIsNotAFiniteNonNegativeNumber(final double value) {
        final Tick t = new Tick();
        t.bid = value;
        assertEquals(TickField.BID, t.check());
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.00001, -1})
    void shouldRejectAnAskThatIsNotAFiniteNonNegativeNumber(final double value) {
        final Tick t = new Tick();
        t.ask = value;
        assertEquals(TickField.ASK, t.check());
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.00001, -1})
    void shouldRejectALastThatIsNotAFiniteNonNegativeNumber(final double value) {
        final Tick t = new Tick();
        t.last = value;
        assertEquals(TickField.LAST, t.check());
    }

    @Test
    void shouldAcceptZeroForAnySinglePrice() {
        final Tick t = new Tick();
        t.ask = 0;
        assertNull(t.check(), "bid only");
        t.ask = 1.2;
        t.bid = 0;
        assertNull(t.check(), "ask only");
    }

    @Test
    void shouldRejectATickWhosePricesAreAllZero() {
        final Tick t = new Tick();
        t.bid = 0;
        t.ask = 0;
        t.last = 0;
        assertEquals(TickField.TICK, t.check());
    }

    @Test
    void shouldRejectANegativeVolume() {
        final Tick t = new Tick();
        t.volume = -1;
        assertEquals(TickField.VOLUME, t.check());
        t.volume = Long.MIN_VALUE;
        assertEquals(TickField.VOLUME, t.check());
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, -0.5})
    void shouldRejectAVolumeRealThatIsNotAFiniteNonNegativeNumber(final double value) {
        final Tick t = new Tick();
        t.volumeReal = value;
        assertEquals(TickField.VOLUME_REAL, t.check());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 128, 256, 1 << 30, -1, Integer.MIN_VALUE, TickFlags.ALL | 1})
    void shouldRejectFlagsOutsideTheMqlTickMask(final int flags) {
        final Tick t = new Tick();
        t.flags = flags;
        assertEquals(TickField.FLAGS, t.check());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, TickFlags.BID, TickFlags.ASK, TickFlags.LAST, TickFlags.VOLUME, TickFlags.BUY, 126})
    void shouldAcceptFlagsInsideTheMqlTickMask(final int flags) {
        final Tick t = new Tick();
        t.flags = flags;
        assertNull(t.check());
    }

    @Test
    void shouldDefineTheMaskAsTheSixMqlTickFlags() {
        assertEquals(2 | 4 | 8 | 16 | 32 | 64, TickFlags.ALL);
    }

    @Test
    void shouldRejectASeqWithoutASource() {
        final Tick t = new Tick();
        t.seq = 42;
        assertEquals(TickField.SEQ, t.check());
        t.sourceId = SOURCE;
        assertNull(t.check());
    }

    @Test
    void shouldRejectANegativeSeq() {
        final Tick t = new Tick();
        t.sourceId = SOURCE;
        t.seq = -1;
        assertEquals(TickField.SEQ, t.check());
        t.seq = Long.MIN_VALUE;
        assertEquals(TickField.SEQ, t.check());
    }

    @Test
    void shouldAcceptASourceWithoutASeq() {
        final Tick t = new Tick();
        t.sourceId = SOURCE;
        assertNull(t.check());
    }

    @Test
    void shouldReportTheFirstInvalidFieldInWireOrder() {
        final Tick t = new Tick();
        t.timeMsc = 0;
        t.bid = Double.NaN;
        t.flags = 1;
        assertEquals(TickField.TIME_MSC, t.check());
        t.timeMsc = NOW;
        assertEquals(TickField.BID, t.check());
        t.bid = 1.1;
        t.ask = -1;
        t.volume = -1;
        assertEquals(TickField.ASK, t.check());
        t.ask = 1.2;
        assertEquals(TickField.VOLUME, t.check());
        t.volume = 0;
        assertEquals(TickField.FLAGS, t.check());
    }

    @Test
    void shouldCheckATickOfABufferByIndex() {
        final TickBuffer buffer = new TickBuffer(2);
        buffer.add(0, NOW, 1.1, 1.2, 0, 0, 0, TickFlags.BID, TickBuffer.NO_SOURCE, TickBuffer.NO_SEQ);
        buffer.add(0, NOW, 1.1, 1.2, 0, 0, 0, TickFlags.BID, TickBuffer.NO_SOURCE, 7);
        buffer.add(0, NOW, 1.1, 1.2, 0, 0, Double.NaN, TickFlags.BID, SOURCE, 7);
        assertNull(TickValidator.check(buffer, 0, NOW));
        assertEquals(TickField.SEQ, TickValidator.check(buffer, 1, NOW));
        assertEquals(TickField.VOLUME_REAL, TickValidator.check(buffer, 2, NOW));
    }
}
