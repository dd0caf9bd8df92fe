package io.tickengine.core.tick.codec;

import static io.tickengine.core.tick.codec.TickBodies.NOW_MSC;
import static io.tickengine.core.tick.codec.TickBodies.quotes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tickengine.core.tick.NameTable;
import io.tickengine.core.tick.TickBuffer;
import io.tickengine.core.tick.TickField;
import io.tickengine.core.tick.codec.TickParser.Format;
import org.junit.jupiter.api.Test;

/**
 * The JSON reader learns the senders' key order and compares the next key against the one it predicts: the shortcut
 * must never change what is read. Each body below breaks the learned order in another way, after ticks that taught it.
 */
class TickParserKeyOrderTest {
    private static final String EA_ORDER =
            "{'symbol':'EURUSD','time_msc':1783944000093,'bid':1.1,'ask':1.2,'last':0,'volume':0,'volume_real':0,"
                    + "'flags':6,'source':'t1','seq':%d}";

    private final TickParser parser = new TickParser(new NameTable(8), new NameTable(8), 16);
    private final TickBuffer out = new TickBuffer(16);

    @Test
    void shouldReadTheSameTicksInAnyKeyOrderAfterLearningOne() {
        learn();
        final String shuffled =
                quotes("[{'seq':7,'ask':1.4,'symbol':'GBPUSD','bid':1.3,'time_msc':1783944000100,'source':'t2'},"
                        + "{'time_msc':1783944000101,'symbol':'GBPUSD','source':'t2','seq':8,'bid':1.31,'ask':1.41}]");

        assertEquals(2, parse(shuffled));

        assertEquals(7, out.seq(0));
        assertEquals(1.3, out.bid(0));
        assertEquals(1.4, out.ask(0));
        assertEquals(1_783_944_000_100L, out.timeMsc(0));
        assertEquals(8, out.seq(1));
        assertEquals(1.31, out.bid(1));
        assertEquals(out.symbolId(0), out.symbolId(1));
        assertEquals(out.sourceId(0), out.sourceId(1));
    }

    @Test
    void shouldNotTakeALongerKeyThatStartsWithThePredictedOneForIt() {
        learn();
        // After "symbol" the reader predicts "time_msc"; "time_msc_x" is an unknown key and is skipped.
        final String body = quotes("{'symbol':'EURUSD','time_msc_x':1,'time_msc':1783944000200,'bid':1.5,'ask':1.6}");

        assertEquals(1, parse(body));

        assertEquals(1_783_944_000_200L, out.timeMsc(0));
        assertEquals(1.5, out.bid(0));
    }

    @Test
    void shouldReadAKeySpelledWithEscapesWhereTheOrderPredictsIt() {
        learn();
        final String body = quotes("{'symbol':'EURUSD','\\u0074ime_msc':1783944000300,'b\\u0069d':1.7,'ask':1.8}");

        assertEquals(1, parse(body));

        assertEquals(1_783_944_000_300L, out.timeMsc(0));
        assertEquals(1.7, out.bid(0));
        assertEquals(1.8, out.ask(0));
    }

    @Test
    void shouldStillRefuseARepeatedKeyWhenItIsThePredictedOne() {
        learn();
        final String body = quotes("{'symbol':'EURUSD','time_msc':1783944000400,'time_msc':1783944000401,'bid':1.1}");

        assertEquals(TickParser.ERROR_INVALID, parse(body));
        assertEquals(TickField.TIME_MSC, parser.errorField());
    }

    @Test
    void shouldReportAnErrorAtTheSamePlaceWithOrWithoutThePrediction() {
        final String body = quotes("{'symbol':'EURUSD','time_msc':1783944000500,'bid':'x','ask':1.1}");
        final TickParser fresh = new TickParser(new NameTable(8), new NameTable(8), 16);
        final int freshResult = fresh.parse(TickBodies.buffer(body), 0, body.length(), Format.JSON, out, NOW_MSC);
        learn();

        assertEquals(freshResult, parse(body));
        assertEquals(fresh.errorMessage(), parser.errorMessage());
        assertEquals(fresh.errorField(), parser.errorField());
        assertEquals(fresh.errorIndex(), parser.errorIndex());
    }

    /** Two EA-style ticks: the reader now predicts every key of that order. */
    private void learn() {
        final String body = "[" + quotes(String.format(EA_ORDER, 1)) + "," + quotes(String.format(EA_ORDER, 2)) + "]";
        assertEquals(2, parse(body));
    }

    private int parse(final String body) {
        return parser.parse(TickBodies.buffer(body), 0, body.length(), Format.JSON, out, NOW_MSC);
    }
}
