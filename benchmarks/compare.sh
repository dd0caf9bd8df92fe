#!/usr/bin/env bash
# One run, one machine, the same ticks, three servers on loopback:
#   (a) a no-op Netty HTTP server that answers 202 and does nothing (the ceiling of HTTP on this box),
#   (b) tick-engine, acknowledging after the journal,
#   (c) QuestDB (its server jar from Maven Central, telemetry off) ingesting the same ticks over ILP/HTTP,
# then the core's targets: single ticks at 1, 8, 32 and 128 connections against a 1-loop and a default-loop no-op
# server, a sustained full-speed batch run (its share of refused requests), 5,000 symbols against one, idle CPU;
# then the JMH ratios (allocation per tick, journal vs raw Chronicle, COPY vs raw pgjdbc COPY, tick store write vs
# raw COPY, replay rate), a journal replay on engine restart and the bar rebuild of a backfill sent after live ticks
# against a clean import (BACKFILL_TICKS, default 1,000,000; 0 skips it). Prints the table (also OUT/table.md) and writes OUT/latency-*.png.
#
#   benchmarks/compare.sh                       # everything; the latest table's knobs took 21 minutes, the defaults longer
#   SKIP_BUILD=1 JMH=0 DURATION=10 benchmarks/compare.sh
#
# Knobs (environment): OUT, DURATION (s per measurement), WARMUP (s), CONNECTIONS, BATCH, IO_THREADS,
# SERVER_JAVA_OPTS, QUESTDB_VERSION, TICKS (files or dir, or generated:SYMBOLS), JMH (1/0), SKIP_BUILD,
# SWEEP (connection counts, "" skips), SUSTAINED (s of full-speed batches, 0 skips), SYMBOLS (0 skips),
# SYMBOLS_ROUNDS (alternating rounds: one symbol, SYMBOLS as a random walk, SYMBOLS one a request; 3), IDLE (s),
# JMH_SUITES (a JMH regex of the suites to run).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/benchmarks/target/compare}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-5}
CONNECTIONS=${CONNECTIONS:-8}
BATCH=${BATCH:-1000}
IO_THREADS=${IO_THREADS:-0}
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:--Xms1g -Xmx1g -XX:+AlwaysPreTouch}
QUESTDB_VERSION=${QUESTDB_VERSION:-9.3.4}
TICKS=${TICKS:-$ROOT/../shared/data/ticks}
JMH=${JMH:-1}
SWEEP=${SWEEP-1 8 32 128}
SUSTAINED=${SUSTAINED:-300}
SYMBOLS=${SYMBOLS:-5000}
SYMBOLS_ROUNDS=${SYMBOLS_ROUNDS:-3}
IDLE=${IDLE:-20}
JMH_SUITES=${JMH_SUITES:-HotPathBenchmark|TickParseBenchmark|JournalAppendBenchmark|CopyBenchmark|TickStoreBenchmark|ReplayBenchmark}
KEY=bench-key-0123456789abcdef

# log, free_port, wait_http, stop_server (a trap stops the server on exit)
# shellcheck source=benchmarks/bench-lib.sh
source "$ROOT/benchmarks/bench-lib.sh"

build_bench "$OUT"
BENCH="java -Xms2g -Xmx2g -jar $OUT/bin/tick-bench.jar"

log "fetch QuestDB $QUESTDB_VERSION (Maven Central, into $OUT/questdb)"
mvn -B -ntp -q dependency:copy -Dartifact="org.questdb:questdb:$QUESTDB_VERSION" -DoutputDirectory="$OUT/questdb"

bench_env "$OUT" \
    "QuestDB: $QUESTDB_VERSION; server JVM options: $SERVER_JAVA_OPTS" \
    "load:    $CONNECTIONS keep-alive connections, ${WARMUP}s warm-up + ${DURATION}s per run, ticks: $TICKS"

load() { # name target url format batch base [extra...]
    local name=$1 target=$2 url=$3 format=$4 batch=$5 base=$6
    shift 6
    $BENCH load --name "$name" --target "$target" --url "$url" --api-key "$KEY" --format "$format" \
        --batch "$batch" --connections "$CONNECTIONS" --warmup "$WARMUP" --duration "$DURATION" \
        --base "$base" --ticks "$TICKS" --out "$OUT/$name" "$@" >&2 || echo "load run $name had errors" >&2
}

rate_of() { # result name -> half its requests/s
    requests_per_second "$OUT" "$1" | awk '{printf "%d", $1 / 2}'
}

# (a) the ceiling
log "no-op Netty server"
PORT=$(free_port)
$BENCH noop --port "$PORT" --io-threads "$IO_THREADS" >"$OUT/noop.log" 2>&1 &
SERVER_PID=$!
wait_http "$PORT" /
load noop-single noop "http://127.0.0.1:$PORT/ingest/tick" json 1 2002-01-01
load noop-batch noop "http://127.0.0.1:$PORT/ingest/tick" json "$BATCH" 2004-01-01
load noop-fixed noop "http://127.0.0.1:$PORT/ingest/tick" json 1 2006-01-01 --rate "$(rate_of noop-single)"
for c in $SWEEP; do
    CONNECTIONS=$c load "noopd-single-c$c" noop "http://127.0.0.1:$PORT/ingest/tick" json 1 2002-01-01
done
stop_server
if [[ -n "$SWEEP" ]]; then
    log "no-op Netty server, one event loop (as the engine on 2 cores)"
    PORT=$(free_port)
    $BENCH noop --port "$PORT" --io-threads 1 >"$OUT/noop1.log" 2>&1 &
    SERVER_PID=$!
    wait_http "$PORT" /
    for c in $SWEEP; do
        CONNECTIONS=$c load "noop1-single-c$c" noop "http://127.0.0.1:$PORT/ingest/tick" json 1 2002-01-01
    done
    stop_server
fi

# (b) tick-engine: embedded SQLite store, journal under OUT, ack after journal
log "tick-engine"
PORT=$(free_port)
ENGINE_DATA="$OUT/engine-data"
start_engine() {
    TICK_API_KEYS="$KEY" java $SERVER_JAVA_OPTS -jar "$OUT/bin/tick-engine.jar" run --bind 127.0.0.1 --port "$PORT" \
        --data-dir "$ENGINE_DATA" --set "http.io.threads=$IO_THREADS" >>"$OUT/engine.log" 2>&1 &
    SERVER_PID=$!
    wait_http "$PORT" /health
}
start_engine
# Idle CPU: the engine's CPU time over IDLE seconds with nothing to do, as a share of one core.
if [[ "$IDLE" != 0 ]]; then
    sleep 5
    ticks_per_s=$(getconf CLK_TCK)
    cpu() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
    before=$(cpu)
    sleep "$IDLE"
    after=$(cpu)
    awk -v a="$before" -v b="$after" -v hz="$ticks_per_s" -v s="$IDLE" \
        'BEGIN {printf "percent=%.2f seconds=%d\n", (b - a) / hz / s * 100, s}' >"$OUT/idle-cpu.txt"
fi
# Single ticks before batches: 1,000-tick requests at full speed leave the tick store tens of millions of ticks
# behind, and its writer would go on catching up through every later run of this engine.
load engine-single tick-engine "http://127.0.0.1:$PORT/ingest/tick" json 1 2002-01-01
load engine-fixed tick-engine "http://127.0.0.1:$PORT/ingest/tick" json 1 2006-01-01 --rate "$(rate_of engine-single)"
# Each run's ticks start after the last run's ended: a run covers about a week of market time, so the sweep's runs
# start 30 days apart, and the batches (about half a year) come last. Ticks that went back in time would be late
# ticks to the engine, aggregated apart and rebuilt from the tick store: other work than the live ingest measured.
run=0
for c in $SWEEP; do
    CONNECTIONS=$c load "engine-single-c$c" tick-engine "http://127.0.0.1:$PORT/ingest/tick" json 1 \
        "$(date -u -d "2007-01-01 + $((run * 30)) days" +%F)"
    run=$((run + 1))
done
load engine-batch tick-engine "http://127.0.0.1:$PORT/ingest/tick" json "$BATCH" 2009-01-01
stop_server
# The engine's fixed rate is above the no-op's when the engine is the faster of the two: the no-op's latency at the
# engine's rate is what this box and load generator give at that rate with a server that does nothing.
log "no-op Netty server at the engine's fixed rate"
NOOP_PORT=$(free_port)
$BENCH noop --port "$NOOP_PORT" --io-threads "$IO_THREADS" >>"$OUT/noop.log" 2>&1 &
SERVER_PID=$!
wait_http "$NOOP_PORT" /
load noop-fixed-engine-rate noop "http://127.0.0.1:$NOOP_PORT/ingest/tick" json 1 2006-01-01 \
    --rate "$(rate_of engine-single)"
stop_server
# The next runs use data dirs of their own: ENGINE_DATA keeps the journal for the restart replay below.
MAIN_DATA=$ENGINE_DATA
if [[ "$SUSTAINED" != 0 ]]; then
    log "tick-engine: ${SUSTAINED}s of full-speed batches (share of refused requests)"
    # At 4 M ticks/s the journal alone grows by about 140 MB a second (packed ticks, about 34 bytes each): the run
    # needs tens of GB free, and where they run out the engine refuses with "503 not journaled: disk full", as it
    # should, and the row measures the disk.
    free_gb=$(df -P -BG "$OUT" | awk 'NR == 2 {print int($4)}')
    need_gb=$((SUSTAINED * 150 / 1000))
    log "free space for it: ${free_gb} GB (about ${need_gb} GB needed at 4 M ticks/s)"
    echo "free_gb=$free_gb need_gb=$need_gb" >"$OUT/sustained-space.txt"
    if ((free_gb < need_gb)); then
        echo "WARNING: ${free_gb} GB free, about ${need_gb} GB needed: the sustained run may end in disk-full refusals" >&2
    fi
    ENGINE_DATA="$OUT/engine-data-sustained"
    start_engine
    DURATION=$SUSTAINED load engine-sustained tick-engine "http://127.0.0.1:$PORT/ingest/tick" json "$BATCH" 2010-01-01
    stop_server
    rm -rf "$ENGINE_DATA"
fi
if [[ "$SYMBOLS" != 0 ]]; then
    log "tick-engine: batches over $SYMBOLS symbols against one symbol, $SYMBOLS_ROUNDS alternating rounds"
    # Alternating, a fresh engine each run: a single pair of runs on this box varies by more than the margin. Over
    # SYMBOLS symbols twice: each tick another symbol (a random walk, the worst case for the bars' caches), and each
    # request one symbol's ticks, the symbols in turn (as one EA per symbol sends them).
    for r in $(seq 1 "$SYMBOLS_ROUNDS"); do
        for run in 1 "$SYMBOLS" "$SYMBOLS-bysymbol"; do
            n=${run%-bysymbol}
            ENGINE_DATA="$OUT/engine-data-symbols-$run"
            start_engine
            TICKS="generated:$n" load "engine-symbols-$run-r$r" tick-engine "http://127.0.0.1:$PORT/ingest/tick" \
                json "$BATCH" 2012-01-01 $([[ $run == *-bysymbol ]] && echo --by-symbol)
            stop_server
            rm -rf "$ENGINE_DATA"
        done
    done
    echo "symbols=$SYMBOLS rounds=$SYMBOLS_ROUNDS" >"$OUT/symbols.txt"
fi
ENGINE_DATA=$MAIN_DATA

# Journal replay on restart: without the store's checkpoint the engine replays its whole journal.
log "tick-engine restart: full journal replay"
rm -f "$ENGINE_DATA"/tick-engine.db*
start_engine
stop_server
grep -o 'journal replayed \[ticks=[0-9]*, openBars=[0-9]*, ms=[0-9]*\]' "$OUT/engine.log" | tail -1 |
    sed -E 's/.*ticks=([0-9]+).*ms=([0-9]+).*/ticks=\1 ms=\2/' >"$OUT/replay.txt" || true

# (c) QuestDB, ILP over HTTP, loopback only, telemetry off, nothing else listening
log "QuestDB $QUESTDB_VERSION"
PORT=$(free_port)
QDB_ROOT="$OUT/questdb-root"
mkdir -p "$QDB_ROOT/conf"
cat >"$QDB_ROOT/conf/server.conf" <<EOF
http.net.bind.to=127.0.0.1:$PORT
http.min.enabled=false
line.tcp.enabled=false
line.udp.enabled=false
pg.enabled=false
telemetry.enabled=false
EOF
java $SERVER_JAVA_OPTS -jar "$OUT/questdb/questdb-$QUESTDB_VERSION.jar" -d "$QDB_ROOT" >"$OUT/questdb.log" 2>&1 &
SERVER_PID=$!
wait_http "$PORT" /ping
load questdb-single questdb "http://127.0.0.1:$PORT/write?precision=ms" ilp 1 2002-01-01
load questdb-batch questdb "http://127.0.0.1:$PORT/write?precision=ms" ilp "$BATCH" 2004-01-01
curl -s "http://127.0.0.1:$PORT/exec?query=select%20count()%20from%20ticks" >"$OUT/questdb-count.json" || true
stop_server

if [[ "$JMH" == 1 ]]; then
    log "JMH: allocation per tick, parse bytes/s, journal vs raw Chronicle, COPY vs raw pgjdbc COPY, replay"
    (cd "$OUT" && java -jar "$OUT/bin/tick-bench.jar" jmh -rf csv -rff "$OUT/jmh.csv" -prof gc \
        "$JMH_SUITES" >"$OUT/jmh.log" 2>&1) ||
        echo "JMH failed, see $OUT/jmh.log" >&2
fi

BACKFILL_TICKS=${BACKFILL_TICKS:-1000000}
if [[ "$BACKFILL_TICKS" != 0 ]]; then
    log "bar rebuild of a backfill after live ticks vs a clean import ($BACKFILL_TICKS ticks, 3 pairs)"
    $BENCH backfill --ticks "$BACKFILL_TICKS" --pairs 3 --dir "$OUT/backfill" 2>/dev/null | grep -v '^\[' \
        >"$OUT/backfill.txt" || echo "backfill benchmark failed, see $OUT/backfill.txt" >&2
fi

$BENCH plot "$OUT/latency-single.png" "$OUT/noop-single.hgrm" "$OUT/engine-single.hgrm" \
    "$OUT/questdb-single.hgrm" --title "One tick per request, full speed: latency by percentile"
$BENCH plot "$OUT/latency-fixed.png" "$OUT/noop-fixed.hgrm" "$OUT/noop-fixed-engine-rate.hgrm" \
    "$OUT/engine-fixed.hgrm" --title "Fixed rate, half the max single-tick rate (CO-corrected): latency by percentile"
$BENCH table --dir "$OUT" --out "$OUT/table.md"
