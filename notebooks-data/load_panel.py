"""Load the sample panel with pandas and print churn rates per quarter and segment.

    python3 notebooks-data/load_panel.py [path/to/panel.csv]

Quarters are parsed with pd.Period so they sort chronologically ("2024Q1" after "2023Q4"),
never as text. Missing cells are empty in the CSV and read as NaN.
"""
import sys
from pathlib import Path

import pandas as pd


def load_panel(path):
    panel = pd.read_csv(path, dtype={"customer_id": str, "segment": str, "plan": str})
    panel["period"] = pd.PeriodIndex(panel["period"], freq="Q")
    return panel.sort_values(["period", "customer_id"], kind="stable").reset_index(drop=True)


def main():
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("panel.csv")
    panel = load_panel(path)
    print(f"{len(panel)} customer-quarters, {panel['customer_id'].nunique()} customers, "
          f"{panel['period'].min()}..{panel['period'].max()}, churn rate {panel['churned'].mean():.2%}")
    print("\nmissing share per column:")
    print(panel.isna().mean().loc[lambda s: s > 0].round(3).to_string())
    rates = panel.pivot_table(index="period", columns="segment", values="churned", aggfunc="mean")
    rates["all"] = panel.groupby("period")["churned"].mean()
    print("\nchurn rate per quarter and segment:")
    print((100 * rates).round(1).to_string())
    print("\ncustomer-quarters per segment:")
    print(panel["segment"].value_counts().to_string())


if __name__ == "__main__":
    main()
