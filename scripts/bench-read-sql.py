#!/usr/bin/env python3
"""The peer of `hcbench pull`: the same table with pandas.read_sql (SQLAlchemy + psycopg 3),
and the same rows' CSV with pandas.read_csv, wall seconds each (one run per call).

    python3 scripts/bench-read-sql.py URL TABLE CSV

Install: pip install "psycopg[binary]" sqlalchemy pandas
"""
import sys
import time

import pandas as pd
import sqlalchemy


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    url, table, csv = sys.argv[1:]
    engine = sqlalchemy.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    quoted = '"' + table.replace('"', '""') + '"'
    start = time.perf_counter()
    with engine.connect() as conn:
        frame = pd.read_sql(sqlalchemy.text(f"SELECT * FROM {quoted}"), conn)
    read_sql = time.perf_counter() - start
    start = time.perf_counter()
    from_csv = pd.read_csv(csv)
    read_csv = time.perf_counter() - start
    print(f"rows {len(frame)} (csv {len(from_csv)})")
    print(f"read_sql_seconds {read_sql:.3f}")
    print(f"read_csv_seconds {read_csv:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
