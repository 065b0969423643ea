#!/usr/bin/env python3
"""The fit stage of /work/shared/bench/py_pipeline.py alone (same preparation, same estimator
settings), timed, so that `hcbench fit` can be run alternately with it in one session:

    python3 Benchmarks/py_fit.py /tmp/panel_1m.csv [--newton]

Prints the scikit-learn lbfgs fit time (and newton-cholesky with --newton).
"""
import os, sys, time
import pandas as pd
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from py_read_prepare import prepare

Xn, y, _ = prepare(pd.read_csv(sys.argv[1]))

t0 = time.perf_counter()
lb = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000, tol=1e-8).fit(Xn, y)
print(f"fit_sklearn_lbfgs_s {time.perf_counter() - t0:.3f}  iterations {lb.n_iter_[0]}")
if "--newton" in sys.argv:
    t0 = time.perf_counter()
    nc = LogisticRegression(C=1e6, solver="newton-cholesky", max_iter=100, tol=1e-8).fit(Xn, y)
    print(f"fit_sklearn_newton_cholesky_s {time.perf_counter() - t0:.3f}")
