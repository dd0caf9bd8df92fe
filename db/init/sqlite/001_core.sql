-- The embedded store: the same logical schema as db/init/postgresql, in SQLite types.
-- Times are UTC epoch milliseconds. Idempotent.

CREATE TABLE IF NOT EXISTS market_data (
    symbol       TEXT    NOT NULL,
    timeframe    TEXT    NOT NULL,
    open_time    INTEGER NOT NULL,
    open         REAL    NOT NULL,
    high         REAL    NOT NULL,
    low          REAL    NOT NULL,
    close        REAL    NOT NULL,
    tick_volume  INTEGER NOT NULL,
    real_volume  REAL    NOT NULL DEFAULT 0,
    spread       REAL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (symbol, timeframe, open_time)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS engine_checkpoint (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    journal_id     TEXT    NOT NULL,
    journal_index  INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS engine_symbol_state (
    symbol                TEXT    PRIMARY KEY,
    replay_from_index     INTEGER NOT NULL,
    replay_watermark_msc  INTEGER NOT NULL,
    watermark_msc         INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
);

-- window_bits: see db/init/postgresql/002_engine_state.sql.
CREATE TABLE IF NOT EXISTS engine_source_seq (
    source       TEXT    PRIMARY KEY,
    last_seq     INTEGER NOT NULL,
    window_bits  BLOB,
    updated_at   INTEGER NOT NULL
);
-- Tables created before the window existed (SQLite has no ADD COLUMN IF NOT EXISTS: SchemaMigrator skips it when
-- the column is there).
ALTER TABLE engine_source_seq ADD COLUMN window_bits BLOB;
