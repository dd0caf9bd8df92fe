#!/usr/bin/env bash
# Makes the stack's API keys: one with ingest+read for the EA/edge agent and the status page, one read-only key for
# Prometheus. The engine's key file (secrets/api-keys) holds only SHA-256 digests; the plain keys are printed once,
# and the read key is also written to secrets/prometheus-read-key, which Prometheus sends as a bearer token.
# Refuses to overwrite existing keys.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
mkdir -p secrets
chmod 700 secrets
if [[ -e secrets/api-keys || -e secrets/prometheus-read-key ]]; then
  echo "secrets/ already holds keys; remove them first to make new ones" >&2
  exit 1
fi
new_key() { head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }
digest() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
client_key="$(new_key)"
read_key="$(new_key)"
umask 077
{
  echo "# <digest>=<scopes>; scopes from ingest+read+signals+admin"
  echo "sha256:$(digest "$client_key")=ingest+read"
  echo "sha256:$(digest "$read_key")=read"
} > secrets/api-keys
printf '%s' "$read_key" > secrets/prometheus-read-key
# Prometheus runs as 'nobody' and reads the file through a bind mount; secrets/ itself stays private (0700).
chmod 644 secrets/prometheus-read-key
echo "ingest+read key (EA, edge agent, status page at http://localhost:18001/#key=...): $client_key"
echo "read key for Prometheus written to secrets/prometheus-read-key"
