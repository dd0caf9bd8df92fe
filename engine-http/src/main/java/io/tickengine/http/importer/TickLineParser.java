package io.tickengine.http.importer;

import io.tickengine.core.tick.TickBuffer;
import io.tickengine.core.tick.TickField;
import io.tickengine.core.tick.TickValidator;

/** Turns the fields of one data line of a tick file into a validated tick. */
interface TickLineParser {
    String BAD_TICK = "bad tick";

    /**
     * Appends the tick of one line to {@code out}, or throws and leaves {@code out} and any state carried from line
     * to line unchanged.
     */
    void parse(Fields row, TickBuffer out) throws ImportException;

    /**
     * @param value the refused text or number, or {@code null} when the tick as a whole is at fault.
     * @return the error for a tick {@link TickValidator} refused.
     */
    static ImportException invalid(
            final LineSource source, final TickField field, final String fieldName, final String value) {
        return source.error(BAD_TICK, fieldName, value, reason(field));
    }

    private static String reason(final TickField field) {
        switch (field) {
            case TIME_MSC:
                return "before 2000 or more than a day ahead of now";
            case BID:
            case ASK:
            case LAST:
            case VOLUME_REAL:
                return "negative or not finite";
            case TICK:
                return "no price above 0";
            case VOLUME:
                return "negative";
            case FLAGS:
                return "not an MqlTick flags mask";
            case SEQ:
                return "negative, or a seq without a source";
            default:
                return "invalid";
        }
    }
}
