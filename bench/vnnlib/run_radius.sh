#!/bin/sh
# Certified radius at 20 random points of a small classifier (4-16-16-3,
# `robustlaw random-net --sizes 4 16 16 3 --seed 7`), against the radius the
# global product-of-layer-norms Lipschitz constant gives.
# Usage: bench/vnnlib/run_radius.sh [build/robustlaw] [linf|l2|l1] [radius R, default 0.15]
R=${1:-build/robustlaw}
NORM=${2:-linf}
D=$(dirname "$0")
python3 - "$R" "$D/small_classifier.json" "$NORM" "${3:-0.15}" <<'PY'
import json, random, subprocess, sys
exe, model, norm, radius = sys.argv[1:5]
rng = random.Random(2026)
rows = []
for k in range(20):
    x = ",".join(str(rng.randint(-1000, 1000) / 1000) for _ in range(4))
    out = subprocess.run([exe, "certify", model, "--input=" + x, "--radius", radius, "--norm", norm, "--json", "--time-limit", "20"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        print(k, x, "refused:", out.stderr.strip()); continue
    j = json.loads(out.stdout)
    m, p = float(j["margin_radius"]["lower"]), float(j["product_radius"]["lower"])
    rows.append(m / p if p > 0 else float("inf"))
    print(f'{k:2d} x=({x}) label {j["label"]} margin-radius {j["margin_radius"]["lower"][:10]} product-radius {j["product_radius"]["lower"][:10]} '
          f'ratio {m / p if p > 0 else float("inf"):.2f}  R={radius}: {j["verdict"]} ({j["seconds"]:.2f} s)')
rows.sort()
print("median ratio margin/product:", rows[len(rows) // 2] if rows else None)
PY
