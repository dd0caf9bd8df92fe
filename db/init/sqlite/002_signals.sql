-- Trading signals in the embedded store: the logical schema of db/init/postgresql/003_signals.sql.
-- Times are UTC epoch milliseconds.

CREATE TABLE IF NOT EXISTS signals (
    signal_id    TEXT    PRIMARY KEY CHECK (length(signal_id) BETWEEN 1 AND 64),
    symbol       TEXT    NOT NULL,
    side         TEXT    NOT NULL CHECK (side IN ('buy', 'sell', 'close')),
    size         REAL    NOT NULL CHECK (size > 0),
    price_min    REAL,
    price_max    REAL,
    sl           REAL,
    tp           REAL,
    valid_until  INTEGER NOT NULL,
    model_id     TEXT,
    payload      TEXT,
    created_at   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS signals_symbol_created ON signals (symbol, created_at);

CREATE TABLE IF NOT EXISTS signals_queue (
    signal_id         TEXT    PRIMARY KEY REFERENCES signals (signal_id),
    state             TEXT    NOT NULL CHECK (state IN ('pending', 'leased', 'acked', 'expired')),
    consumer          TEXT,
    lease_id          TEXT,
    lease_expires_at  INTEGER,
    deliveries        INTEGER NOT NULL DEFAULT 0,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS signals_queue_deliverable ON signals_queue (state, lease_expires_at);

CREATE TABLE IF NOT EXISTS signals_ack (
    signal_id   TEXT    PRIMARY KEY REFERENCES signals (signal_id),
    lease_id    TEXT    NOT NULL,
    consumer    TEXT    NOT NULL,
    result      TEXT    NOT NULL CHECK (result IN ('executed', 'rejected', 'failed')),
    ticket      INTEGER,
    fill_price  REAL,
    retcode     INTEGER,
    message     TEXT,
    acked_at    INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS model_signals (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    model_id    TEXT    NOT NULL,
    symbol      TEXT    NOT NULL,
    timeframe   TEXT    NOT NULL,
    open_time   INTEGER NOT NULL,
    score       REAL    NOT NULL,
    threshold   REAL,
    side        TEXT,
    created_at  INTEGER NOT NULL,
    UNIQUE (model_id, symbol, timeframe, open_time)
);

CREATE TABLE IF NOT EXISTS trade_logs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    signal_id   TEXT,
    ticket      INTEGER,
    symbol      TEXT    NOT NULL,
    side        TEXT,
    volume      REAL,
    price       REAL,
    sl          REAL,
    tp          REAL,
    retcode     INTEGER,
    message     TEXT,
    logged_at   INTEGER NOT NULL
);
