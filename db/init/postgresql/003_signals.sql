-- Trading signals: what a model or a user publishes, its delivery to the executing EA, and the EA's report.
-- Idempotent.

-- What was published. signal_id is chosen by the client, so publishing again is harmless.
CREATE TABLE IF NOT EXISTS signals (
    signal_id    text             PRIMARY KEY CHECK (length(signal_id) BETWEEN 1 AND 64),
    symbol       text             NOT NULL,
    side         text             NOT NULL CHECK (side IN ('buy', 'sell', 'close')),
    size         double precision NOT NULL CHECK (size > 0),
    price_min    double precision,          -- do not fill below this price (NULL: no limit)
    price_max    double precision,          -- do not fill above this price (NULL: no limit)
    sl           double precision,          -- stop loss price
    tp           double precision,          -- take profit price
    valid_until  timestamptz      NOT NULL, -- never delivered after this
    model_id     text,
    payload      jsonb,
    created_at   timestamptz      NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS signals_symbol_created ON signals (symbol, created_at);

-- Delivery state, one row per signal: pending -> leased (by a consumer, until lease_expires_at) -> acked;
-- a lease not acked in time goes back to being deliverable; past valid_until a signal is expired.
CREATE TABLE IF NOT EXISTS signals_queue (
    signal_id         text        PRIMARY KEY REFERENCES signals (signal_id),
    state             text        NOT NULL CHECK (state IN ('pending', 'leased', 'acked', 'expired')),
    consumer          text,
    lease_id          text,
    lease_expires_at  timestamptz,
    deliveries        integer     NOT NULL DEFAULT 0,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS signals_queue_deliverable ON signals_queue (state, lease_expires_at);

-- What the EA reported. One per signal: a repeated ack with the same lease is answered from here.
CREATE TABLE IF NOT EXISTS signals_ack (
    signal_id   text             PRIMARY KEY REFERENCES signals (signal_id),
    lease_id    text             NOT NULL,
    consumer    text             NOT NULL,
    result      text             NOT NULL CHECK (result IN ('executed', 'rejected', 'failed')),
    ticket      bigint,
    fill_price  double precision,
    retcode     integer,
    message     text,
    acked_at    timestamptz      NOT NULL DEFAULT now()
);

-- Raw model outputs, before thresholds turn some of them into signals.
CREATE TABLE IF NOT EXISTS model_signals (
    id          bigserial        PRIMARY KEY,
    model_id    text             NOT NULL,
    symbol      text             NOT NULL,
    timeframe   text             NOT NULL,
    open_time   timestamptz      NOT NULL,
    score       double precision NOT NULL,
    threshold   double precision,
    side        text,
    created_at  timestamptz      NOT NULL DEFAULT now(),
    UNIQUE (model_id, symbol, timeframe, open_time)
);

-- What the executing EA did, for audit.
CREATE TABLE IF NOT EXISTS trade_logs (
    id          bigserial        PRIMARY KEY,
    signal_id   text,
    ticket      bigint,
    symbol      text             NOT NULL,
    side        text,
    volume      double precision,
    price       double precision,
    sl          double precision,
    tp          double precision,
    retcode     integer,
    message     text,
    logged_at   timestamptz      NOT NULL DEFAULT now()
);
