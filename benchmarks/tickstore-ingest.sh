#!/usr/bin/env bash
# Ingest with the tick store on, against the same engine without one: the engine of a commit before the tick store
# (BASELINE, default 727225e), built in a temporary worktree. 1,000-tick requests over loopback, the two engines in
# turn (A B A B ...), PAIRS times, each on a fresh data dir with the embedded SQLite store. Prints ticks/s of every
# run, the ratio per pair and the median ratio (target >= 0.9x). One machine, one run: only the ratios count.
#
#   benchmarks/tickstore-ingest.sh                  # about 4 minutes with the defaults
#   PAIRS=5 DURATION=20 benchmarks/tickstore-ingest.sh
#
# Knobs (environment): OUT, BASELINE, BASELINE_JAR (an engine jar built before: no baseline build), PAIRS,
# DURATION (s), WARMUP (s), CONNECTIONS, BATCH, TICKS, SKIP_BUILD, and the engine's own TICK_* settings.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/benchmarks/target/tickstore-ingest}
BASELINE=${BASELINE:-727225e}
PAIRS=${PAIRS:-3}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-5}
CONNECTIONS=${CONNECTIONS:-8}
BATCH=${BATCH:-1000}
TICKS=${TICKS:-$ROOT/../shared/data/ticks}
KEY=bench-key-0123456789abcdef

# log, free_port, wait_http, stop_server (a trap stops the server on exit)
# shellcheck source=benchmarks/bench-lib.sh
source "$ROOT/benchmarks/bench-lib.sh"

rm -rf "$OUT"
mkdir -p "$OUT/bin"
if [[ -z "${SKIP_BUILD:-}" ]]; then
    log "build this checkout"
    (cd "$ROOT" && mvn -B -ntp -q package -DskipTests -pl engine-http,benchmarks -am)
fi
cp "$ROOT/engine-http/target/tick-engine.jar" "$OUT/bin/with-tick-store.jar"
cp "$ROOT/benchmarks/target/tick-bench.jar" "$OUT/bin/"
if [[ -n "${BASELINE_JAR:-}" ]]; then
    cp "$BASELINE_JAR" "$OUT/bin/without-tick-store.jar"
else
    log "build the baseline $BASELINE (no tick store) in a temporary worktree"
    git -C "$ROOT" worktree add --detach "$OUT/baseline-src" "$BASELINE" >&2
    (cd "$OUT/baseline-src" && mvn -B -ntp -q package -DskipTests -pl engine-http -am)
    cp "$OUT/baseline-src/engine-http/target/tick-engine.jar" "$OUT/bin/without-tick-store.jar"
    git -C "$ROOT" worktree remove --force "$OUT/baseline-src"
fi


# Runs one engine jar under load; prints its ticks/s.
run() { # jar name
    local jar=$1 name=$2 port data
    port=$(free_port)
    data="$OUT/data-$name"
    TICK_API_KEYS="$KEY=ingest" java -Xms1g -Xmx1g -jar "$OUT/bin/$jar" run --port "$port" --bind 127.0.0.1 \
        --data-dir "$data" >"$OUT/$name.log" 2>&1 &
    SERVER_PID=$!
    wait_http "$port" /health
    java -Xms2g -Xmx2g -jar "$OUT/bin/tick-bench.jar" load --name "$name" --target tick-engine \
        --url "http://127.0.0.1:$port/ingest/tick" --api-key "$KEY" --format json --batch "$BATCH" \
        --connections "$CONNECTIONS" --warmup "$WARMUP" --duration "$DURATION" --base 2004-01-01 \
        --ticks "$TICKS" --out "$OUT/$name" >&2 || echo "load run $name had errors" >&2
    stop_server
    rm -rf "$data"
    sed -E 's/.*"ticksPerSecond":([0-9.]+).*/\1/' "$OUT/$name.json"
}

ratios=()
for pair in $(seq 1 "$PAIRS"); do
    log "pair $pair"
    on=$(run with-tick-store.jar "on-$pair")
    off=$(run without-tick-store.jar "off-$pair")
    ratio=$(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.2f", a / b }')
    ratios+=("$ratio")
    printf 'pair %d: tick store on %.0f ticks/s, off %.0f ticks/s, ratio %s\n' "$pair" "$on" "$off" "$ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
echo "median ratio on/off: $median (target >= 0.9)"
