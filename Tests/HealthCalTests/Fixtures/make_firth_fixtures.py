"""Reference values for the Firth fit (FirthTests.swift), computed independently of healthcal:
scipy maximizes the exact penalized log-likelihood

    l*(b) = sum_i [y_i eta_i - log(1 + exp(eta_i))] + 1/2 log det(X' W X),  W = diag(p(1 - p)),

from the objective's values alone (Nelder-Mead, BFGS on finite differences, a Newton polish
on a finite-difference Hessian): no analytic gradient and not the modified-score iteration
healthcal uses. Profile penalized-likelihood 95% limits (as logistf) are the roots of
2 (l*(b_hat) - max_{b_-j} l*(b | b_j = t)) = chi2_1(0.95), found with brentq over constrained
maximizations; p-values are penalized likelihood-ratio tests of b_j = 0; the model LR test
pins every non-intercept weight at 0.

Run: python3 make_firth_fixtures.py > firth_reference.json
"""
import json
import numpy as np
from scipy import optimize, stats

Q = stats.chi2.ppf(0.95, 1)


def penalized(beta, X, y):
    eta = X @ beta
    ll = np.sum(y * eta - np.logaddexp(0, eta))
    p = 1 / (1 + np.exp(-eta))
    info = X.T @ (X * (p * (1 - p))[:, None])
    sign, logdet = np.linalg.slogdet(info)
    if sign <= 0:
        return -np.inf, ll
    return ll + 0.5 * logdet, ll


def maximize(X, y, fixed=None, start=None):
    fixed = fixed or {}
    k = X.shape[1]
    free = [j for j in range(k) if j not in fixed]

    def full(theta):
        b = np.zeros(k)
        b[free] = theta
        for j, v in fixed.items():
            b[j] = v
        return b

    def f(theta):
        v, _ = penalized(full(theta), X, y)
        return -v if np.isfinite(v) else 1e300

    x0 = np.zeros(len(free)) if start is None else np.asarray(start)[free]
    best = None
    # Nelder-Mead to get close, then BFGS on the exact objective with tight tolerances, and a
    # final Newton polish on a finite-difference Hessian of the exact objective.
    r = optimize.minimize(f, x0, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 200000, "maxfev": 400000})
    r = optimize.minimize(f, r.x, method="BFGS", options={"gtol": 1e-12, "maxiter": 100000})
    theta = r.x
    for _ in range(20):
        g = optimize.approx_fprime(theta, f, 1e-7)
        h = np.zeros((len(theta), len(theta)))
        eps = 1e-4
        for a in range(len(theta)):
            e = np.zeros(len(theta)); e[a] = eps
            h[:, a] = (optimize.approx_fprime(theta + e, f, 1e-7) - optimize.approx_fprime(theta - e, f, 1e-7)) / (2 * eps)
        h = (h + h.T) / 2
        step = np.linalg.solve(h, g)
        if f(theta - step) <= f(theta):
            theta = theta - step
        if np.max(np.abs(step)) < 1e-12:
            break
    b = full(theta)
    v, ll = penalized(b, X, y)
    return b, v, ll


def reference(name, X, y, names):
    b, v, ll = maximize(X, y)
    k = X.shape[1]
    lower, upper, pvals = [], [], []
    for j in range(k):
        _, v0, _ = maximize(X, y, {j: 0.0}, b)
        pvals.append(float(stats.chi2.sf(2 * (v - v0), 1)))

        def g(t):
            _, vt, _ = maximize(X, y, {j: t}, b)
            return 2 * (v - vt) - Q

        limits = []
        for direction in (-1, 1):
            step = 0.5
            hi = b[j] + direction * step
            while g(hi) < 0:
                step *= 2
                hi = b[j] + direction * step
            limits.append(optimize.brentq(g, b[j], hi, xtol=1e-11, rtol=1e-13))
        lower.append(limits[0])
        upper.append(limits[1])
    fixed = {j: 0.0 for j in range(1, k)}
    _, vnull, _ = maximize(X, y, fixed, b)
    return {
        "name": name, "names": names, "x": X[:, 1:].tolist(), "y": y.tolist(),
        "coefficients": b.tolist(), "penalized_log_likelihood": v, "log_likelihood": ll,
        "lower95": lower, "upper95": upper, "p_values": pvals,
        "likelihood_ratio": 2 * (v - vnull), "likelihood_ratio_df": k - 1,
    }


def main():
    # 1. Complete separation: y = 1 exactly when x1 > 0; x2 is unrelated.
    x1 = np.array([-2.1, -1.7, -1.3, -0.9, -0.6, -0.4, -0.2, -0.1, 0.15, 0.3, 0.5, 0.8, 1.1, 1.4, 1.9, 2.4])
    x2 = np.array([0.3, -1.2, 0.8, 1.5, -0.4, 0.1, -0.9, 2.0, -1.1, 0.6, -0.2, 1.3, -1.6, 0.4, 0.9, -0.5])
    y = (x1 > 0).astype(float)
    X = np.column_stack([np.ones_like(x1), x1, x2])
    cases = [reference("complete separation", X, y, ["const", "x1", "x2"])]
    # 2. Quasi-complete separation by a rare indicator (a missing-value indicator): the five rows
    #    with missing = 1 never churn; x varies.
    x = np.array([0.2, -1.0, 1.3, 0.7, -0.3, 2.1, -1.8, 0.9, -0.6, 1.6, -0.2, 0.4, -1.4, 1.1, 0.0, -0.8, 0.5, 1.9, -1.1, 0.3])
    missing = np.array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1], dtype=float)
    y2 = np.array([1, 0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0], dtype=float)
    X2 = np.column_stack([np.ones_like(x), x, missing])
    cases.append(reference("quasi-complete separation by a rare indicator", X2, y2, ["const", "x", "missing"]))
    print(json.dumps({"chi2_95": Q, "cases": cases}, indent=1))


if __name__ == "__main__":
    main()
