#!/usr/bin/env python3
"""Reference restricted-cubic-spline fit on the Telco data, for SplineReferenceTests.

Model: Churn ~ rcs(tenure, 4) + rcs(MonthlyCharges, 4) + PaymentMethod (one-hot), plain logistic MLE.
- Knots: R `attr(Hmisc::rcspline.eval(x, nk = 4), "knots")` (the rms default), run through Rscript.
- Fit: statsmodels Logit on patsy's natural cubic splines
  `cr(x, knots=inner, lower_bound=t1, upper_bound=t4, constraints="center")` with the same knots,
  which span the same functions as the RCS basis (1, x, b1, b2): the fitted probabilities and the
  log-likelihood agree although the coefficients differ. The script checks that span itself by
  fitting the RCS basis built in numpy (Harrell's formula, norm = 2) as well and requiring the two
  fits to agree within 1e-9.
Run:  python3 make_spline_fixtures.py > spline_reference.json
Writes every 7th row's fitted probability (rows 0, 7, 14, ...; 0-based data rows) and the llf.

All 7,043 rows of telco.csv (see telco.md for the two records restored in it).
"""
import json, subprocess, sys
import numpy as np, pandas as pd, patsy, statsmodels, statsmodels.api as sm

here = __file__.rsplit("/", 1)[0] or "."
df = pd.read_csv(f"{here}/telco.csv")
assert len(df) == 7043, len(df)
y = (df["Churn"] == "Yes").astype(float).to_numpy()

def r_knots(column, nk):
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        values = pd.to_numeric(df[column], errors="coerce").dropna()   # TotalCharges: 11 blank cells are missing
        f.write("\n".join(repr(float(v)) for v in values))
    code = (f"suppressMessages(library(Hmisc)); x <- scan('{f.name}', quiet = TRUE); "
            f"k <- attr(rcspline.eval(x, nk = {nk}), 'knots'); cat(sprintf('%.17g', k), sep = '\\n')")
    out = subprocess.run(["Rscript", "-e", code], check=True, capture_output=True, text=True).stdout
    return [float(v) for v in out.split()]

def rcs(x, t):
    """Harrell's restricted cubic spline basis (rcspline.eval, norm = 2), without x itself."""
    k = len(t)
    c = lambda d: np.where(d > 0, d, 0.0) ** 3
    cols = []
    for j in range(k - 2):
        cols.append((c(x - t[j]) + ((t[k - 2] - t[j]) * c(x - t[k - 1]) - (t[k - 1] - t[j]) * c(x - t[k - 2])) / (t[k - 1] - t[k - 2]))
                    / (t[k - 1] - t[0]) ** 2)
    return np.column_stack(cols)

knots = {c: r_knots(c, 4) for c in ("tenure", "MonthlyCharges")}
# Every knot count the spec allows (3..7), for the knot-placement test alone.
knots_by_count = {c: {str(k): r_knots(c, k) for k in range(3, 8)} for c in ("tenure", "MonthlyCharges", "TotalCharges")}
contract = pd.get_dummies(df["PaymentMethod"], drop_first=True).astype(float).to_numpy()

# patsy's natural cubic splines with the same knots.
env = {"tenure": df["tenure"].to_numpy(float), "mc": df["MonthlyCharges"].to_numpy(float)}
def cr_term(name, t):
    return f"cr({name}, knots={list(t[1:-1])!r}, lower_bound={t[0]!r}, upper_bound={t[-1]!r}, constraints='center')"
X_cr = patsy.dmatrix(cr_term("tenure", knots["tenure"]) + " + " + cr_term("mc", knots["MonthlyCharges"]), env,
                     return_type="matrix")
X_cr = np.column_stack([np.asarray(X_cr), contract])
fit_cr = sm.Logit(y, X_cr).fit(method="newton", tol=1e-14, maxiter=100, disp=0)

# The RCS basis built directly.
X_rcs = np.column_stack([np.ones(len(y)), env["tenure"], rcs(env["tenure"], knots["tenure"]),
                         env["mc"], rcs(env["mc"], knots["MonthlyCharges"]), contract])
fit_rcs = sm.Logit(y, X_rcs).fit(method="newton", tol=1e-14, maxiter=100, disp=0)
p_cr, p_rcs = fit_cr.predict(X_cr), fit_rcs.predict(X_rcs)
assert np.max(np.abs(p_cr - p_rcs)) < 1e-9, np.max(np.abs(p_cr - p_rcs))
assert abs(fit_cr.llf - fit_rcs.llf) < 1e-9
assert X_cr.shape[1] == X_rcs.shape[1]

rows = list(range(0, len(y), 7))

# Partial effects of the RCS fit (its columns are healthcal's, in order): b(x)'beta and the
# pointwise 95% half-width 1.959963984540054 * sqrt(b(x)' V b(x)) over the feature's columns, with
# V the inverse Hessian (statsmodels cov_params). Changing the categorical's reference level does
# not touch the spline coefficients or their covariance.
V = np.asarray(fit_rcs.cov_params())
def effects(name, columns, grid):
    t = knots[name]
    B = np.column_stack([grid, rcs(grid, t)])
    eff = B @ fit_rcs.params[columns]
    Vs = V[np.ix_(columns, columns)]
    half = 1.959963984540054 * np.sqrt(np.einsum("ij,jk,ik->i", B, Vs, B))
    return {"x": grid.tolist(), "effect": eff.tolist(), "half_width": half.tolist()}
partial = {"tenure": effects("tenure", [1, 2, 3], np.arange(0.0, 73.0)),
           "MonthlyCharges": effects("MonthlyCharges", [4, 5, 6], 20 + 90 * np.arange(10.0) / 9)}
json.dump({
    "source": "statsmodels Logit on patsy cr() with R Hmisc::rcspline.eval default knots (make_spline_fixtures.py)",
    "statsmodels_version": statsmodels.__version__, "patsy_version": patsy.__version__,
    "knots": knots,
    "knots_by_count": knots_by_count,
    "llf": fit_cr.llf,
    "max_abs_diff_rcs_vs_cr": float(np.max(np.abs(p_cr - p_rcs))),
    "rows": rows,
    "probabilities": [float(p_cr[i]) for i in rows],
    "partial_effects": partial,
    "rcs_coefficients": {"columns": ["const", "tenure", "tenure (spline 1)", "tenure (spline 2)", "MonthlyCharges",
                                     "MonthlyCharges (spline 1)", "MonthlyCharges (spline 2)",
                                     "Credit card (automatic)", "Electronic check", "Mailed check"],
                         "values": fit_rcs.params.tolist()},
}, sys.stdout, indent=1)
