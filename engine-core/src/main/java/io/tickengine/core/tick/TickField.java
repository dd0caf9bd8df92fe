package io.tickengine.core.tick;

/** The fields of a tick, with the names they have on the wire ({@code ../shared/SPEC.md}, wire contract). */
public enum TickField {
    SYMBOL("symbol"),
    TIME_MSC("time_msc"),
    BID("bid"),
    ASK("ask"),
    LAST("last"),
    VOLUME("volume"),
    VOLUME_REAL("volume_real"),
    FLAGS("flags"),
    SOURCE("source"),
    SEQ("seq"),
    SERVER_OFFSET_S("server_offset_s"),
    /** Not a field: the tick as a whole (for example no price at all). */
    TICK("tick");

    private final String wireName;

    TickField(final String wireName) {
        this.wireName = wireName;
    }

    /** @return the field's name in JSON and CSV. */
    public String wireName() {
        return wireName;
    }
}
