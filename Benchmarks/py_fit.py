#!/usr/bin/env python3
"""The fit stage of /work/shared/bench/py_pipeline.py alone (same preparation, same estimator
settings), timed, so that `hcbench fit` can be run alternately with it in one session:

    python3 Benchmarks/py_fit.py /tmp/panel_1m.csv [--newton]

Prints the scikit-learn lbfgs fit time (and newton-cholesky with --newton).
"""
import sys, time
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression

df = pd.read_csv(sys.argv[1])
feats = [c for c in df.columns if c not in ("customer_id", "period", "segment", "churned")]
X = df[feats].astype(float)
X = X.fillna(X.mean())
mu, sd = X.mean(), X.std(ddof=0).replace(0, 1)
X = (X - mu) / sd
X = pd.concat([X, pd.get_dummies(df["segment"], prefix="segment", drop_first=True, dtype=float)], axis=1)
y = df["churned"].to_numpy()
Xn = X.to_numpy()

t0 = time.perf_counter()
lb = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000, tol=1e-8).fit(Xn, y)
print(f"fit_sklearn_lbfgs_s {time.perf_counter() - t0:.3f}  iterations {lb.n_iter_[0]}")
if "--newton" in sys.argv:
    t0 = time.perf_counter()
    nc = LogisticRegression(C=1e6, solver="newton-cholesky", max_iter=100, tol=1e-8).fit(Xn, y)
    print(f"fit_sklearn_newton_cholesky_s {time.perf_counter() - t0:.3f}")
