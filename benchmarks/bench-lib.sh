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

requests_per_second() { # DIR NAME -> the requests/s of the load run DIR/NAME.json
    sed -E 's/.*"requestsPerSecond":([0-9.]+).*/\1/' "$1/$2.json"
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

# build_bench OUT: (re)creates OUT, builds the engine and tick-bench jars unless SKIP_BUILD is set, and copies both to
# OUT/bin. The runs use those copies, so a rebuild during a run cannot change the classes under a running JVM.
build_bench() {
    local out=$1
    rm -rf "$out"
    mkdir -p "$out/bin"
    if [[ -z "${SKIP_BUILD:-}" ]]; then
        log "build"
        (cd "$ROOT" && mvn -B -ntp -q package -DskipTests -Dspotless.check.skip=true -pl engine-http,benchmarks -am)
    fi
    cp "$ROOT/engine-http/target/tick-engine.jar" "$ROOT/benchmarks/target/tick-bench.jar" "$out/bin/"
}

# build_kafka_bench OUT: build_bench, and engine-kafka's test classpath (the broker jar and LocalPostgres are test
# dependencies) in OUT/cp.txt, for the Kafka benchmarks.
build_kafka_bench() {
    local out=$1
    build_bench "$out"
    log "test classpath of engine-kafka"
    (cd "$ROOT" && mvn -B -ntp -q package dependency:build-classpath -DskipTests -Dspotless.check.skip=true \
        -pl engine-kafka -am -Dmdep.includeScope=test -Dmdep.outputFile="$out/cp.txt")
}

# bench_env OUT [LINE...]: writes the run's header (date, machine, JDK, commit, then LINEs) to OUT/env.txt and shows it.
bench_env() {
    local out=$1
    shift
    {
        echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "uptime:  $(uptime)"
        echo "nproc:   $(nproc)"
        echo "cpu:     $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
        echo "memory:  $(free -g | awk '/Mem:/ {print $2 " GiB"}')"
        echo "kernel:  $(uname -r)"
        echo "jdk:     $(java -version 2>&1 | head -2 | tail -1)"
        echo "commit:  $(cd "$ROOT" && git rev-parse --short HEAD)$(cd "$ROOT" && git diff --quiet || echo ' (modified)')"
        # The floor under every latency percentile of the run: how late this host wakes a thread from a short park,
        # measured before anything else runs, and (on a KVM guest) whether idle vCPUs poll before they halt.
        java -jar "$out/bin/tick-bench.jar" jitter --seconds 5
        if [ -r /sys/devices/system/cpu/cpuidle/current_driver ]; then
            echo "idle:    cpuidle $(cat /sys/devices/system/cpu/cpuidle/current_driver)$(
                [ -r /sys/module/haltpoll/parameters/guest_halt_poll_ns ] &&
                    echo ", guest_halt_poll_ns=$(cat /sys/module/haltpoll/parameters/guest_halt_poll_ns)")"
        fi
        for line in "$@"; do
            echo "$line"
        done
    } >"$out/env.txt"
    cat "$out/env.txt" >&2
}

# kafka_bench_env OUT [LINE...]: bench_env with the Kafka benchmarks' load knobs.
kafka_bench_env() {
    local out=$1
    shift
    bench_env "$out" \
        "load:    $CONNECTIONS connections, batches of $BATCH ticks, ${WARMUP}s warm-up + ${DURATION}s per run" "$@"
}

# start_kafka_cluster OUT TOPIC PARTITIONS: a 3-node KRaft cluster with the topic, in a child JVM on engine-kafka's
# test classpath (OUT/cp.txt, from build_kafka_bench); sets CLUSTER_PID and BOOTSTRAP, or exits naming the failure.
start_kafka_cluster() {
    local out=$1 topic=$2 partitions=$3
    java -Xmx256m -cp "$ROOT/engine-kafka/target/test-classes:$(cat "$out/cp.txt")" \
        io.tickengine.kafka.testsupport.KafkaClusterMain "$out/cluster" "$topic" "$partitions" >"$out/cluster.log" 2>&1 &
    CLUSTER_PID=$!
    for _ in $(seq 1 120); do
        grep -q '^kafka-cluster: bootstrap=' "$out/cluster.log" && break
        sleep 0.5
    done
    BOOTSTRAP=$(sed -n 's/^kafka-cluster: bootstrap=//p' "$out/cluster.log")
    [[ -n "$BOOTSTRAP" ]] || { echo "cluster did not start" >&2; cat "$out/cluster.log" >&2; exit 1; }
}
