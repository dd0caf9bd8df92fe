#!/usr/bin/env bash
# Single-tick requests/s at several connection counts, tick-engine against the 1-loop no-op Netty server, in rounds
# that alternate the two servers, so that the slow drift of a shared 2-core VM falls on both alike. compare.sh runs
# every no-op measurement minutes before the engine's, and one such sweep moved by up to 30% between runs.
#
#   benchmarks/sweep.sh                                  # 3 rounds of 1, 8, 32 and 128 connections, about 9 minutes
#   ROUNDS=5 SWEEP="8 128" SKIP_BUILD=1 benchmarks/sweep.sh
#
# Knobs (environment): OUT (default benchmarks/target/sweep), ROUNDS, SWEEP, WARMUP and DURATION (s per run),
# SERVER_JAVA_OPTS, TICKS, SKIP_BUILD. Each round starts a fresh engine, warms it up for WARMUP_ENGINE s of single
# ticks at 8 connections (as compare.sh's engine has run for a minute by its sweep), then runs the connection counts,
# each starting 30 days of market time after the last (no tick goes back in time). Prints, per connection count, every
# round's ratio and the ratio of the medians; OUT/sweep.md holds the same table.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/benchmarks/target/sweep}
ROUNDS=${ROUNDS:-3}
SWEEP=${SWEEP:-1 8 32 128}
WARMUP=${WARMUP:-3}
DURATION=${DURATION:-10}
WARMUP_ENGINE=${WARMUP_ENGINE:-20}
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:--Xms1g -Xmx1g -XX:+AlwaysPreTouch}
TICKS=${TICKS:-$ROOT/../shared/data/ticks}
KEY=bench-key-0123456789abcdef

# log, free_port, wait_http, stop_server (a trap stops the server on exit)
# shellcheck source=benchmarks/bench-lib.sh
source "$ROOT/benchmarks/bench-lib.sh"

build_bench "$OUT"
BENCH="java -Xms2g -Xmx2g -jar $OUT/bin/tick-bench.jar"
bench_env "$OUT" "rounds:  $ROUNDS, connections: $SWEEP, ${WARMUP}s warm-up + ${DURATION}s per run"

load() { # name target port connections base [duration]
    $BENCH load --name "$1" --target "$2" --url "http://127.0.0.1:$3/ingest/tick" --api-key "$KEY" --format json \
        --batch 1 --connections "$4" --warmup "$WARMUP" --duration "${6:-$DURATION}" --base "$5" --ticks "$TICKS" \
        --out "$OUT/$1" >&2 || echo "load run $1 had errors" >&2
}

rate() { # result name -> requests/s
    requests_per_second "$OUT" "$1"
}

for round in $(seq 1 "$ROUNDS"); do
    log "round $round of $ROUNDS: no-op Netty server, one event loop"
    PORT=$(free_port)
    $BENCH noop --port "$PORT" --io-threads 1 >>"$OUT/noop.log" 2>&1 &
    SERVER_PID=$!
    wait_http "$PORT" /
    for c in $SWEEP; do
        load "noop1-r$round-c$c" noop "$PORT" "$c" 2002-01-01
    done
    stop_server

    log "round $round of $ROUNDS: tick-engine"
    PORT=$(free_port)
    ENGINE_DATA="$OUT/engine-data"
    rm -rf "$ENGINE_DATA"
    TICK_API_KEYS="$KEY" java $SERVER_JAVA_OPTS -jar "$OUT/bin/tick-engine.jar" run --bind 127.0.0.1 --port "$PORT" \
        --data-dir "$ENGINE_DATA" >>"$OUT/engine.log" 2>&1 &
    SERVER_PID=$!
    wait_http "$PORT" /health
    load "engine-r$round-warm" tick-engine "$PORT" 8 2002-01-01 "$WARMUP_ENGINE"
    run=0
    for c in $SWEEP; do
        load "engine-r$round-c$c" tick-engine "$PORT" "$c" "$(date -u -d "2007-01-01 + $((run * 30)) days" +%F)"
        run=$((run + 1))
    done
    stop_server
    rm -rf "$ENGINE_DATA"
done

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
{
    echo "| connections | no-op, 1 loop: median req/s | tick-engine: median req/s | ratio of medians | each round |"
    echo "| ---: | ---: | ---: | ---: | --- |"
    for c in $SWEEP; do
        noop=$(for r in $(seq 1 "$ROUNDS"); do rate "noop1-r$r-c$c"; done | median)
        engine=$(for r in $(seq 1 "$ROUNDS"); do rate "engine-r$r-c$c"; done | median)
        rounds=$(for r in $(seq 1 "$ROUNDS"); do
            awk -v e="$(rate "engine-r$r-c$c")" -v n="$(rate "noop1-r$r-c$c")" 'BEGIN {printf "%.2fx ", e / n}'
        done)
        awk -v c="$c" -v n="$noop" -v e="$engine" -v r="$rounds" \
            'BEGIN {printf "| %d | %.0f | %.0f | %.2fx | %s|\n", c, n, e, e / n, r}'
    done
} | tee "$OUT/sweep.md"
