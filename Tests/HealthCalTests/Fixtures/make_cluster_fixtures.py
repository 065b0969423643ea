#!/usr/bin/env python3
"""Cluster-robust (per-customer) covariance references from statsmodels and R sandwich::vcovCL,
for ClusterCovarianceTests.

The sample panel (notebooks-data/panel.csv) is encoded here independently, as notebooks-data/spec.yaml
says (log1p, constant imputation on the transformed scale with a missing indicator, no
standardization, plan one-hot against "basic", invoice_sent 0/1), and fitted by maximum likelihood
(the spec's ridge set to 0: statsmodels' Logit has no penalty). statsmodels'
Logit(...).fit(cov_type="cluster", cov_kwds={"groups": ids}) applies its default small-sample
correction G/(G-1) * (N-1)/(N-K). R's sandwich::vcovCL(glm, cluster = ~id, type = "HC0",
cadjust = TRUE) applies G/(G-1) only, so statsmodels = R(HC0) * (N-1)/(N-K); vcovCL's type "HC1"
applies both and equals statsmodels.

A second case is a ridge fit (λ = 2) on a small synthetic panel with frequency weights, whose
sandwich is computed here with numpy in the plainest way (loops over customers): bread = inverse
of the penalized Hessian X'WX + λ·diag(0, 1, ..., 1), meat = Σ_g s_g s_g' with s_g the customer's
sum of w_i (y_i - p_i) x_i, N = Σ w_i.

Run:  python3 make_cluster_fixtures.py > cluster_reference.json   (needs Rscript with r-cran-sandwich)
"""
import json, os, subprocess, sys, tempfile
import numpy as np, pandas as pd, statsmodels, scipy
import statsmodels.api as sm
from scipy.optimize import minimize

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "..", "..", ".."))
panel = pd.read_csv(os.path.join(root, "notebooks-data", "panel.csv"), dtype={"customer_id": str, "plan": str})

def numeric(name, log1p=False, impute=None, indicator=False):
    v = panel[name].astype(float)
    miss = v.isna()
    t = np.log1p(v) if log1p else v
    cols = {name: t.fillna(impute) if impute is not None else t}
    if indicator:
        cols[f"{name} (missing)"] = miss.astype(float)
    return cols

cols = {"const": np.ones(len(panel))}
cols.update(numeric("logins_30d", True, 3.0, True))
cols.update(numeric("active_user_share", False, 0.6, True))
cols.update(numeric("feature_adoption"))
cols.update(numeric("support_tickets", True, 1.0, True))
cols.update(numeric("nps", False, 0.0, True))
cols.update(numeric("payment_delay_days", True, 0.0, True))
cols.update(numeric("exec_meetings"))
cols.update(numeric("seats", True))
for level in ("enterprise", "pro"):
    cols[f"plan={level}"] = (panel["plan"] == level).astype(float)
cols["invoice_sent"] = panel["invoice_sent"].astype(float)
X = pd.DataFrame(cols)
y = panel["churned"].astype(float).to_numpy()
ids = panel["customer_id"].to_numpy()
groups = pd.factorize(ids)[0]

res = sm.Logit(y, X).fit(method="newton", tol=1e-14, maxiter=100, disp=0,
                         cov_type="cluster", cov_kwds={"groups": groups})
naive = sm.Logit(y, X).fit(method="newton", tol=1e-14, maxiter=100, disp=0)
slopes = np.eye(X.shape[1])[1:]
wald = res.wald_test(slopes, scalar=True, use_f=False)
n, k, G = X.shape[0], X.shape[1], len(np.unique(groups))

# R: the same design and ids through a CSV.
with tempfile.TemporaryDirectory() as tmp:
    frame = X.drop(columns="const").copy()
    frame.columns = [f"x{j}" for j in range(1, k)]
    frame["y"], frame["id"] = y, ids
    frame.to_csv(os.path.join(tmp, "d.csv"), index=False)
    script = f"""
    suppressMessages(library(sandwich))
    d <- read.csv("{tmp}/d.csv", colClasses = c(id = "character"))
    m <- glm(y ~ ., data = d[, setdiff(names(d), "id")], family = binomial(), control = glm.control(epsilon = 1e-14, maxit = 100))
    v0 <- vcovCL(m, cluster = d$id, type = "HC0", cadjust = TRUE)
    v1 <- vcovCL(m, cluster = d$id, type = "HC1", cadjust = TRUE)
    cat(format(c(coef(m), sqrt(diag(v0)), sqrt(diag(v1))), digits = 17), sep = "\\n")
    cat(paste("R", R.version$major, R.version$minor, "sandwich", packageVersion("sandwich")), "\\n")
    """
    out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True).stdout.split("\n")
    nums = [float(v) for v in out[:3 * k]]
    r_version = out[3 * k].strip()

sample = {
    "name": "sample_panel_unpenalized",
    "columns": list(X.columns), "rows": n, "clusters": G,
    "coefficients": res.params.tolist(),
    "model_standard_errors": naive.bse.tolist(),
    "cluster_standard_errors": res.bse.tolist(),
    "cluster_covariance": res.cov_params().to_numpy().ravel(order="F").tolist(),
    "correction": G / (G - 1) * (n - 1) / (n - k),
    "wald_statistic": float(wald.statistic), "wald_df": k - 1,
    "wald_p_value": float(wald.pvalue),
    "r_coefficients": nums[:k],
    "r_vcovcl_hc0_standard_errors": nums[k:2 * k],
    "r_vcovcl_hc1_standard_errors": nums[2 * k:],
}

# Ridge + frequency weights on a small synthetic panel, sandwich by hand.
rng = np.random.default_rng(18)
customers, lam = 60, 2.0
rows = []
for c in range(customers):
    u = rng.normal()
    for t in range(rng.integers(1, 6)):
        x = rng.normal(size=3) + np.array([u, 0, 0])
        eta = -1 + x @ np.array([0.9, -0.5, 0.0]) + 0.7 * u
        rows.append((f"c{c:03d}", *x, float(rng.random() < 1 / (1 + np.exp(-eta))), float(rng.integers(1, 4))))
d = pd.DataFrame(rows, columns=["id", "x1", "x2", "x3", "y", "w"])
Xs = np.column_stack([np.ones(len(d)), d[["x1", "x2", "x3"]].to_numpy()])
ys, ws = d["y"].to_numpy(), d["w"].to_numpy()
pen = np.diag([0.0, lam, lam, lam])

def f(b):
    e = Xs @ b
    return np.sum(ws * (np.logaddexp(0, e) - ys * e)) + 0.5 * b @ pen @ b

def g(b):
    p = 1 / (1 + np.exp(-(Xs @ b)))
    return Xs.T @ (ws * (p - ys)) + pen @ b

b = minimize(f, np.zeros(4), jac=g, method="BFGS", options={"gtol": 1e-13}).x
for _ in range(5):  # polish with Newton steps
    p = 1 / (1 + np.exp(-(Xs @ b)))
    H = Xs.T @ (Xs * (ws * p * (1 - p))[:, None]) + pen
    b = b - np.linalg.solve(H, g(b))
p = 1 / (1 + np.exp(-(Xs @ b)))
H = Xs.T @ (Xs * (ws * p * (1 - p))[:, None]) + pen
bread = np.linalg.inv(H)
meat = np.zeros((4, 4))
for cid in d["id"].unique():
    m = (d["id"] == cid).to_numpy()
    s = Xs[m].T @ (ws[m] * (ys[m] - p[m]))
    meat += np.outer(s, s)
N, K, Gs = ws.sum(), 4, d["id"].nunique()
V = bread @ meat @ bread * (Gs / (Gs - 1)) * ((N - 1) / (N - K))
ridge = {
    "name": "synthetic_weighted_ridge_2", "ridge": lam, "columns": ["const", "x1", "x2", "x3"],
    "ids": d["id"].tolist(), "X": d[["x1", "x2", "x3"]].to_numpy().tolist(), "y": ys.tolist(), "weights": ws.tolist(),
    "rows": len(d), "clusters": Gs, "observations": N,
    "coefficients": b.tolist(), "cluster_standard_errors": np.sqrt(np.diag(V)).tolist(),
    "model_standard_errors": np.sqrt(np.diag(bread)).tolist(),
}

json.dump({"statsmodels_version": statsmodels.__version__, "numpy_version": np.__version__, "r_version": r_version,
           "cases": [sample, ridge]}, sys.stdout, indent=1)
print()
