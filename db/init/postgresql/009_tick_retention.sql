-- ticks.retention.days on TimescaleDB: the chunks of `ticks` that lie wholly before the retention's cutoff are
-- dropped (drop_chunks), not deleted row by row; a row delete in a compressed chunk (every chunk an hour after it
-- ends) decompresses it first. drop_chunks needs the hypertable's owner, and the engine's role (mt5_app) has no DDL,
-- so the engine calls this function, which runs as its owner (tick_owner after `tick-engine db init`) and can do one
-- thing only: drop chunks of `ticks` older than the time given. The engine deletes the rest of the ticks before the
-- cutoff (in the chunk that holds it) itself, so retention stays exact. Returns the chunks dropped: 0 on plain
-- PostgreSQL and while `ticks` is not a hypertable. Idempotent.
CREATE OR REPLACE FUNCTION engine_drop_tick_chunks(older_than timestamptz) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS
$$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
        RETURN 0;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM timescaledb_information.hypertables
                    WHERE hypertable_schema = current_schema() AND hypertable_name = 'ticks') THEN
        RETURN 0;
    END IF;
    RETURN (SELECT count(*) FROM drop_chunks('ticks', older_than => older_than));
END
$$;

-- A definer's function: no one runs it unless granted (900_roles.sql grants it to mt5_app).
REVOKE ALL ON FUNCTION engine_drop_tick_chunks(timestamptz) FROM PUBLIC;
