-- Symbol metadata from MetaTrader 5 (POST /symbols, sent by the EAs at start and when a symbol is added): one row per
-- broker name. `canonical` is the name the engine stores candles and ticks under (EURUSD for EURUSD.m): the suffix map
-- lives here, in one place, and both names are queryable. `digits` and `point` as MT5's SYMBOL_DIGITS and
-- SYMBOL_POINT (point = 10^-digits); prices read back are rounded to `digits` and spreads given in points.
CREATE TABLE IF NOT EXISTS symbols (
    name             text             NOT NULL PRIMARY KEY,
    canonical        text             NOT NULL,
    digits           integer          NOT NULL CHECK (digits BETWEEN 0 AND 10),
    point            double precision NOT NULL CHECK (point > 0),
    tick_size        double precision,
    contract_size    double precision,
    currency_base    text,
    currency_profit  text,
    currency_margin  text,
    description      text,
    updated_at       timestamptz      NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS symbols_canonical_idx ON symbols (canonical);
