"""Builds the encoding fixture and its expected design matrix, independently of healthcal.

Run from this folder:  python3 make_encoding_fixtures.py
Writes encoding_panel.csv, encoding_spec.yaml and encoding_expected.json (full float precision:
Python's repr round-trips every double). The expected matrix is computed here with pandas/numpy
following docs/encodings.md: transform -> clip/winsorize -> impute -> standardize, statistics
unweighted on the training rows (periods 2025Q1-2025Q3); scoring rows are 2025Q4.
"""
import json
import numpy as np
import pandas as pd

rng = np.random.default_rng(20251125)
rows = []
periods = ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
for c in range(60):
    for k, p in enumerate(periods):
        churn = int(rng.random() < 0.15) if k < 3 else int(rng.random() < 0.2)
        logins = float(rng.negative_binomial(1, 0.05)) if rng.random() > 0.1 else np.nan
        if rng.random() < 0.03:
            logins = float(rng.integers(2000, 5000))          # fat tail for winsorize
        tickets = float(rng.integers(0, 30)) if rng.random() > 0.08 else np.nan
        plan = rng.choice(["basic", "pro", "enterprise"], p=[0.5, 0.3, 0.2])
        if rng.random() < 0.05:
            plan = ""                                           # missing
        if k < 3 and c % 25 == 3:
            plan = "legacy"                                     # rare in training: pooled
        if k == 3 and c % 10 == 7:
            plan = "trial"                                      # unseen at scoring time
        sso = rng.choice(["yes", "no", "Yes", "NO"]) if rng.random() > 0.1 else ""
        rows.append(dict(customer_id=f"C{c:03d}", period=p, churned=churn, logins=logins,
                         tickets=tickets, plan=plan, has_sso=sso))
        if churn:
            break
df = pd.DataFrame(rows)
# Ensure both classes in training rows.
assert df.churned.nunique() == 2
df.to_csv("encoding_panel.csv", index=False, na_rep="")

spec = """version: 1
data:
  id: customer_id
  period: period
  outcome: churned
features:
  - name: logins
    type: numeric
    transform: log1p
    winsorize: [0.05, 0.95]
    impute: median
  - name: tickets
    type: numeric
    clip: [0, 20]
    impute: mean
    missing_indicator: false
    standardize: false
  - name: plan
    type: categorical
    min_count: 10
  - name: has_sso
    type: boolean
"""
open("encoding_spec.yaml", "w").write(spec)

train = df.index[df.period != "2025Q4"].to_numpy()
score = df.index[df.period == "2025Q4"].to_numpy()
tr = df.loc[train]

cols = {}
names = ["const"]

# logins: log1p -> winsorize at training quantiles (numpy linear) -> median impute + indicator -> standardize
t = np.log1p(df.logins)
lo, hi = np.quantile(t[train].dropna().to_numpy(), [0.05, 0.95])
t = t.clip(lo, hi)
med = np.median(t[train].dropna().to_numpy())
ind = df.logins.isna().astype(float)
t = t.fillna(med)
mu = t[train].mean()
sd = t[train].std(ddof=0)
cols["logins"] = (t - mu) / sd
cols["logins (missing)"] = ind

# tickets: clip [0, 20] -> mean impute, no indicator, not standardized
u = df.tickets.clip(0, 20)
cols["tickets"] = u.fillna(u[train].mean())

# plan: pool training levels with < 10 rows into (other); reference = most frequent (ties alphabetical)
plan = df.plan.replace("", np.nan)
counts = plan[train].value_counts()
pooled = sorted(counts[counts < 10].index)
kept = counts[counts >= 10].to_dict()
if pooled:
    kept["(other)"] = int(counts[pooled].sum())
reference = sorted(kept.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
levels = sorted(k for k in kept if k not in (reference, "(other)"))
for lev in levels:
    cols[f"plan={lev}"] = (plan == lev).astype(float)
if pooled and reference != "(other)":
    cols["plan=(other)"] = plan.isin(pooled).astype(float)
if plan[train].isna().any():
    cols["plan=(missing)"] = plan.isna().astype(float)
# unseen levels (e.g. "trial") and the reference are all zeros

# has_sso: yes/no any case -> 1/0, mode impute (ties 0) + indicator, not standardized
sso = df.has_sso.replace("", np.nan).str.lower().map({"yes": 1.0, "no": 0.0})
present = sso[train].dropna()
mode = 1.0 if (present == 1).sum() * 2 > len(present) else 0.0
cols["has_sso"] = sso.fillna(mode)
if sso[train].isna().any():
    cols["has_sso (missing)"] = sso.isna().astype(float)

X = pd.DataFrame(cols)
X.insert(0, "const", 1.0)
out = {
    "source": "pandas " + pd.__version__ + ", numpy " + np.__version__,
    "columns": list(X.columns),
    "train_rows": [int(i) for i in train],
    "score_rows": [int(i) for i in score],
    "train": X.loc[train].to_numpy().tolist(),
    "score": X.loc[score].to_numpy().tolist(),
    "winsorize_bounds": [lo, hi],
    "logins_median": med,
    "logins_mean": mu,
    "logins_sd": sd,
}
json.dump(out, open("encoding_expected.json", "w"), indent=1)
print(len(df), "rows;", len(train), "training;", len(score), "scoring; columns:", list(X.columns))
