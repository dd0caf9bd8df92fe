-- What the engine needs to restart exactly: written in the same transaction as the candles.

-- The last journal index whose effects are all in market_data, and the journal it belongs to.
CREATE TABLE IF NOT EXISTS engine_checkpoint (
    id             smallint    PRIMARY KEY CHECK (id = 1),
    journal_id     text        NOT NULL,
    journal_index  bigint      NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Per symbol: where a restart replays the journal from to rebuild the symbol's open bars.
CREATE TABLE IF NOT EXISTS engine_symbol_state (
    symbol                text        PRIMARY KEY,
    replay_from_index     bigint      NOT NULL,
    replay_watermark_msc  bigint      NOT NULL,
    watermark_msc         bigint      NOT NULL,
    updated_at            timestamptz NOT NULL DEFAULT now()
);

-- Per sender: the highest seq accepted and which seqs of the window below it were accepted (window_bits: the
-- circular bitmap of SourceSequences, little-endian longs, bit (seq mod window) set if accepted; NULL when written
-- before windows existed, then every seq up to last_seq counts as accepted), so that after a restart a resent tick
-- is still a duplicate and a gap is still accepted.
CREATE TABLE IF NOT EXISTS engine_source_seq (
    source       text        PRIMARY KEY,
    last_seq     bigint      NOT NULL,
    window_bits  bytea,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
-- Tables created before the window existed.
ALTER TABLE engine_source_seq ADD COLUMN IF NOT EXISTS window_bits bytea;
