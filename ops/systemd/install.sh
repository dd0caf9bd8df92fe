#!/usr/bin/env bash
# Installs the Tick Engine as systemd services. Idempotent: run it again after an upgrade (new jars) or to repair.
#
#   sudo ops/systemd/install.sh [--no-start]
#
# Needs the built jars (mvn -B -ntp -q package -DskipTests): engine-http/target/tick-engine.jar and
# ml-batch/target/ml-batch.jar, and Java 17+ at /usr/bin/java.
# Creates the system user 'tick-engine'; /opt/tick-engine (jars, smoke.sh, docs); /etc/tick-engine (env file, key
# digests; existing files are never overwritten); /var/lib/tick-engine and /var/lib/tick-engine-backups (made by
# systemd, StateDirectory=). Installs the units and timers, enables them, and (re)starts the engine unless --no-start.
# Prints the plain API keys it makes, once; only their digests are kept, in /etc/tick-engine/api-keys.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
start=true
[[ "${1:-}" == "--no-start" ]] && start=false
[[ $EUID -eq 0 ]] || { echo "install.sh: run as root (sudo)" >&2; exit 1; }
[[ -x /usr/bin/java ]] || { echo "install.sh: /usr/bin/java not found: install a Java 17+ runtime" >&2; exit 1; }
for jar in engine-http/target/tick-engine.jar ml-batch/target/ml-batch.jar; do
  [[ -f "$repo/$jar" ]] || { echo "install.sh: $jar missing: mvn -B -ntp -q package -DskipTests" >&2; exit 1; }
done

if ! id -u tick-engine >/dev/null 2>&1; then
  useradd --system --user-group --home-dir /var/lib/tick-engine --no-create-home --shell /usr/sbin/nologin tick-engine
  echo "install.sh: user tick-engine created"
fi

install -d -m 0755 /opt/tick-engine /opt/tick-engine/docs
install -m 0644 "$repo/engine-http/target/tick-engine.jar" "$repo/ml-batch/target/ml-batch.jar" /opt/tick-engine/
install -m 0755 "$repo/ops/smoke/smoke.sh" /opt/tick-engine/smoke.sh
install -m 0644 "$repo/docs/operations.md" /opt/tick-engine/docs/

install -d -m 0750 -g tick-engine /etc/tick-engine
if [[ ! -e /etc/tick-engine/tick-engine.env ]]; then
  install -m 0640 -g tick-engine "$repo/ops/systemd/tick-engine.env.example" /etc/tick-engine/tick-engine.env
  echo "install.sh: /etc/tick-engine/tick-engine.env written from the example: review it"
fi
install -m 0640 -g tick-engine "$repo/ops/systemd/ml.env.example" /etc/tick-engine/ml.env.example

new_key() { head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }
digest() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
if [[ ! -e /etc/tick-engine/api-keys ]]; then
  ea_key="$(new_key)"; exec_key="$(new_key)"; read_key="$(new_key)"; smoke_key="$(new_key)"
  umask 027
  {
    echo "# <digest>=<scopes>; made by ops/systemd/install.sh"
    echo "sha256:$(digest "$ea_key")=ingest"
    echo "sha256:$(digest "$exec_key")=signals"
    echo "sha256:$(digest "$read_key")=read"
    echo "sha256:$(digest "$smoke_key")=ingest+read+signals"
  } > /etc/tick-engine/api-keys
  printf '%s\n' "$smoke_key" > /etc/tick-engine/smoke-key
  chgrp tick-engine /etc/tick-engine/api-keys /etc/tick-engine/smoke-key
  chmod 0640 /etc/tick-engine/api-keys /etc/tick-engine/smoke-key
  umask 022
  echo "install.sh: API keys (shown once; only digests are kept in /etc/tick-engine/api-keys):"
  echo "  TickCollector EA / edge agent (ingest):  $ea_key"
  echo "  SignalExecutor EA (signals):             $exec_key"
  echo "  Grafana / dashboards / ml-batch (read):  $read_key"
  echo "  the smoke timer's key is in /etc/tick-engine/smoke-key"
fi

for unit in "$repo"/ops/systemd/*.service "$repo"/ops/systemd/*.timer; do
  install -m 0644 "$unit" /etc/systemd/system/
done
if [[ -d /run/systemd/system ]]; then
  systemctl daemon-reload
  systemctl enable tick-engine.service tick-engine-backup.timer tick-engine-maintain.timer \
    tick-engine-predict.timer tick-engine-smoke.timer
  if $start; then
    systemctl restart tick-engine.service
    systemctl start tick-engine-backup.timer tick-engine-maintain.timer tick-engine-predict.timer \
      tick-engine-smoke.timer
    echo "install.sh: started; status: systemctl status tick-engine; logs: journalctl -u tick-engine"
  fi
else
  echo "install.sh: systemd is not running here: units installed, not enabled"
fi
