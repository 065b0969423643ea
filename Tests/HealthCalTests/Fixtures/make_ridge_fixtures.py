#!/usr/bin/env python3
"""Reference ridge-logistic fits from scikit-learn, for LogisticFitRidgeTests.

healthcal's ridge λ minimizes  -log L + (λ/2)||w||²  (intercept unpenalized); scikit-learn's
LogisticRegression(C) minimizes  C * sum_i s_i * loss_i + ½||w||², the same optimum for C = 1/λ.
Run:  python3 make_ridge_fixtures.py > ridge_reference.json   (scikit-learn 1.9.1 made the committed file)
"""
import json, sys
import numpy as np, pandas as pd, sklearn
from sklearn.linear_model import LogisticRegression

here = __file__.rsplit("/", 1)[0]
out = {"sklearn_version": sklearn.__version__, "cases": []}

def case(name, X, y, lam, w=None, cols=None):
    m = LogisticRegression(C=1.0 / lam, solver="newton-cholesky", tol=1e-14, max_iter=1000)
    m.fit(X, y, sample_weight=w)
    out["cases"].append({
        "name": name, "ridge": lam, "columns": cols, "X": X.tolist(), "y": y.tolist(),
        "weights": None if w is None else w.tolist(),
        "intercept": float(m.intercept_[0]), "coef": m.coef_[0].tolist(),
    })

spector = pd.read_csv(f"{here}/spector.csv")
Xs, ys = spector[["GPA", "TUCE", "PSI"]].to_numpy(float), spector["GRADE"].to_numpy(float)
for lam in (0.1, 1.0, 10.0):
    case(f"spector_ridge_{lam}", Xs, ys, lam, cols=["GPA", "TUCE", "PSI"])

rng = np.random.default_rng(7)
n = 400
X = rng.normal(size=(n, 5)) * np.array([1, 2, 0.5, 3, 1])
eta = -1 + X @ np.array([0.8, -0.3, 1.2, 0.1, 0.0])
y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
w = rng.integers(1, 4, size=n).astype(float)
case("synthetic_weighted_ridge_2", X, y, 2.0, w=w, cols=[f"x{i}" for i in range(5)])

# Complete separation: x > 0 exactly when y = 1. No MLE exists; the ridge fit is finite.
xs = np.array([-3, -2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2, 3.0]).reshape(-1, 1)
ysep = (xs[:, 0] > 0).astype(float)
case("separated_ridge_1", xs, ysep, 1.0, cols=["x"])

json.dump(out, sys.stdout, indent=1)
