-- Runs once, as the image's superuser, when the TimescaleDB volume is first created (docker-entrypoint-initdb.d,
-- through 10-tick-engine.sh, which passes the password as the psql variable owner_password).
-- The extension (telemetry off: the server runs with timescaledb.telemetry_level=off) and the owner role. Everything
-- else (tables, hypertables, policies, the roles mt5_app and tick_reader, grants) is `tick-engine db init`'s, run as
-- tick_owner by the db-init service.
CREATE EXTENSION IF NOT EXISTS timescaledb;

-- tick_owner creates mt5_app and tick_reader in `db init`, so it may create roles (and nothing more).
SELECT format('CREATE ROLE tick_owner LOGIN CREATEROLE PASSWORD %L', :'owner_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tick_owner') \gexec
SELECT format('ALTER ROLE tick_owner LOGIN CREATEROLE PASSWORD %L', :'owner_password') \gexec

-- The owner of the database owns its public schema (PostgreSQL 15+), so tick_owner may create the tables.
SELECT format('ALTER DATABASE %I OWNER TO tick_owner', current_database()) \gexec
