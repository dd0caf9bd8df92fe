# Shell helpers the benchmark scripts share: source it, then call them. Servers run on loopback only.
# shellcheck shell=bash

log() { printf '\n== %s\n' "$*" >&2; }

free_port() {
    local p
    while true; do
        p=$((20000 + RANDOM % 20000))
        if ! ss -ltnH | awk '{print $4}' | grep -q ":$p\$"; then
            echo "$p"
            return
        fi
    done
}

wait_http() { # port path
    for _ in $(seq 1 240); do
        if curl -s -o /dev/null "http://127.0.0.1:$1$2"; then
            return 0
        fi
        sleep 0.5
    done
    echo "server on port $1 did not come up" >&2
    return 1
}

SERVER_PID=
stop_server() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 60); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}
trap stop_server EXIT

# build_kafka_bench OUT: (re)creates OUT, builds the engine and tick-bench jars unless SKIP_BUILD is set, writes
# engine-kafka's test classpath (the broker jar and LocalPostgres are test dependencies) to OUT/cp.txt and copies both
# jars to OUT/bin, for the Kafka benchmarks.
build_kafka_bench() {
    local out=$1
    rm -rf "$out"
    mkdir -p "$out/bin"
    if [[ -z "${SKIP_BUILD:-}" ]]; then
        log "build"
        (cd "$ROOT" && mvn -B -ntp -q package -DskipTests -Dspotless.check.skip=true -pl engine-http,benchmarks -am)
    fi
    log "test classpath of engine-kafka"
    (cd "$ROOT" && mvn -B -ntp -q package dependency:build-classpath -DskipTests -Dspotless.check.skip=true \
        -pl engine-kafka -am -Dmdep.includeScope=test -Dmdep.outputFile="$out/cp.txt")
    cp "$ROOT/engine-http/target/tick-engine.jar" "$ROOT/benchmarks/target/tick-bench.jar" "$out/bin/"
}
