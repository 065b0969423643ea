"""Reference values for healthcal's calibration maps and champion comparison
(Tests/HealthCalTests/CalibrationMapTests.swift, ChampionComparisonTests.swift).

Run from this folder:  python3 make_calibration_fixtures.py
Writes calibration_reference.json next to this script. Seeded, so reproducible for given
scikit-learn / statsmodels / numpy versions (recorded under "versions").

Sources of each value:
- Platt (a, b): sklearn LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-14)
  .fit(logit(clip(p, 1e-15, 1 - 1e-15)), y, sample_weight=w); intercept_ = a, coef_ = b.
  (The default lbfgs stops at tol 1e-4, far from 1e-8 agreement, hence newton-cholesky.)
  Cross-checked here against statsmodels GLM(Binomial, freq_weights=w) to 1e-9.
- Intercept-only a: statsmodels GLM(y, ones, offset=logit p, Binomial, freq_weights=w).
- Champion/challenger: sklearn roc_auc_score, brier_score_loss, log_loss; riskiest-quartile
  capture by numpy, with the rule documented in docs/backtest.md (rows from the highest score
  down until the cumulative weight reaches 25%, plus every row tied with the last one).
"""
import json

import numpy as np
import sklearn
import statsmodels
import statsmodels.api as sm
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

CLIP = 1e-15


def logit(p):
    q = np.clip(p, CLIP, 1 - CLIP)
    return np.log(q / (1 - q))


def platt_case(name, p, y, w):
    x = logit(p).reshape(-1, 1)
    lr = LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-14, max_iter=1000)
    lr.fit(x, y, sample_weight=w)
    a, b = float(lr.intercept_[0]), float(lr.coef_[0, 0])
    glm = sm.GLM(y, sm.add_constant(x), family=sm.families.Binomial(),
                 freq_weights=w).fit(tol=1e-14)
    assert abs(glm.params[0] - a) < 1e-9 * max(1, abs(a)), (glm.params, a)
    assert abs(glm.params[1] - b) < 1e-9 * max(1, abs(b)), (glm.params, b)
    off = sm.GLM(y, np.ones((len(y), 1)), family=sm.families.Binomial(), offset=logit(p).ravel(),
                 freq_weights=w).fit(tol=1e-14)
    return {"name": name, "p": p.tolist(), "y": y.tolist(),
            "w": None if w is None else w.tolist(),
            "plattA": a, "plattB": b, "interceptA": float(off.params[0])}


def top_band(s, w, share):
    order = np.argsort(-s, kind="stable")
    target = share * w.sum()
    cum = 0.0
    thr = s[order[0]]
    for i in order:
        cum += w[i]
        thr = s[i]
        if cum >= target * (1 - 1e-12):
            break
    return s >= thr


def capture(band, y, w):
    return {"bandShare": float(w[band].sum() / w.sum()),
            "churnerShare": float((w * y)[band].sum() / (w * y).sum()),
            "bandChurnRate": float((w * y)[band].sum() / w[band].sum())}


def champion_case(name, champ, chall, y, w):
    ww = np.ones(len(y)) if w is None else w
    out = {"name": name, "champion": champ.tolist(), "challenger": chall.tolist(), "y": y.tolist(),
           "w": None if w is None else w.tolist()}
    for key, s in (("champ", champ), ("chall", chall)):
        out[key + "Auc"] = float(roc_auc_score(y, s, sample_weight=w))
        out[key + "Brier"] = float(brier_score_loss(y, s, sample_weight=w))
        out[key + "LogLoss"] = float(log_loss(y, s, sample_weight=w, labels=[0, 1]))
        out[key + "Capture"] = capture(top_band(s, ww, 0.25), y, ww)
    return out


rng = np.random.default_rng(20251125)


def miscalibrated(n):
    x = rng.normal(size=n)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(-2 + x)))).astype(float)
    p = 1 / (1 + np.exp(-(1.5 * (-2 + x) + 0.8)))
    return p, y


p1, y1 = miscalibrated(600)
p2, y2 = miscalibrated(400)
w2 = rng.integers(1, 4, size=400).astype(float)
p3, y3 = miscalibrated(300)
p3[0], y3[0] = 0.0, 0.0          # exercises the clip of p = 0 and p = 1
p3[1], y3[1] = 1.0, 1.0

n = 40
yc = (rng.uniform(size=n) < 0.3).astype(float)
champ = np.round(np.clip(0.3 + 0.25 * (yc - 0.3) + rng.normal(scale=0.2, size=n), 0.01, 0.99), 2)
chall = np.clip(1 / (1 + np.exp(-(-1 + 2.5 * (yc - 0.3) + rng.normal(scale=1.0, size=n)))), 0.001, 0.999)
wc = rng.integers(1, 5, size=n).astype(float)

out = {
    "versions": {"sklearn": sklearn.__version__, "statsmodels": statsmodels.__version__,
                 "numpy": np.__version__},
    "platt": [platt_case("unweighted", p1, y1, None), platt_case("weighted", p2, y2, w2),
              platt_case("clipped", p3, y3, None)],
    "champion": [champion_case("unweighted", champ, chall, yc, None),
                 champion_case("weighted", champ, chall, yc, wc)],
}
with open("calibration_reference.json", "w") as f:
    json.dump(out, f, indent=1)
print("wrote calibration_reference.json")
