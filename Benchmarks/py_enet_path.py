#!/usr/bin/env python3
"""scikit-learn's elastic-net path with time-ordered cross-validation: the peer of
`healthcal fit` with `model.select: path` (BENCHMARKS.md, "Elastic-net path").

The same preparation as /work/shared/bench/py_pipeline.py (mean-impute, standardize, one-hot
segment), rows sorted by period, then
    LogisticRegressionCV(penalty="elasticnet", solver="saga", l1_ratios=..., Cs=..., cv=TimeSeriesSplit(k))
choosing C by log loss (the out-of-sample deviance / 2). Prints seconds per stage; run it under
/usr/bin/time -v for the peak memory.

    python3 py_enet_path.py --data $TMPDIR/panel_1m.csv --splits 4
"""
import argparse, time, warnings
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegressionCV
from sklearn.model_selection import TimeSeriesSplit

ap = argparse.ArgumentParser()
ap.add_argument("--data", required=True)
ap.add_argument("--splits", type=int, default=4)
ap.add_argument("--cs", type=int, default=10)
ap.add_argument("--l1-ratios", default="0.8,1.0")
ap.add_argument("--max-iter", type=int, default=100)
a = ap.parse_args()

t0 = time.perf_counter()
df = pd.read_csv(a.data)
order = sorted(df["period"].unique())
df = df.assign(_p=df["period"].map({p: i for i, p in enumerate(order)})).sort_values("_p", kind="stable")
feats = [c for c in df.columns if c not in ("customer_id", "period", "segment", "churned", "_p")]
X = df[feats].astype(float)
X = X.fillna(X.mean())
X = (X - X.mean()) / X.std(ddof=0).replace(0, 1)
X = pd.concat([X, pd.get_dummies(df["segment"], prefix="segment", drop_first=True, dtype=float)], axis=1).to_numpy()
y = df["churned"].to_numpy()
print(f"read+prepare {time.perf_counter() - t0:8.1f} s  rows {len(y)} columns {X.shape[1]} periods {len(order)}", flush=True)

t0 = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")   # saga's ConvergenceWarning at max_iter, reported below
    m = LogisticRegressionCV(penalty="elasticnet", solver="saga", l1_ratios=[float(r) for r in a.l1_ratios.split(",")],
                             Cs=a.cs, cv=TimeSeriesSplit(n_splits=a.splits), scoring="neg_log_loss",
                             max_iter=a.max_iter, n_jobs=1).fit(X, y)
print(f"path+cv {time.perf_counter() - t0:8.1f} s  C {m.C_[0]:.4g} l1_ratio {m.l1_ratio_[0]} "
      f"non-zero {int((m.coef_ != 0).sum())} of {X.shape[1]}  n_iter max {int(np.max(m.n_iter_))}", flush=True)
