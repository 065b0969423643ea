#!/usr/bin/env python3
"""Optimism (Efron-Gong) reference for OptimismValidationTests, computed independently with numpy
and scikit-learn on a fixed list of customer resamples.

The sample panel (notebooks-data/panel.csv) is encoded as notebooks-data/spec.yaml says (log1p,
constant imputation on the transformed scale with an always-on missing indicator, no
standardization, plan one-hot against "basic", invoice_sent 0/1: a design that does not depend
on the rows it is fitted on), and fitted with the spec's ridge (0.5 x the sum of squared
non-intercept weights / 2, added to the summed log loss) by Newton's method to 1e-15.
For each resample (a line of optimism_resamples.txt: customer ids drawn with replacement; a
customer drawn k times brings all its rows k times) the model is refitted with the rows weighted
by k, then scored on every row; each figure is computed on the resample (weights k) and on all
rows (weights 1): AUC (scikit-learn's roc_auc_score with sample weights, ties half), Somers' Dxy
= 2 AUC - 1, Brier, and the calibration intercept and slope (weighted logistic regression of the
outcome on logit(p), Newton to 1e-15). optimism = mean(training) - mean(test), corrected =
apparent - optimism.

Run:  python3 make_optimism_fixtures.py   (writes optimism_resamples.txt, optimism_reference.json)
"""
import json, os
import numpy as np, pandas as pd
from sklearn.metrics import roc_auc_score

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "..", "..", ".."))
panel = pd.read_csv(os.path.join(root, "notebooks-data", "panel.csv"), dtype={"customer_id": str, "plan": str})
RIDGE = 0.5

def column(name, log1p=False, impute=None, indicator=False):
    raw = panel[name].astype(float)
    value = np.log1p(raw) if log1p else raw
    out = [value.fillna(impute).to_numpy() if impute is not None else value.to_numpy()]
    return out + ([raw.isna().astype(float).to_numpy()] if indicator else [])

parts = [np.ones(len(panel))]
for spec in [("logins_30d", True, 3.0, True), ("active_user_share", False, 0.6, True), ("feature_adoption",),
             ("support_tickets", True, 1.0, True), ("nps", False, 0.0, True), ("payment_delay_days", True, 0.0, True),
             ("exec_meetings",), ("seats", True)]:
    parts += column(*spec)
parts += [(panel["plan"] == level).astype(float).to_numpy() for level in ("enterprise", "pro")]
parts.append(panel["invoice_sent"].astype(float).to_numpy())
X = np.column_stack(parts)
y = panel["churned"].astype(float).to_numpy()
ids = panel["customer_id"].to_numpy()

def fit(w):
    beta = np.zeros(X.shape[1])
    pen = np.full(X.shape[1], RIDGE); pen[0] = 0
    for _ in range(100):
        p = 1 / (1 + np.exp(-X @ beta))
        g = X.T @ (w * (p - y)) + pen * beta
        H = X.T @ (X * (w * p * (1 - p))[:, None]) + np.diag(pen)
        step = np.linalg.solve(H, g)
        beta -= step
        if np.max(np.abs(step)) < 1e-15 * max(1, np.max(np.abs(beta))):
            break
    return beta

def cox(p, w):
    x = np.log(p / (1 - p))
    a, b = 0.0, 1.0
    for _ in range(100):
        s = 1 / (1 + np.exp(-(a + b * x)))
        r, h = w * (y - s), w * s * (1 - s)
        g = np.array([r.sum(), (r * x).sum()])
        H = np.array([[h.sum(), (h * x).sum()], [(h * x).sum(), (h * x * x).sum()]])
        d = np.linalg.solve(H, g)
        a, b = a + d[0], b + d[1]
        if np.max(np.abs(d)) < 1e-15:
            break
    return a, b

def figures(p, w):
    keep = w > 0
    auc = roc_auc_score(y[keep], p[keep], sample_weight=w[keep])
    intercept, slope = cox(p, w)
    return {"auc": auc, "dxy": 2 * auc - 1, "calibration_slope": slope, "calibration_intercept": intercept,
            "brier": float(np.sum(w * (y - p) ** 2) / np.sum(w))}

customers = list(dict.fromkeys(ids))
rng = np.random.default_rng(20261206)
resamples = [list(rng.choice(customers, size=len(customers), replace=True)) for _ in range(5)]
with open(os.path.join(here, "optimism_resamples.txt"), "w") as f:
    for r in resamples:
        f.write(",".join(r) + "\n")

ones = np.ones(len(y))
apparent = figures(1 / (1 + np.exp(-X @ fit(ones))), ones)
training, test = [], []
row_of = pd.Series(np.arange(len(customers)), index=customers)
for r in resamples:
    drawn = np.bincount(row_of[r].to_numpy(), minlength=len(customers)).astype(float)
    k = drawn[row_of[ids].to_numpy()]
    p = 1 / (1 + np.exp(-X @ fit(k)))
    training.append(figures(p, k))
    test.append(figures(p, ones))
out = {"resamples": len(resamples), "figures": {}}
for name in ["auc", "dxy", "calibration_slope", "calibration_intercept", "brier"]:
    tr = float(np.mean([t[name] for t in training])); te = float(np.mean([t[name] for t in test]))
    out["figures"][name] = {"apparent": apparent[name], "training": tr, "test": te, "optimism": tr - te,
                            "corrected": apparent[name] - (tr - te)}
with open(os.path.join(here, "optimism_reference.json"), "w") as f:
    json.dump(out, f, indent=2)
    f.write("\n")
