-- Bars the database refused for what they hold (a data exception or a broken constraint, SQLSTATE class 22 or 23),
-- set aside for an operator instead of being retried for ever. The engine writes the rest of their batch, with its
-- checkpoint, in the same transaction; each refused bar is logged and counted (tick_bars_set_aside, /health).
-- One row per bar, its newest version refused: `bar` holds the values as text, so that a row is kept whatever made
-- the database refuse it. Once the cause is fixed, `tick-engine replay` writes the bars again; delete the rows here
-- when done.
CREATE TABLE IF NOT EXISTS engine_rejected_bars (
    symbol         text        NOT NULL,
    timeframe      text        NOT NULL,
    open_time_msc  bigint      NOT NULL,
    bar            text        NOT NULL,
    reason         text        NOT NULL,
    journal_index  bigint      NOT NULL,
    rejected_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol, timeframe, open_time_msc)
);
