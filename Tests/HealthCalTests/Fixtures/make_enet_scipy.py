#!/usr/bin/env python3
"""A second reference for ElasticNetTelcoTests: the exact elastic-net objective minimized by scipy.

Rebuilds the design of make_enet_fixtures.R (same rules: the 21-field rows of telco.csv, median
imputation, population-SD standardization, most-frequent reference level, C-order levels, levels
seen < 20 times pooled into "(other)"), checks it against the design summary in
enet_reference.json, then minimizes  -log L + l1*sum|b| + (l2/2)*sum b^2  for each case with
L-BFGS-B on the split b = u - v (u, v >= 0), a smooth problem with the same optimum.
Run (from this folder):  python3 make_enet_scipy.py > enet_scipy.json   (scipy 1.17.1)
"""
import csv, json, sys
import numpy as np, scipy
from scipy.optimize import minimize

ref = json.load(open("enet_reference.json"))
rows = [r for r in csv.reader(open("telco.csv")) if len(r) == 21]
head, rows = rows[0], rows[1:]
col = {n: [r[i] for r in rows] for i, n in enumerate(head)}
y = np.array([1.0 if v == "Yes" else 0.0 for v in col["Churn"]])
cols, names = [], []
for v in ["tenure", "MonthlyCharges", "TotalCharges"]:
    x = np.array([float(s) if s.strip() else np.nan for s in col[v]])
    x[np.isnan(x)] = np.median(x[~np.isnan(x)])
    cols.append((x - x.mean()) / x.std()); names.append(v)
cols.append(np.array([float(s) for s in col["SeniorCitizen"]])); names.append("SeniorCitizen")
for v in ["gender", "Partner", "Dependents", "MultipleLines", "InternetService", "Contract", "PaperlessBilling", "PaymentMethod"]:
    counts = {}
    for s in col[v]: counts[s] = counts.get(s, 0) + 1
    kept = sorted(l for l in counts if counts[l] >= 20)
    rare = [l for l in counts if counts[l] < 20]
    reference = max(kept, key=lambda l: (counts[l], [-ord(c) for c in l]))
    for l in kept:
        if l != reference: cols.append(np.array([1.0 if s == l else 0.0 for s in col[v]])); names.append(f"{v}={l}")
    if rare: cols.append(np.array([1.0 if s in rare else 0.0 for s in col[v]])); names.append(f"{v}=(other)")
X = np.column_stack(cols)
assert names == ref["columns"], names
assert np.max(np.abs(X.mean(0) - np.array(ref["design_means"]))) < 1e-12
Xc = np.column_stack([np.ones(len(y)), X])
p = X.shape[1]

def solve(l1, l2):
    def f(z):
        b0, u, v = z[0], z[1:p + 1], z[p + 1:]
        b = np.concatenate([[b0], u - v])
        eta = Xc @ b
        nll = np.sum(np.logaddexp(0, eta) - y * eta)
        g = Xc.T @ (1 / (1 + np.exp(-eta)) - y)
        val = nll + l1 * np.sum(u + v) + 0.5 * l2 * np.sum((u - v) ** 2)
        gb = g[1:] + l2 * (u - v)
        return val, np.concatenate([[g[0]], gb + l1, -gb + l1])
    z0 = np.zeros(1 + 2 * p)
    r = minimize(f, z0, jac=True, method="L-BFGS-B", bounds=[(None, None)] + [(0, None)] * (2 * p),
                 options={"maxiter": 100000, "maxcor": 50, "ftol": 1e-16, "gtol": 1e-12})
    b = np.concatenate([[r.x[0]], r.x[1:p + 1] - r.x[p + 1:]])
    return b

out = {"scipy_version": scipy.__version__, "cases": []}
for c in ref["cases"]:
    b = solve(c["l1"], c["l2"])
    glm = np.array([c["intercept"]] + c["coef"])
    out["cases"].append({"l1": c["l1"], "l2": c["l2"], "coefficients": b.tolist(),
                         "max_abs_diff_from_glmnet": float(np.max(np.abs(b - glm)))})
print(json.dumps(out, indent=1))
