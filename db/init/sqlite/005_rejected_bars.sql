-- Bars the database refused for what they hold (a constraint or a type mismatch), set aside for an operator instead
-- of being retried for ever: the same logical schema as db/init/postgresql/006_rejected_bars.sql.
CREATE TABLE IF NOT EXISTS engine_rejected_bars (
    symbol         TEXT    NOT NULL,
    timeframe      TEXT    NOT NULL,
    open_time_msc  INTEGER NOT NULL,
    bar            TEXT    NOT NULL,
    reason         TEXT    NOT NULL,
    journal_index  INTEGER NOT NULL,
    rejected_at    INTEGER NOT NULL,
    PRIMARY KEY (symbol, timeframe, open_time_msc)
);
