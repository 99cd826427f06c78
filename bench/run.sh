#!/usr/bin/env bash
# Regenerates the benchmark table (Markdown and CSV on stdout, files in
# bench/results/). Usage: bench/run.sh [--full] [--runs N] [--only SECTIONS]
# (--only scaling: the scaling curves alone, bench/results/scaling.*;
#  --only vnncomp: the 186 VNN-COMP 2021 ACAS Xu instances, bench/results/vnncomp_acasxu.*;
#  --only mnistfc: VNN-COMP 2021 mnistfc, bench/results/vnncomp_mnistfc.*;
#  --only lipbab: robustlaw vs LipBaB on ACAS Xu boxes, bench/results/lipbab_acasxu.*;
#  these three need the outside repositories described in docs/bench.md)
# Expects a Release build in build/ (./robustlaw.sh bench builds it first).
set -euo pipefail
cd "$(dirname "$0")/.."
exec /usr/bin/python3 bench/run.py "$@"
