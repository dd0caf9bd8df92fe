#!/usr/bin/env bash
# Smoke test of a running Tick Engine:   ops/smoke/smoke.sh URL KEY
#
#   URL  the engine, e.g. http://127.0.0.1:18001
#   KEY  an API key with the scopes ingest, read and signals (or admin); @FILE reads it from FILE
#
# Checks, in order: GET /health is 200 "ok"; one tick POSTed to /ingest/tick is acknowledged (202), then read back
# from GET /ticks and seen in its M1 candle (GET /candles); GET /metrics answers with the engine's counters; a signal
# goes round: POST /signals, GET /signals/next, POST /signals/ack.
# The tick and the signal use the symbol $SMOKE_SYMBOL (default SMOKETEST), never a traded one; the tick's source is
# "smoke" with the current epoch ms as seq, so each run adds exactly one tick.
# Exit 0 with "smoke: ok ..." on standard output; otherwise non-zero with one line "smoke: FAIL <step>: <reason>"
# on standard error. Needs bash, curl and GNU date. Used by the systemd smoke timer and the Compose healthcheck.
set -uo pipefail

fail() {
  printf 'smoke: FAIL %s: %s\n' "$1" "$2" >&2
  exit 1
}

[[ $# -eq 2 ]] || { echo "usage: smoke.sh URL KEY   (KEY: ingest+read+signals, or @FILE)" >&2; exit 2; }
url="${1%/}"
key="$2"
if [[ "$key" == @* ]]; then
  key="$(tr -d '\r\n' < "${key#@}" 2>/dev/null)" || fail key "cannot read the key file ${2#@}"
fi
[[ -n "$key" ]] || fail key "empty API key"
symbol="${SMOKE_SYMBOL:-SMOKETEST}"
timeout="${SMOKE_TIMEOUT_S:-10}"
command -v curl >/dev/null 2>&1 || fail setup "curl is not installed"
start_ms="$(date +%s%3N)"

body="$(mktemp)"
errors="$(mktemp)"
trap 'rm -f "$body" "$errors"' EXIT

# request METHOD PATH [JSON]: sets $status and leaves the body in $body; a connection failure ends the test.
request() {
  local method="$1" path="$2" data="${3:-}"
  local args=(-sS -o "$body" -w '%{http_code}' --max-time "$timeout" -X "$method" -H "X-API-Key: $key")
  if [[ -n "$data" ]]; then
    args+=(-H 'Content-Type: application/json' --data-binary "$data")
  fi
  if ! status="$(curl "${args[@]}" "$url$path" 2>"$errors")"; then
    fail "$step" "engine unreachable at $url ($(tr '\n' ' ' < "$errors" | sed 's/^curl: //; s/ *$//'))"
  fi
}

expect() {
  [[ "$status" == "$1" ]] || fail "$step" "$2 answered $status: $(head -c 200 "$body" | tr '\n' ' ')"
}

step=health
request GET /health
expect 200 "GET /health"
grep -q '"status":"ok"' "$body" || fail health "not ready: $(head -c 200 "$body")"

step=ingest
now="$(date +%s%3N)"
bid="1.$(printf '%05d' $((now % 100000)))"
request POST /ingest/tick "{\"symbol\":\"$symbol\",\"time_msc\":$now,\"bid\":$bid,\"ask\":$bid,\"flags\":6,\"source\":\"smoke\",\"seq\":$now}"
expect 202 "POST /ingest/tick"

step=read-back
minute=$((now / 60000 * 60000))
deadline=$(( $(date +%s) + timeout ))
found=""
while (( $(date +%s) <= deadline )); do
  request GET "/ticks?symbol=$symbol&from=$now&to=$((now + 1))&format=csv"
  expect 200 "GET /ticks"
  if grep -q "^$symbol,$now," "$body"; then
    request GET "/candles?symbol=$symbol&tf=M1&from=$minute&to=$minute&format=csv"
    expect 200 "GET /candles"
    if grep -q "^$symbol,M1,$minute," "$body"; then
      found=yes
      break
    fi
  fi
  sleep 0.2
done
[[ -n "$found" ]] || fail read-back "the tick or its M1 candle is not readable after ${timeout}s [symbol=$symbol, time_msc=$now]"

step=metrics
request GET /metrics
expect 200 "GET /metrics"
grep -q '^tick_ticks_journaled_total' "$body" || fail metrics "no tick_ticks_journaled_total in /metrics"

step=signals
signal_id="smoke.$now"
request POST /signals "{\"signal_id\":\"$signal_id\",\"symbol\":\"$symbol\",\"side\":\"buy\",\"size\":0.01,\"ttl_ms\":60000,\"model_id\":\"smoke\"}"
expect 201 "POST /signals"
request GET "/signals/next?consumer=smoke&symbol=$symbol"
expect 200 "GET /signals/next"
lease_id="$(sed -n 's/.*"lease_id":"\([^"]*\)".*/\1/p' "$body")"
grep -q "\"signal_id\":\"$signal_id\"" "$body" && [[ -n "$lease_id" ]] \
  || fail signals "GET /signals/next did not lease $signal_id: $(head -c 200 "$body")"
request POST /signals/ack "{\"signal_id\":\"$signal_id\",\"lease_id\":\"$lease_id\",\"consumer\":\"smoke\",\"result\":\"rejected\",\"message\":\"smoke test\"}"
expect 200 "POST /signals/ack"
grep -q '"status":"recorded"' "$body" || fail signals "ack not recorded: $(head -c 200 "$body")"

printf 'smoke: ok [url=%s, symbol=%s, time_msc=%s, ms=%s]\n' "$url" "$symbol" "$now" "$(( $(date +%s%3N) - start_ms ))"
