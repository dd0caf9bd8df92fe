-- Candles: one row per (symbol, timeframe, bar open time). Every write replaces a whole bar.
-- Runs on plain PostgreSQL 15+ and, when the extension is installed, makes the table a TimescaleDB hypertable.
-- Idempotent: safe to apply again.

CREATE TABLE IF NOT EXISTS market_data (
    symbol       text             NOT NULL,
    timeframe    text             NOT NULL,
    open_time    timestamptz      NOT NULL,
    open         double precision NOT NULL,
    high         double precision NOT NULL,
    low          double precision NOT NULL,
    close        double precision NOT NULL,
    tick_volume  bigint           NOT NULL,
    real_volume  double precision NOT NULL DEFAULT 0,
    -- Minimum ask - bid over the bar, in price units; NULL when no tick had both.
    spread       double precision,
    updated_at   timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol, timeframe, open_time)
);

-- With TimescaleDB: a hypertable, compressed after 30 days (bars are final long before: the late window is
-- minutes), and kept 10 years. Neither policy is set on plain PostgreSQL. Change the intervals with
-- remove_/add_compression_policy and remove_/add_retention_policy; this script never replaces a policy it finds.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
        PERFORM create_hypertable('market_data', 'open_time',
                                  chunk_time_interval => interval '7 days',
                                  if_not_exists => TRUE, migrate_data => TRUE);
        EXECUTE 'ALTER TABLE market_data SET (timescaledb.compress, '
                || 'timescaledb.compress_segmentby = ''symbol, timeframe'', '
                || 'timescaledb.compress_orderby = ''open_time DESC'')';
        PERFORM add_compression_policy('market_data', interval '30 days', if_not_exists => TRUE);
        PERFORM add_retention_policy('market_data', interval '10 years', if_not_exists => TRUE);
    END IF;
END
$$;
