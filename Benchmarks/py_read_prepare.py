#!/usr/bin/env python3
"""The read and prepare stages of /work/shared/bench/py_pipeline.py alone (same code), timed,
with the peak RSS of just these two stages: the pandas side of `hcbench encode`.

    python3 Benchmarks/py_read_prepare.py /tmp/panel_1m.csv

`prepare` is also what Benchmarks/py_fit.py fits on.
"""
import resource, sys, time
import pandas as pd


def prepare(df):
    """py_pipeline.py's prepare stage: mean-impute, standardize, one-hot segment."""
    feats = [c for c in df.columns if c not in ("customer_id", "period", "segment", "churned")]
    X = df[feats].astype(float)
    X = X.fillna(X.mean())
    mu, sd = X.mean(), X.std(ddof=0).replace(0, 1)
    X = (X - mu) / sd
    X = pd.concat([X, pd.get_dummies(df["segment"], prefix="segment", drop_first=True, dtype=float)], axis=1)
    y = df["churned"].to_numpy()
    Xn = X.to_numpy()
    order = sorted(df["period"].unique())
    pidx = df["period"].map({p: i for i, p in enumerate(order)}).to_numpy()
    return Xn, y, pidx


if __name__ == "__main__":
    t0 = time.perf_counter()
    df = pd.read_csv(sys.argv[1])
    t1 = time.perf_counter()
    Xn, y, pidx = prepare(df)
    t2 = time.perf_counter()
    print(f"read_s {t1 - t0:.3f}")
    print(f"prepare_s {t2 - t1:.3f}  ({Xn.shape[0]} x {Xn.shape[1]})")
    print(f"total_s {t2 - t0:.3f}")
    print(f"peak_rss_mib {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")
