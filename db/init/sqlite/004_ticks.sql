-- Every accepted tick, and the engine's bookkeeping around it: the same logical schema as
-- db/init/postgresql/005_ticks.sql. Times are UTC epoch milliseconds; `ord` is the journal index (arrival order).
CREATE TABLE IF NOT EXISTS ticks (
    symbol       TEXT    NOT NULL,
    time_msc     INTEGER NOT NULL,
    bid          REAL    NOT NULL,
    ask          REAL    NOT NULL,
    last         REAL    NOT NULL,
    volume       INTEGER NOT NULL,
    volume_real  REAL    NOT NULL,
    flags        INTEGER NOT NULL,
    source       TEXT,
    seq          INTEGER NOT NULL,
    ord          INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ticks_symbol_time ON ticks (symbol, time_msc, ord);

CREATE TABLE IF NOT EXISTS engine_tick_store (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    journal_id     TEXT    NOT NULL,
    journal_index  INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS engine_rebuild (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    symbol         TEXT    NOT NULL,
    timeframe      TEXT    NOT NULL,
    from_msc       INTEGER NOT NULL,
    to_msc         INTEGER NOT NULL,
    journal_index  INTEGER NOT NULL,
    created_at     INTEGER NOT NULL
);
