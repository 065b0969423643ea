#!/usr/bin/env python3
"""The cluster bootstrap of the out-of-sample figures in numpy / scikit-learn, for BENCHMARKS.md.

Reads the out-of-sample rows `hcbench bootstrap FILE 1000 --dump oos.csv` wrote (customer, y, p),
then for each of B resamples draws the customers with replacement, weights each row by how often
its customer was drawn, and computes what healthcal's bootstrap computes: ROC AUC
(sklearn roc_auc_score with sample_weight), Brier (brier_score_loss), log loss (log_loss), Cox
calibration slope and intercept (a weighted 2-parameter Newton fit in numpy), equal-width ECE
(10 bins, np.bincount) and top-decile lift (a weighted sort-based cut, ties shared in proportion),
then the 2.5/97.5 percentiles. Single-threaded, as numpy and sklearn run these.

    python3 Benchmarks/py_bootstrap.py /tmp/oos.csv [B]
"""
import sys, time
import numpy as np, pandas as pd
from sklearn.metrics import roc_auc_score, brier_score_loss, log_loss


def cox(x, y, w):
    a, b = 0.0, 1.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-(a + b * x)))
        r, h = w * (y - p), w * p * (1 - p)
        g = np.array([r.sum(), (r * x).sum()])
        H = np.array([[h.sum(), (h * x).sum()], [(h * x).sum(), (h * x * x).sum()]])
        d = np.linalg.solve(H, g)
        a, b = a + d[0], b + d[1]
        if abs(d[0]) < 1e-13 * max(1, abs(a)) and abs(d[1]) < 1e-13 * max(1, abs(b)):
            break
    return b, a


def lift(order, p, y, w, fraction=0.1):
    ps, ys, ws = p[order], y[order], w[order]
    total, churn = ws.sum(), (ws * ys).sum()
    cw, cc = np.cumsum(ws), np.cumsum(ws * ys)
    target = fraction * total
    k = np.searchsorted(cw, target)           # the row where the cut falls
    v = ps[k]
    block = ps == v                           # the tie block at the cut, shared in proportion
    lo = np.argmax(block)
    hi = len(ps) - np.argmax(block[::-1])
    before_w = cw[lo - 1] if lo > 0 else 0.0
    before_c = cc[lo - 1] if lo > 0 else 0.0
    bw, bc = ws[lo:hi].sum(), (ws[lo:hi] * ys[lo:hi]).sum()
    share = (target - before_w) / bw if bw > 0 else 1.0
    taken, taken_c = before_w + share * bw, before_c + share * bc
    return (taken_c / taken) / (churn / total)


def main():
    path = sys.argv[1]
    B = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    d = pd.read_csv(path)
    cust = pd.factorize(d["customer"])[0]
    y, p = d["y"].to_numpy(float), d["p"].to_numpy(float)
    G = cust.max() + 1
    x = np.log(p / (1 - p))
    bins = np.clip(np.searchsorted(np.linspace(0, 1, 11)[1:-1], p, side="left"), 0, 9)
    order = np.argsort(-p, kind="stable")
    rng = np.random.default_rng(1)
    t0 = time.perf_counter()
    out = np.empty((B, 7))
    for b in range(B):
        m = np.bincount(rng.integers(0, G, G), minlength=G)
        w = m[cust].astype(float)
        keep = w > 0
        auc = roc_auc_score(y[keep], p[keep], sample_weight=w[keep])
        brier = brier_score_loss(y[keep], p[keep], sample_weight=w[keep])
        ll = log_loss(y[keep], p[keep], sample_weight=w[keep])
        slope, intercept = cox(x[keep], y[keep], w[keep])
        sw = np.bincount(bins, w, 10)
        sp, sy = np.bincount(bins, w * p, 10), np.bincount(bins, w * y, 10)
        nz = sw > 0
        ece = (np.abs(sy[nz] - sp[nz])).sum() / sw.sum()
        out[b] = (auc, brier, ll, slope, intercept, ece, lift(order, p, y, w))
    elapsed = time.perf_counter() - t0
    lo, hi = np.percentile(out, [2.5, 97.5], axis=0)
    print(f"rows {len(y)}  customers {G}  resamples {B}  seconds {elapsed:.2f}")
    for k, name in enumerate(["auc", "brier", "log_loss", "calibration_slope", "calibration_intercept", "ece", "top_decile_lift"]):
        print(f"{name:22s} [{lo[k]:.6f}, {hi[k]:.6f}]")


if __name__ == "__main__":
    main()
