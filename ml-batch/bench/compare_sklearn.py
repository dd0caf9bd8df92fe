#!/usr/bin/python3
"""scikit-learn's RandomForestClassifier on the same CSV and the same purged time split as `ml-batch train`.

Usage: compare_sklearn.py DATASET.csv TEST_FROM_MSC TREES [THREADS]
Prints one JSON object: auc (macro one-vs-rest over the classes present in the test rows), accuracy,
train_seconds (fit only), predict_rows_per_second (predict_proba over every row of the dataset).
"""
import json
import sys
import time

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, roc_auc_score

HORIZON = 5  # labels_m1 looks 5 bars ahead: purge that many training rows before the split


def main():
    path, test_from, trees = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with open(path) as f:
        header = f.readline().strip().split(",")
    data = np.genfromtxt(path, delimiter=",", skip_header=1, dtype=np.float64,
                         usecols=[0] + list(range(2, len(header))))
    times, x, y = data[:, 0].astype(np.int64), data[:, 1:-1].astype(np.float32), data[:, -1].astype(np.int64)
    test_start = int(np.searchsorted(times, test_from, side="left"))
    train_end = max(0, test_start - HORIZON)
    model = RandomForestClassifier(n_estimators=trees, random_state=42, n_jobs=int(sys.argv[4]) if len(sys.argv) > 4 else -1)
    start = time.perf_counter()
    model.fit(x[:train_end], y[:train_end])
    train_seconds = time.perf_counter() - start
    p = model.predict_proba(x[test_start:])
    y_test = y[test_start:]
    classes = list(model.classes_)
    aucs = []
    for c in (-1, 0, 1):
        positive = y_test == c
        if 0 < positive.sum() < len(y_test) and c in classes:
            aucs.append(roc_auc_score(positive, p[:, classes.index(c)]))
    predicted = np.array(classes)[p.argmax(axis=1)]
    model.predict_proba(x)  # warm-up
    start = time.perf_counter()
    rounds = 5
    for _ in range(rounds):
        model.predict_proba(x)
    rows_per_second = rounds * len(x) / (time.perf_counter() - start)
    print(json.dumps({
        "library": "scikit-learn " + __import__("sklearn").__version__,
        "train_rows": train_end, "test_rows": len(y_test),
        "auc": float(np.mean(aucs)), "accuracy": float(accuracy_score(y_test, predicted)),
        "train_seconds": train_seconds, "predict_rows_per_second": rows_per_second,
    }))


if __name__ == "__main__":
    main()
