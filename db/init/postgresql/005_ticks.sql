-- Every accepted tick, and the engine's bookkeeping around it. Idempotent.
--
-- The tick store is written behind the journal by its own thread, exactly once: the journal position up to which
-- ticks are stored (engine_tick_store) commits in the same transaction as the rows. `ord` is the tick's journal
-- index: it keeps the arrival order of ticks of the same millisecond.
CREATE TABLE IF NOT EXISTS ticks (
    symbol       text             NOT NULL,
    tick_time    timestamptz      NOT NULL,
    bid          double precision NOT NULL,
    ask          double precision NOT NULL,
    last         double precision NOT NULL,
    volume       bigint           NOT NULL,
    volume_real  double precision NOT NULL,
    flags        integer          NOT NULL,
    source       text,
    seq          bigint           NOT NULL,
    ord          bigint           NOT NULL
);
CREATE INDEX IF NOT EXISTS ticks_symbol_time ON ticks (symbol, tick_time, ord);

-- The last journal index whose ticks are all in `ticks`, and the journal it belongs to.
CREATE TABLE IF NOT EXISTS engine_tick_store (
    id             smallint    PRIMARY KEY CHECK (id = 1),
    journal_id     text        NOT NULL,
    journal_index  bigint      NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Bars to rebuild from the stored ticks (a tick too late for its bar, an import that replaced a range). A request
-- commits with the candles it follows and is deleted with the rebuilt bars; `journal_index` is how far the tick
-- store must have come before the bars can be rebuilt. Times are the open times of the first and last bar.
CREATE TABLE IF NOT EXISTS engine_rebuild (
    id             bigserial   PRIMARY KEY,
    symbol         text        NOT NULL,
    timeframe      text        NOT NULL,
    from_msc       bigint      NOT NULL,
    to_msc         bigint      NOT NULL,
    journal_index  bigint      NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- With TimescaleDB: a hypertable of one-day chunks, built for ingest rate: no unique index (the engine
-- de-duplicates before the journal), the one (symbol, tick_time, ord) index above and no default (tick_time DESC)
-- one, compressed segment by symbol in time and arrival order one hour after a chunk ends (a chunk that late ticks
-- or an import write into again is decompressed as needed). Change the delay as tick_owner with
-- remove_compression_policy('ticks') and add_compression_policy('ticks', interval '6 hours'), the chunk interval
-- with set_chunk_time_interval('ticks', interval '6 hours') (new chunks only); docs/operations.md sizes both. How
-- long ticks are kept is the engine's `ticks.retention.days` (default: keep), not a policy here. A plain ticks
-- table that holds rows is converted only by `tick-engine db init` (see 001_market_data.sql).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
        IF NOT EXISTS (SELECT 1 FROM timescaledb_information.hypertables
                        WHERE hypertable_schema = current_schema() AND hypertable_name = 'ticks')
           AND EXISTS (SELECT 1 FROM ticks)
           AND current_setting('tick_engine.convert_tables', true) IS DISTINCT FROM 'on' THEN
            RAISE WARNING 'ticks holds rows and is not a hypertable: run tick-engine db init to convert it';
            RETURN;
        END IF;
        PERFORM create_hypertable('ticks', 'tick_time',
                                  chunk_time_interval => interval '1 day', create_default_indexes => FALSE,
                                  if_not_exists => TRUE, migrate_data => TRUE);
        EXECUTE 'ALTER TABLE ticks SET (timescaledb.compress, '
                || 'timescaledb.compress_segmentby = ''symbol'', '
                || 'timescaledb.compress_orderby = ''tick_time, ord'')';
        PERFORM add_compression_policy('ticks', interval '1 hour', if_not_exists => TRUE);
    END IF;
END
$$;
