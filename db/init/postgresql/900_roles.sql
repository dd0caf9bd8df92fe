-- Roles with least privilege. Runs last, after every table and view exists; idempotent. Needs a role that may
-- create roles (a superuser, e.g. the postgres user of the TimescaleDB image). No password is set here:
-- `tick-engine db init` sets them from TICK_DB_OWNER_PASSWORD, TICK_DB_APP_PASSWORD, TICK_DB_READER_PASSWORD.
--
--   tick_owner   owns the schema's objects (db init itself runs as a superuser: creating roles needs one).
--   mt5_app      the engine: writes candles and engine state, serves signals. No DDL, no DROP, nothing else.
--   tick_reader  /query and dashboards: SELECT on the published tables and views, read-only, with a timeout.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tick_owner') THEN
        CREATE ROLE tick_owner LOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mt5_app') THEN
        CREATE ROLE mt5_app LOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tick_reader') THEN
        CREATE ROLE tick_reader LOGIN;
    END IF;
END
$$;

ALTER ROLE tick_reader SET default_transaction_read_only = on;
ALTER ROLE tick_reader SET statement_timeout = '5s';
ALTER ROLE mt5_app SET statement_timeout = '30s';

-- TimescaleDB (2.14+) fails a transaction that decompresses more than
-- timescaledb.max_tuples_decompressed_per_dml_transaction rows (default 100000) of compressed chunks; a replay,
-- import or rebuild upserting old candles (or deleting old ticks) would then fail on every retry. 0: no limit, for the
-- engine in this database only, and only when the extension exists here (the engine's pool sets the same).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
        EXECUTE format('ALTER ROLE mt5_app IN DATABASE %I SET '
                       || 'timescaledb.max_tuples_decompressed_per_dml_transaction = 0', current_database());
    END IF;
END
$$;

-- Hand every table, sequence and view of this schema to the owner role.
DO $$
DECLARE
    obj record;
BEGIN
    FOR obj IN
        SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'S')
          AND pg_get_userbyid(c.relowner) <> 'tick_owner'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'a' AND c.relkind = 'S')
    LOOP
        EXECUTE format('ALTER %s %I OWNER TO tick_owner',
                       CASE obj.relkind WHEN 'v' THEN 'VIEW' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, obj.relname);
    END LOOP;
END
$$;

-- The tick retention's chunk drop (009_tick_retention.sql) runs as its owner: the owner role.
DO $$
BEGIN
    IF to_regprocedure('engine_drop_tick_chunks(timestamptz)') IS NOT NULL THEN
        ALTER FUNCTION engine_drop_tick_chunks(timestamptz) OWNER TO tick_owner;
    END IF;
END
$$;

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO mt5_app, tick_reader;
GRANT USAGE, CREATE ON SCHEMA public TO tick_owner;

-- The engine: candles and its own state (upserts need SELECT, INSERT, UPDATE), signals, audit logs.
GRANT SELECT, INSERT, UPDATE ON market_data, engine_checkpoint, engine_symbol_state, engine_source_seq TO mt5_app;
GRANT SELECT, INSERT, UPDATE ON signals, signals_queue, signals_ack TO mt5_app;
GRANT SELECT, INSERT ON model_signals, trade_logs TO mt5_app;
GRANT USAGE ON SEQUENCE model_signals_id_seq, trade_logs_id_seq TO mt5_app;
GRANT SELECT ON schema_version TO mt5_app;
-- The tick store: rows are deleted only when an import replaces a range, or by ticks.retention.days.
GRANT SELECT, INSERT, DELETE ON ticks TO mt5_app;
GRANT SELECT, INSERT, UPDATE ON engine_tick_store TO mt5_app;
GRANT EXECUTE ON FUNCTION engine_drop_tick_chunks(timestamptz) TO mt5_app;
GRANT SELECT, INSERT, DELETE ON engine_rebuild TO mt5_app;
GRANT USAGE ON SEQUENCE engine_rebuild_id_seq TO mt5_app;
-- Bars the database refused, set aside for an operator.
GRANT SELECT, INSERT, UPDATE ON engine_rejected_bars TO mt5_app;
GRANT SELECT, INSERT, UPDATE ON symbols TO mt5_app;
-- journal.kind=kafka: the partitions' resume offsets and duplicate checks.
GRANT SELECT, INSERT, UPDATE ON kafka_offsets, kafka_source_seq TO mt5_app;

-- Readers: what /query may show.
GRANT SELECT ON market_data, ticks, signals, signals_ack, engine_rejected_bars, symbols TO tick_reader;

-- Feature views, when they exist (created by their own migration).
DO $$
DECLARE
    v text;
BEGIN
    FOREACH v IN ARRAY ARRAY['features_m1', 'labels_m1', 'trainset_m1'] LOOP
        IF to_regclass(v) IS NOT NULL THEN
            EXECUTE format('GRANT SELECT ON %I TO tick_reader, mt5_app', v);
        END IF;
    END LOOP;
END
$$;
