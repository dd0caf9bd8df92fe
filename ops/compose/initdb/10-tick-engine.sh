#!/bin/sh
# docker-entrypoint-initdb.d hook of the timescaledb service: see tick-engine.sql beside it.
set -eu
psql -v ON_ERROR_STOP=1 -v owner_password="$TICK_DB_OWNER_PASSWORD" \
  --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -f /docker-entrypoint-initdb.d/tick-engine.sql.in
