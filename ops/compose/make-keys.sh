#!/usr/bin/env bash
# Makes the stack's API keys, one per client with the scopes it needs:
#   ingest   the TickCollector EA (or the edge agent)          printed once
#   signals  the SignalExecutor EA (/signals/next, /ack)        printed once
#   read     dashboards, ml-batch, the status page; Prometheus  printed once, and in secrets/prometheus-read-key
#   ingest+read+signals  the engine's healthcheck (smoke.sh)    secrets/smoke-key only
# The engine's key file (secrets/api-keys) holds only SHA-256 digests. Refuses to overwrite existing keys.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
mkdir -p secrets
chmod 700 secrets
if [[ -e secrets/api-keys || -e secrets/prometheus-read-key || -e secrets/smoke-key ]]; then
  echo "secrets/ already holds keys; remove them first to make new ones" >&2
  exit 1
fi
new_key() { head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }
digest() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
ea_key="$(new_key)"
executor_key="$(new_key)"
read_key="$(new_key)"
smoke_key="$(new_key)"
umask 077
{
  echo "# <digest>=<scopes>; scopes from ingest+read+signals+admin"
  echo "sha256:$(digest "$ea_key")=ingest"
  echo "sha256:$(digest "$executor_key")=signals"
  echo "sha256:$(digest "$read_key")=read"
  echo "sha256:$(digest "$smoke_key")=ingest+read+signals"
} > secrets/api-keys
printf '%s' "$read_key" > secrets/prometheus-read-key
printf '%s' "$smoke_key" > secrets/smoke-key
# The containers run as other users (Prometheus as 'nobody', the engine as uid 10001) and read these files through
# bind mounts; secrets/ itself stays private (0700).
chmod 644 secrets/api-keys secrets/prometheus-read-key secrets/smoke-key
echo "TickCollector EA / edge agent key (ingest): $ea_key"
echo "SignalExecutor EA key (signals):            $executor_key"
echo "read key (dashboards, ml-batch, status page at http://localhost:18001/#key=...): $read_key"
echo "Prometheus reads secrets/prometheus-read-key; the engine's healthcheck uses secrets/smoke-key"
