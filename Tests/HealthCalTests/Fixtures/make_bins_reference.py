#!/usr/bin/env python3
"""Reference for `transform: bins` (docs/monotone-bins.md) on the IBM Telco sample (telco.csv).

For tenure, MonthlyCharges and TotalCharges (blank = missing, 11 rows), with every present
value of the 7,043 rows as training rows:
  - candidate cuts: numpy quantiles k/50, k = 1..49, method="higher", distinct, above the minimum;
  - the optimal partition: every bin >= min_share of the present rows, churn rates monotone
    (non-decreasing or non-increasing), 2..max_bins bins, maximum binomial log-likelihood; written
    here as a memoized recursion over (first group, bins left, previous bin's rate bound), an
    implementation independent of the Swift dynamic programme;
  - statsmodels' Logit on the indicator columns of tenure and MonthlyCharges (lowest bin the
    reference; TotalCharges is left out of the fit: its missing column would separate, as its
    11 missing rows never churned): log-likelihood, coefficients and fitted probabilities.

    python3 make_bins_reference.py   # writes bins_reference.json beside it
"""
import functools
import json
import math
import os

import numpy as np
import pandas as pd
import statsmodels.api as sm

HERE = os.path.dirname(os.path.abspath(__file__))
GRID = 50


def candidates(x):
    qs = [np.quantile(x, k / GRID, method="higher") for k in range(1, GRID)]
    lo = x.min()
    out = []
    for q in qs:
        if q > lo and (not out or q != out[-1]):
            out.append(float(q))
    return out


def ll(n, y):
    v = 0.0
    if y > 0:
        v += y * math.log(y / n)
    if n - y > 0:
        v += (n - y) * math.log((n - y) / n)
    return v


def best_partition(rows, events, max_bins, min_rows, increasing):
    """Max log-likelihood over partitions of groups into 2..max_bins monotone bins of >= min_rows."""
    g = len(rows)
    cn = np.concatenate([[0], np.cumsum(rows)])
    cy = np.concatenate([[0], np.cumsum(events)])

    @functools.lru_cache(maxsize=None)
    def rest(start, bins_left, prev_rate):
        # Best over bins covering groups start..g-1 with at most bins_left bins, each rate
        # ordered after prev_rate. Returns (ll, tuple of last-group indices) or None.
        best = None
        for end in range(start, g):
            n = cn[end + 1] - cn[start]
            if n < min_rows:
                continue
            y = cy[end + 1] - cy[start]
            r = y / n
            if prev_rate is not None and (r < prev_rate if increasing else r > prev_rate):
                continue
            here = ll(n, y)
            if end == g - 1:
                cand = (here, (end,))
            elif bins_left > 1:
                tail = rest(end + 1, bins_left - 1, r)
                if tail is None:
                    continue
                cand = (here + tail[0], (end,) + tail[1])
            else:
                continue
            if best is None or cand[0] > best[0] + 1e-9 * abs(cand[0]) or (
                    abs(cand[0] - best[0]) <= 1e-9 * abs(cand[0]) and len(cand[1]) < len(best[1])):
                best = cand
        return best

    # At least two bins: the first bin must end before the last group.
    best = None
    for end in range(0, g - 1):
        n = cn[end + 1] - cn[0]
        if n < min_rows:
            continue
        y = cy[end + 1] - cy[0]
        tail = rest(end + 1, max_bins - 1, y / n)
        if tail is None:
            continue
        cand = (ll(n, y) + tail[0], (end,) + tail[1])
        if best is None or cand[0] > best[0] + 1e-9 * abs(cand[0]) or (
                abs(cand[0] - best[0]) <= 1e-9 * abs(cand[0]) and len(cand[1]) < len(best[1])):
            best = cand
    return best


def bins(x, y, max_bins=5, min_share=0.05, direction="auto"):
    cuts = candidates(x)
    group = np.searchsorted(np.array(cuts), x, side="right")  # cuts[g-1] <= x < cuts[g]
    rows = np.bincount(group, minlength=len(cuts) + 1).astype(float)
    events = np.bincount(group, weights=y, minlength=len(cuts) + 1)
    found = None
    for d in (["increasing", "decreasing"] if direction == "auto" else [direction]):
        b = best_partition(tuple(rows), tuple(events), max_bins, min_share * len(x), d == "increasing")
        if b is not None and (found is None or b[0] > found[1] + 1e-9 * abs(b[0])):
            found = (d, b[0], [cuts[e] for e in b[1][:-1]])
    if found is None:   # no partition meets the constraints
        return {"direction": None, "log_likelihood": None, "cuts": None, "candidates": cuts}
    return {"direction": found[0], "log_likelihood": found[1], "cuts": found[2], "candidates": cuts}


def main():
    # All 7,043 rows (telco.md: two records were restored in the committed copy).
    df = pd.read_csv(os.path.join(HERE, "telco.csv"), dtype={"TotalCharges": str})
    assert len(df) == 7043
    y = (df["Churn"] == "Yes").to_numpy(float)
    total = pd.to_numeric(df["TotalCharges"].str.strip().replace("", np.nan))
    columns = {"tenure": df["tenure"].to_numpy(float), "MonthlyCharges": df["MonthlyCharges"].to_numpy(float),
               "TotalCharges": total.to_numpy(float)}
    out = {"source": "telco.csv", "grid": GRID, "features": {}}
    design = [np.ones(len(y))]
    names = ["const"]
    for name, x in columns.items():
        present = ~np.isnan(x)
        result = {}
        for max_bins in (3, 5, 8):
            for direction in ("auto", "increasing", "decreasing"):
                result[f"{max_bins}/{direction}"] = bins(x[present], y[present], max_bins, 0.05, direction)
        out["features"][name] = result
        if name == "TotalCharges":
            continue   # its 11 missing rows (tenure 0) never churned: the missing column separates
        cuts = result["5/auto"]["cuts"]
        b = np.searchsorted(np.array(cuts), np.where(present, x, -np.inf), side="right")
        for k in range(1, len(cuts) + 1):
            design.append(((b == k) & present).astype(float))
            names.append(f"{name} [{k}]")
        if (~present).any():
            design.append((~present).astype(float))
            names.append(f"{name} (missing)")
    X = np.column_stack(design)
    fit = sm.Logit(y, X).fit(method="newton", tol=1e-12, maxiter=200, disp=0)
    assert fit.mle_retvals["converged"], fit.mle_retvals
    out["logit"] = {"names": names, "params": fit.params.tolist(), "bse": fit.bse.tolist(),
                    "llf": float(fit.llf), "p_first_20": fit.predict(X)[:20].tolist(),
                    "note": "tenure and MonthlyCharges as 5/auto bins, min_bin_share 0.05; statsmodels Logit, Newton, tol 1e-12 (converged)"}
    with open(os.path.join(HERE, "bins_reference.json"), "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")
    for name, r in out["features"].items():
        print(name, r["5/auto"]["direction"], r["5/auto"]["cuts"])
    print("llf", fit.llf)


if __name__ == "__main__":
    main()
