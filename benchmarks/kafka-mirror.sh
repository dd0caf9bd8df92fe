#!/usr/bin/env bash
# The cost of journal.mirror=kafka: the same engine (embedded SQLite store, ack after the local journal) with and
# without the mirror to a 3-node KRaft cluster on loopback (the test harness's KafkaCluster, in child JVMs), on the
# same batched load; then how long the mirror takes to ship what was ingested. Everything on one machine: this
# measures overhead, not scale. Ratios from one run are what count (see docs/benchmarks.md, "Noise").
#
#   benchmarks/kafka-mirror.sh        # knobs: WARMUP=5 DURATION=15 CONNECTIONS=8 BATCH=1000 SKIP_BUILD=1 OUT=dir
#                                     #        MIRROR_BATCH=5000 (kafka.mirror.batch.records)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/benchmarks/target/kafka-mirror}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-5}
CONNECTIONS=${CONNECTIONS:-8}
BATCH=${BATCH:-1000}
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:--Xms1g -Xmx1g}
TICKS=${TICKS:-$ROOT/../shared/data/ticks}
KEY=bench-key-0123456789abcdef
TOPIC=ticks
MIRROR_BATCH=${MIRROR_BATCH:-5000}

# shellcheck source=benchmarks/bench-lib.sh
source "$ROOT/benchmarks/bench-lib.sh"

CLUSTER_PID=
stop_all() {
    stop_server
    if [[ -n "$CLUSTER_PID" ]] && kill -0 "$CLUSTER_PID" 2>/dev/null; then
        kill -TERM "$CLUSTER_PID" 2>/dev/null || true
        wait "$CLUSTER_PID" 2>/dev/null || true
    fi
}
trap stop_all EXIT

build_kafka_bench "$OUT"
BENCH="java -Xms1g -Xmx1g -jar $OUT/bin/tick-bench.jar"

kafka_bench_env "$OUT" "mirror:  kafka.mirror.batch.records=$MIRROR_BATCH"

log "3-node KRaft cluster"
start_kafka_cluster "$OUT" "$TOPIC" 6

run_engine() { # name [--set ...]
    local name=$1
    shift
    PORT=$(free_port)
    TICK_API_KEYS="$KEY" java $SERVER_JAVA_OPTS -jar "$OUT/bin/tick-engine.jar" run --bind 127.0.0.1 --port "$PORT" \
        --data-dir "$OUT/$name-data" "$@" >"$OUT/$name.log" 2>&1 &
    SERVER_PID=$!
    wait_http "$PORT" /health
    $BENCH load --name "$name" --target "$name" --url "http://127.0.0.1:$PORT/ingest/tick" --api-key "$KEY" \
        --format json --batch "$BATCH" --connections "$CONNECTIONS" --warmup "$WARMUP" --duration "$DURATION" \
        --base 2004-01-01 --ticks "$TICKS" --out "$OUT/$name" >&2 || echo "load run $name had errors" >&2
}

log "engine, journal.mirror=none"
run_engine plain
stop_server

log "engine, journal.mirror=kafka"
run_engine mirror --set journal.mirror=kafka --set "kafka.bootstrap.servers=$BOOTSTRAP" --set "kafka.topic=$TOPIC" \
    --set "kafka.mirror.batch.records=$MIRROR_BATCH"
start=$(date +%s.%N)
lag=-1
for _ in $(seq 1 600); do
    lag=$(curl -s "http://127.0.0.1:$PORT/health" | sed -E 's/.*"mirror":\{[^}]*"lagRecords":([0-9]+).*/\1/')
    [[ "$lag" == 0 ]] && break
    sleep 0.2
done
drained=$(echo "$(date +%s.%N) - $start" | bc)
journaled=$(curl -s "http://127.0.0.1:$PORT/health" | sed -E 's/.*"journal":\{"ticks":([0-9]+).*/\1/')
stop_server

tps() { sed -E 's/.*"ticksPerSecond":([0-9.]+).*/\1/' "$OUT/$1.json"; }
plain=$(tps plain)
mirror=$(tps mirror)
{
    cat "$OUT/env.txt"
    echo
    echo "| run | ticks/s (batches of $BATCH) |"
    echo "| --- | ---: |"
    printf '| journal.mirror=none | %.0f |\n' "$plain"
    printf '| journal.mirror=kafka | %.0f |\n' "$mirror"
    echo
    printf 'ingest with the mirror / without: %.2fx\n' "$(echo "$mirror / $plain" | bc -l)"
    echo "mirror lag after the load: ${lag} records, ${drained} s after the load ended; ticks journaled: $journaled"
} | tee "$OUT/table.md"
