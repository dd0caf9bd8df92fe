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

-- With TimescaleDB: a hypertable of 30-day chunks (so that most segments of the higher timeframes come near the
-- 1,000 rows a compressed batch holds), compressed after 30 days (bars are final long before: the late window is
-- minutes), and kept 10 years. Neither policy is set on plain PostgreSQL. Change the intervals with
-- remove_/add_compression_policy and remove_/add_retention_policy; this script never replaces a policy it finds.
-- No default (open_time DESC) index: the primary key serves every query of the engine.
-- A plain market_data that holds rows (the extension installed later) is converted only by `tick-engine db init`,
-- which sets tick_engine.convert_tables: migrate_data copies the whole table under an exclusive lock, which must
-- never happen silently at engine start. `tick-engine db status` lists the conversion as pending.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
        IF NOT EXISTS (SELECT 1 FROM timescaledb_information.hypertables
                        WHERE hypertable_schema = current_schema() AND hypertable_name = 'market_data')
           AND EXISTS (SELECT 1 FROM market_data)
           AND current_setting('tick_engine.convert_tables', true) IS DISTINCT FROM 'on' THEN
            RAISE WARNING 'market_data holds rows and is not a hypertable: run tick-engine db init to convert it';
            RETURN;
        END IF;
        PERFORM create_hypertable('market_data', 'open_time',
                                  chunk_time_interval => interval '30 days', create_default_indexes => FALSE,
                                  if_not_exists => TRUE, migrate_data => TRUE);
        EXECUTE 'ALTER TABLE market_data SET (timescaledb.compress, '
                || 'timescaledb.compress_segmentby = ''symbol, timeframe'', '
                || 'timescaledb.compress_orderby = ''open_time DESC'')';
        PERFORM add_compression_policy('market_data', interval '30 days', if_not_exists => TRUE);
        PERFORM add_retention_policy('market_data', interval '10 years', if_not_exists => TRUE);
    END IF;
END
$$;
