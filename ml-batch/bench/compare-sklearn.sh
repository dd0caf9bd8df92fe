#!/usr/bin/env bash
# The whole loop against scikit-learn, in one run: the real 1-minute bars of ../shared/data/bars are imported into a
# fresh engine store (tick-engine import), `ml-batch prepare` writes the dataset, `ml-batch train` and
# `ml-batch evaluate` build and measure the model, and scikit-learn's RandomForestClassifier trains on the same CSV
# with the same purged time split. Prints a Markdown table (the one in docs/ml.md).
#
# Usage: ml-batch/bench/compare-sklearn.sh [TREES]   (from the repository root; builds the jars if missing)
# Needs python3-sklearn (Debian); installs it with apt-get when missing and run as root.
set -euo pipefail

TREES="${1:-100}"
# The same number of threads on both sides; 1 by default (ml-batch train's default).
THREADS="${THREADS:-1}"
export OMP_WAIT_POLICY=passive
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BARS="${BARS:-$ROOT/../shared/data/bars/BTCALT_M1_2017.csv}"
TEST_FROM="${TEST_FROM:-2017-11-14}"
TEST_FROM_MSC=1510617600000
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if ! /usr/bin/python3 -c 'import sklearn' 2>/dev/null; then
  apt-get install -y -qq python3-sklearn >/dev/null
fi
if [[ ! -f "$ROOT/ml-batch/target/ml-batch.jar" || ! -f "$ROOT/engine-http/target/tick-engine.jar" ]]; then
  (cd "$ROOT" && mvn -B -ntp -q -pl engine-http,ml-batch -am package -DskipTests)
fi
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
ENGINE=(java -jar "$ROOT/engine-http/target/tick-engine.jar")
ML=(java -jar "$ROOT/ml-batch/target/ml-batch.jar")

# time_msc,open,high,low,close,volume -> MT5 "Export bars" (tab-separated, server time = UTC here).
awk -F, 'NR > 1 {
  t = int($1 / 1000); d = strftime("%Y.%m.%d", t, 1); h = strftime("%H:%M:%S", t, 1);
  printf "%s\t%s\t%s\t%s\t%s\t%s\t0\t%s\t0\n", d, h, $2, $3, $4, $5, $6
} BEGIN { print "<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>" }' "$BARS" \
  > "$WORK/BTCALT_M1_2017.csv"
"${ENGINE[@]}" import --data-dir "$WORK/data" --timeframe M1 "$WORK/BTCALT_M1_2017.csv" >/dev/null

"${ML[@]}" prepare --data-dir "$WORK/data" --symbol BTCALT --tf M1 --out "$WORK/dataset.csv" >&2
java_train="$("${ML[@]}" train --dataset "$WORK/dataset.csv" --test-from "$TEST_FROM" --trees "$TREES" \
  --threads "$THREADS" --model-out "$WORK/model")"
java_eval="$("${ML[@]}" evaluate --model "$WORK/model" --dataset "$WORK/dataset.csv" --test-from "$TEST_FROM" --json)"
py="$(/usr/bin/python3 "$ROOT/ml-batch/bench/compare_sklearn.py" "$WORK/dataset.csv" "$TEST_FROM_MSC" "$TREES" "$THREADS")"

echo "Machine: $(nproc) cores, load average before the run $LOAD_BEFORE, after $(cut -d' ' -f1-3 /proc/loadavg)."
/usr/bin/python3 - "$java_train" "$java_eval" "$py" "$TREES" "$THREADS" <<'PY'
import json, sys
train, ev, sk, trees, threads = (json.loads(sys.argv[1]), json.loads(sys.argv[2]), json.loads(sys.argv[3]),
                                 sys.argv[4], sys.argv[5])
print(f"Data: {train['train_rows']} training rows (purged), {train['test_rows']} held-out rows, {trees} trees, "
      f"8 features, 3 classes, {threads} training thread(s) on each side.\n")
print("| | ml-batch (XGBoost4J RF mode) | scikit-learn RandomForest | ratio / difference | target |")
print("| --- | --- | --- | --- | --- |")
print(f"| held-out macro OvR AUC | {ev['auc']:.4f} | {sk['auc']:.4f} | {ev['auc'] - sk['auc']:+.4f} | >= -0.01 |")
print(f"| held-out accuracy | {ev['accuracy']:.4f} | {sk['accuracy']:.4f} | {ev['accuracy'] - sk['accuracy']:+.4f} | |")
print(f"| training time (s) | {train['train_seconds']:.3f} | {sk['train_seconds']:.3f} | "
      f"{train['train_seconds'] / sk['train_seconds']:.2f}x | <= 1.0x |")
print(f"| batch prediction (rows/s) | {ev['predict_rows_per_second']:,.0f} | {sk['predict_rows_per_second']:,.0f} | "
      f"{ev['predict_rows_per_second'] / sk['predict_rows_per_second']:.2f}x | >= 100,000 |")
print(f"\nscikit-learn: {sk['library']}; model card library: xgboost4j {train.get('model')}")
PY
