"""Reference values for healthcal's metrics (Tests/HealthCalTests/Metrics*Tests.swift).

Run from this folder:  python3 make_metrics_fixtures.py
Writes metrics_reference.json next to this script. Seeded, so the output is reproducible for a
given scikit-learn / statsmodels / numpy / scipy version (recorded in the JSON under "versions").

Sources of each value:
- scikit-learn: roc_auc_score, roc_curve, average_precision_score, log_loss, brier_score_loss,
  calibration_curve (unweighted only: it has no sample_weight), IsotonicRegression.
- statsmodels GLM(Binomial, freq_weights=w): Cox calibration intercept/slope, offset intercept.
- numpy written here from the textbook definitions (independent of the Swift code): weighted
  reliability bins, ECE, Murphy decomposition, Hosmer-Lemeshow (+ scipy chi2.sf), top-decile
  lift, and DeLong by the straightforward O(m*n) placement values of DeLong et al. (1988).
"""
import json
import os

import numpy as np
import scipy
import sklearn
import statsmodels
import statsmodels.api as sm
from scipy.stats import chi2
from sklearn.calibration import calibration_curve
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import (average_precision_score, brier_score_loss, log_loss,
                             roc_auc_score, roc_curve)

Z975 = 1.959963984540054


def datasets():
    out = []
    # Small, hand-sized, with ties between churners and non-churners and p = 0 and p = 1.
    p = np.array([0.0, 0.1, 0.1, 0.2, 0.35, 0.35, 0.35, 0.5, 0.7, 0.8, 0.8, 1.0])
    y = np.array([0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 1], dtype=float)
    p2 = np.array([0.05, 0.2, 0.1, 0.1, 0.3, 0.6, 0.4, 0.2, 0.9, 0.6, 0.5, 0.7])
    out.append(("small", p, y, None, p2))

    rng = np.random.default_rng(20261125)
    # Ties: p on a 0.01 grid in [0.01, 0.99], outcome drawn from a miscalibrated truth.
    n = 400
    z = rng.normal(size=n)
    p = np.clip(np.round(1 / (1 + np.exp(-(z - 1.0))), 2), 0.01, 0.99)
    y = (rng.random(n) < 1 / (1 + np.exp(-(1.3 * z - 1.2)))).astype(float)
    p2 = np.clip(np.round(1 / (1 + np.exp(-(z + 0.8 * rng.normal(size=n) - 1.0))), 2), 0.01, 0.99)
    out.append(("ties", p, y, None, p2))
    w = rng.choice([0.0, 0.5, 1.0, 2.0, 3.5], size=n)
    out.append(("ties_weighted", p, y, w, p2))

    # Continuous p with row weights.
    n = 1000
    z = rng.normal(size=n)
    p = 1 / (1 + np.exp(-(0.8 * z - 1.5)))
    y = (rng.random(n) < 1 / (1 + np.exp(-(z - 1.7)))).astype(float)
    w = rng.gamma(2.0, 1.0, size=n)
    p2 = 1 / (1 + np.exp(-(0.5 * z + 0.6 * rng.normal(size=n) - 1.5)))
    out.append(("weighted", p, y, w, p2))

    # A ~5000-row case.
    n = 5000
    z = rng.normal(size=n)
    p = 1 / (1 + np.exp(-(z - 2.0)))
    y = (rng.random(n) < 1 / (1 + np.exp(-(0.9 * z - 2.1)))).astype(float)
    p2 = 1 / (1 + np.exp(-(0.7 * z + 0.7 * rng.normal(size=n) - 2.0)))
    out.append(("large", p, y, None, p2))
    return out


def weights_or_ones(w, n):
    return np.ones(n) if w is None else w


def bins_for(p, n_bins, strategy):
    # The same edges and side="left" assignment as sklearn.calibration.calibration_curve.
    if strategy == "quantile":
        edges = np.percentile(p, np.linspace(0, 1, n_bins + 1) * 100)
    else:
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    return np.searchsorted(edges[1:-1], p)


def reliability(p, y, w, n_bins, strategy):
    ww = weights_or_ones(w, len(p))
    ids = bins_for(p, n_bins, strategy)
    sw = np.bincount(ids, weights=ww, minlength=n_bins)
    sp = np.bincount(ids, weights=ww * p, minlength=n_bins)
    sy = np.bincount(ids, weights=ww * y, minlength=n_bins)
    cnt = np.bincount(ids, minlength=n_bins)
    nz = (cnt > 0) & (sw > 0)
    prob_true, prob_pred = sy[nz] / sw[nz], sp[nz] / sw[nz]
    ece = float(np.sum(sw[nz] / ww.sum() * np.abs(prob_true - prob_pred)))
    res = {"prob_true": prob_true.tolist(), "prob_pred": prob_pred.tolist(),
           "count": cnt[nz].tolist(), "weight": sw[nz].tolist(), "ece": ece}
    if w is None:  # sklearn itself, for the unweighted case
        t, q = calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
        res["sklearn_prob_true"], res["sklearn_prob_pred"] = t.tolist(), q.tolist()
    return res


def murphy(p, y, w, n_bins=10):
    ww = weights_or_ones(w, len(p))
    ids = bins_for(p, n_bins, "uniform")
    W = ww.sum()
    obar = np.sum(ww * y) / W
    rel = res = wbv = wbc = 0.0
    for b in np.unique(ids):
        m = ids == b
        Wb = ww[m].sum()
        if Wb == 0:
            continue
        pb, ob = np.sum(ww[m] * p[m]) / Wb, np.sum(ww[m] * y[m]) / Wb
        rel += Wb * (pb - ob) ** 2
        res += Wb * (ob - obar) ** 2
        wbv += np.sum(ww[m] * (p[m] - pb) ** 2)
        wbc += np.sum(ww[m] * (p[m] - pb) * (y[m] - ob))
    return {"reliability": rel / W, "resolution": res / W, "uncertainty": obar * (1 - obar),
            "within_bin_variance": wbv / W, "within_bin_covariance": wbc / W}


def hosmer_lemeshow(p, y, w, g=10):
    ww = weights_or_ones(w, len(p))
    ids = bins_for(p, g, "quantile")
    stat, used = 0.0, 0
    for b in range(g):
        m = ids == b
        N = ww[m].sum()
        if N == 0:
            continue
        used += 1
        O, E = np.sum(ww[m] * y[m]), np.sum(ww[m] * p[m])
        d = E * (1 - E / N)
        if d > 0:
            stat += (O - E) ** 2 / d
    df = used - 2
    return {"statistic": float(stat), "df": df, "p_value": float(chi2.sf(stat, df))}


def top_lift(p, y, w, fraction=0.1):
    # Highest p first; the block tied at the cut enters in proportion (see docs/metrics.md).
    ww = weights_or_ones(w, len(p))
    target = fraction * ww.sum()
    taken = churn = 0.0
    for v in np.sort(np.unique(p))[::-1]:
        if taken >= target:
            break
        m = p == v
        bw, bc = ww[m].sum(), np.sum(ww[m] * y[m])
        share = min(1.0, (target - taken) / bw) if bw > 0 else 1.0
        taken += share * bw
        churn += share * bc
    overall = np.sum(ww * y) / ww.sum()
    return {"top_rate": churn / taken, "overall_rate": overall, "lift": (churn / taken) / overall}


def delong_bruteforce(p1, p2, y):
    """DeLong et al. (1988) with the O(m*n) kernel psi(x, y) = 1, 1/2, 0."""
    pos, neg = y == 1, y == 0
    m, n = pos.sum(), neg.sum()
    v10, v01, aucs = [], [], []
    for p in (p1, p2):
        x, z = p[pos][:, None], p[neg][None, :]
        psi = (x > z) + 0.5 * (x == z)
        v10.append(psi.mean(axis=1))
        v01.append(psi.mean(axis=0))
        aucs.append(psi.mean())
    s10, s01 = np.cov(np.array(v10)), np.cov(np.array(v01))
    S = s10 / m + s01 / n
    d = aucs[0] - aucs[1]
    se = np.sqrt(S[0, 0] + S[1, 1] - 2 * S[0, 1])
    z = d / se
    return {"auc1": aucs[0], "auc2": aucs[1], "var1": S[0, 0], "var2": S[1, 1], "cov12": S[0, 1],
            "se1": np.sqrt(S[0, 0]),
            "lower1": max(0.0, aucs[0] - Z975 * np.sqrt(S[0, 0])),
            "upper1": min(1.0, aucs[0] + Z975 * np.sqrt(S[0, 0])),
            "difference": d, "se_difference": se, "z": z,
            "p_value": float(2 * scipy.stats.norm.sf(abs(z)))}


def glm_fits(p, y, w):
    if np.any((p <= 0) | (p >= 1)):
        return None
    ww = weights_or_ones(w, len(p))
    x = np.log(p / (1 - p))
    cox = sm.GLM(y, sm.add_constant(x), family=sm.families.Binomial(), freq_weights=ww).fit(tol=1e-14, maxiter=200)
    off = sm.GLM(y, np.ones((len(p), 1)), family=sm.families.Binomial(), offset=x, freq_weights=ww).fit(tol=1e-14, maxiter=200)
    return {"cox_intercept": cox.params[0], "cox_slope": cox.params[1],
            "cox_intercept_se": cox.bse[0], "cox_slope_se": cox.bse[1],
            "citl_logistic": off.params[0], "citl_logistic_se": off.bse[0],
            "citl_difference": float(np.average(y, weights=ww) - np.average(p, weights=ww))}


def isotonic(p, y, w):
    ir = IsotonicRegression(out_of_bounds="clip").fit(p, y, sample_weight=w)
    grid = np.concatenate([[-0.5, 0.0], np.linspace(0.0, 1.0, 41), [1.0, 1.5], p[:50]])
    return {"x_thresholds": ir.X_thresholds_.tolist(), "y_thresholds": ir.y_thresholds_.tolist(),
            "grid": grid.tolist(), "predictions": ir.predict(grid).tolist()}


def case(name, p, y, w, p2):
    fpr, tpr, thr = roc_curve(y, p, sample_weight=w)
    c = {"name": name, "p": p.tolist(), "y": y.tolist(), "w": None if w is None else w.tolist(),
         "p2": p2.tolist(),
         "roc_auc": roc_auc_score(y, p, sample_weight=w),
         "roc_fpr": fpr.tolist(), "roc_tpr": tpr.tolist(),
         "roc_thresholds_after_inf": thr[1:].tolist(),
         "average_precision": average_precision_score(y, p, sample_weight=w),
         "log_loss": log_loss(y, p, sample_weight=w, labels=[0, 1]),
         "brier": brier_score_loss(y, p, sample_weight=w),
         "calibration_uniform_10": reliability(p, y, w, 10, "uniform"),
         "calibration_quantile_10": reliability(p, y, w, 10, "quantile"),
         "calibration_quantile_5": reliability(p, y, w, 5, "quantile"),
         "murphy_uniform_10": murphy(p, y, w),
         "isotonic": isotonic(p, y, w),
         "glm": glm_fits(p, y, w),
         "hosmer_lemeshow": hosmer_lemeshow(p, y, w),
         "top_decile": top_lift(p, y, w)}
    if w is None:
        c["delong"] = delong_bruteforce(p, p2, y)
    return c


def main():
    cases = [case(*d) for d in datasets()]
    doc = {"generated_by": "Tests/HealthCalTests/Fixtures/make_metrics_fixtures.py",
           "versions": {"sklearn": sklearn.__version__, "statsmodels": statsmodels.__version__,
                        "numpy": np.__version__, "scipy": scipy.__version__},
           "log_loss_eps": float(np.finfo(np.float64).eps),
           "cases": cases}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "metrics_reference.json")
    with open(path, "w") as f:
        json.dump(doc, f, default=float)
        f.write("\n")


if __name__ == "__main__":
    main()
