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

-- Per sender: the highest seq accepted, so a resent tick is recognised as a duplicate after a restart.
CREATE TABLE IF NOT EXISTS engine_source_seq (
    source      text        PRIMARY KEY,
    last_seq    bigint      NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
