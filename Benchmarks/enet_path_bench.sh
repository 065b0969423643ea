#!/bin/sh
# The elastic-net path with walk-forward selection, healthcal against scikit-learn, one session
# (BENCHMARKS.md, "Elastic-net path"). Data under $TMPDIR, never committed:
#   python3 /work/shared/bench/gen_panel.py --rows 1000000 --features 30 --seed 1 --out $TMPDIR/panel_1m.csv
# Usage: Benchmarks/enet_path_bench.sh $TMPDIR/panel_1m.csv [path/to/release/healthcal]
set -eu
data=$1
hc=${2:-.build/release/healthcal}
here=$(dirname "$0")
tmp=${TMPDIR:-/tmp}
sed 's/model: {select: path}/model: {select: path, penalty: {l1: 0.8, l2: 0.2}}/' "$here/enet_path_spec.yaml" > "$tmp/enet_path_spec_a08.yaml"
for spec in "$here/enet_path_spec.yaml" "$tmp/enet_path_spec_a08.yaml"; do
    echo "== healthcal fit, select: path ($spec)"
    nice -n 10 /usr/bin/time -v "$hc" fit --spec "$spec" --data "$data" --weights-out "$tmp/enet_w.json" --force \
        2>&1 >/dev/null | grep -E "Elapsed|Maximum resident|User time|System time"
done
echo "== scikit-learn LogisticRegressionCV(elasticnet, saga), TimeSeriesSplit(4), Cs=10, l1_ratios 0.8, 1.0"
nice -n 10 /usr/bin/time -v python3 "$here/py_enet_path.py" --data "$data" --splits 4 2>&1 | grep -E " s |Elapsed|Maximum resident|User time|System time"
uptime
