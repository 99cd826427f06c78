#!/bin/sh
# Runs ACAS Xu properties 1-4 on a few networks, one instance at a time
# (the bundled .nnet files and properties; quick smoke test). The official
# VNN-COMP 2021 suite, all 186 instances with certificates and the published
# times side by side: bench/run.sh --only vnncomp (bench/vnncomp.py).
# Usage: bench/vnnlib/run_acasxu.sh [build/robustlaw] [time-limit]
R=${1:-build/robustlaw}
T=${2:-60}
D=$(dirname "$0")
N=$D/../../data/nets/acasxu
for net in 1_1 1_2 2_1; do
  for p in 1 2 3 4; do
    printf '%s prop%s ' "$net" "$p"
    "$R" certify "$N/ACASXU_run2a_${net}_batch_2000.nnet" --vnnlib "$D/acasxu_prop$p.vnnlib" --time-limit "$T" --json |
      python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["result"], round(j["seconds"],2), j["nodes"], j["method"])'
  done
done
