#!/usr/bin/env bash
# journal.kind=kafka against the local journal: one engine with Chronicle, then two engines with journal.kind=kafka on
# one 3-node KRaft cluster (the test harness's KafkaCluster, in child JVMs), both storing into a throwaway PostgreSQL
# (LocalPostgres, as the tests start it), on the same batched load: the two kafka engines share the connections
# (half each, at the same time) and their acknowledged ticks/s are added up. Everything on one machine: this measures
# overhead, not scale. Ratios from one run are what count (see docs/benchmarks.md, "Noise"); run it on a quiet
# machine.
#
#   benchmarks/kafka-journal.sh       # knobs: WARMUP=5 DURATION=15 CONNECTIONS=8 BATCH=1000 SKIP_BUILD=1 OUT=dir
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/benchmarks/target/kafka-journal}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-5}
CONNECTIONS=${CONNECTIONS:-8}
BATCH=${BATCH:-1000}
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:--Xms512m -Xmx512m}
TICKS=${TICKS:-$ROOT/../shared/data/ticks}
KEY=bench-key-0123456789abcdef
TOPIC=ticks

# shellcheck source=benchmarks/bench-lib.sh
source "$ROOT/benchmarks/bench-lib.sh"

CLUSTER_PID=
PG_PID=
PIDS=()
stop_pid() {
    local pid=$1
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 60); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
}
stop_all() {
    for pid in "${PIDS[@]}"; do
        stop_pid "$pid"
    done
    PIDS=()
    stop_pid "$CLUSTER_PID"
    stop_pid "$PG_PID"
}
trap stop_all EXIT

build_kafka_bench "$OUT"
BENCH="java -Xms512m -Xmx512m -jar $OUT/bin/tick-bench.jar"
TEST_CP="$ROOT/engine-kafka/target/test-classes:$(cat "$OUT/cp.txt")"

kafka_bench_env "$OUT"

log "PostgreSQL"
java -Xmx128m -cp "$TEST_CP" io.tickengine.kafka.testsupport.LocalPostgresMain chronicle kafka >"$OUT/postgres.log" 2>&1 &
PG_PID=$!
for _ in $(seq 1 240); do
    [[ $(grep -c '^postgres: url=' "$OUT/postgres.log") == 2 ]] && break
    sleep 0.5
done
PG_CHRONICLE=$(sed -n 's/^postgres: url=\(.*chronicle.*\)/\1/p' "$OUT/postgres.log")
PG_KAFKA=$(sed -n 's/^postgres: url=\(.*kafka.*\)/\1/p' "$OUT/postgres.log")
[[ -n "$PG_KAFKA" ]] || { echo "postgres did not start" >&2; cat "$OUT/postgres.log" >&2; exit 1; }

start_engine() { # name [--set ...]: sets PORT
    local name=$1
    shift
    PORT=$(free_port)
    TICK_API_KEYS="$KEY" java $SERVER_JAVA_OPTS -jar "$OUT/bin/tick-engine.jar" run --bind 127.0.0.1 --port "$PORT" \
        --data-dir "$OUT/$name-data" "$@" >"$OUT/$name.log" 2>&1 &
    PIDS+=($!)
    wait_http "$PORT" /health
}

load() { # name port connections
    $BENCH load --name "$1" --target "$1" --url "http://127.0.0.1:$2/ingest/tick" --api-key "$KEY" \
        --format json --batch "$BATCH" --connections "$3" --warmup "$WARMUP" --duration "$DURATION" \
        --base 2004-01-01 --ticks "$TICKS" --out "$OUT/$1" >&2 || echo "load run $1 had errors" >&2
}

log "one engine, journal.kind=chronicle"
start_engine chronicle --set "db.url=$PG_CHRONICLE"
load chronicle "$PORT" "$CONNECTIONS"
stop_all_engines() {
    for pid in "${PIDS[@]}"; do
        stop_pid "$pid"
    done
    PIDS=()
}
stop_all_engines

log "3-node KRaft cluster"
start_kafka_cluster "$OUT" "$TOPIC" 6

log "two engines, journal.kind=kafka"
KAFKA_SETS=(--set journal.kind=kafka --set "db.url=$PG_KAFKA" --set "kafka.bootstrap.servers=$BOOTSTRAP"
    --set "kafka.topic=$TOPIC" --set kafka.group=bench)
start_engine kafka-a "${KAFKA_SETS[@]}" --set kafka.client.id=engine-a
port_a=$PORT
start_engine kafka-b "${KAFKA_SETS[@]}" --set kafka.client.id=engine-b
port_b=$PORT
for _ in $(seq 1 120); do
    curl -s "http://127.0.0.1:$port_a/health" | grep -q '"kafka":{[^}]*"up":true' \
        && curl -s "http://127.0.0.1:$port_b/health" | grep -q '"kafka":{[^}]*"up":true' && break
    sleep 0.5
done
load kafka-a "$port_a" $((CONNECTIONS / 2)) &
LOAD_A=$!
load kafka-b "$port_b" $((CONNECTIONS - CONNECTIONS / 2))
wait "$LOAD_A"
start=$(date +%s.%N)
lag=-1
for _ in $(seq 1 600); do
    la=$(curl -s "http://127.0.0.1:$port_a/health" | sed -E 's/.*"kafka":\{.*"lagRecords":(-?[0-9]+)\}\}.*/\1/')
    lb=$(curl -s "http://127.0.0.1:$port_b/health" | sed -E 's/.*"kafka":\{.*"lagRecords":(-?[0-9]+)\}\}.*/\1/')
    [[ "$la" =~ ^-?[0-9]+$ ]] || la=-1
    [[ "$lb" =~ ^-?[0-9]+$ ]] || lb=-1
    lag=$((la + lb))
    [[ "$la" == 0 && "$lb" == 0 ]] && break
    sleep 0.5
done
stored=$(echo "$(date +%s.%N) - $start" | bc)
stop_all_engines

tps() { sed -E 's/.*"ticksPerSecond":([0-9.]+).*/\1/' "$OUT/$1.json"; }
chronicle=$(tps chronicle)
kafka=$(echo "$(tps kafka-a) + $(tps kafka-b)" | bc -l)
{
    cat "$OUT/env.txt"
    echo
    echo "| run | ticks/s acknowledged (batches of $BATCH) |"
    echo "| --- | ---: |"
    printf '| one engine, journal.kind=chronicle | %.0f |\n' "$chronicle"
    printf '| two engines, journal.kind=kafka (sum) | %.0f |\n' "$kafka"
    echo
    printf 'two kafka engines / one chronicle engine: %.2fx\n' "$(echo "$kafka / $chronicle" | bc -l)"
    echo "group store lag after the load: ${lag} records, ${stored} s after the load ended"
} | tee "$OUT/table.md"
