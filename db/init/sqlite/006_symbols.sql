-- Symbol metadata from MetaTrader 5, one row per broker name: the same logical schema as
-- db/init/postgresql/007_symbols.sql (updated_at in epoch ms here).
CREATE TABLE IF NOT EXISTS symbols (
    name             TEXT    NOT NULL PRIMARY KEY,
    canonical        TEXT    NOT NULL,
    digits           INTEGER NOT NULL CHECK (digits BETWEEN 0 AND 10),
    point            REAL    NOT NULL CHECK (point > 0),
    tick_size        REAL,
    contract_size    REAL,
    currency_base    TEXT,
    currency_profit  TEXT,
    currency_margin  TEXT,
    description      TEXT,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS symbols_canonical_idx ON symbols (canonical);
