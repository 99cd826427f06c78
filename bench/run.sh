#!/usr/bin/env bash
# Regenerates the benchmark table (Markdown and CSV on stdout, files in
# bench/results/). Usage: bench/run.sh [--full] [--runs N] [--only SECTIONS]
# (--only scaling: the scaling curves alone, bench/results/scaling.*)
# Expects a Release build in build/ (./robustlaw.sh bench builds it first).
set -euo pipefail
cd "$(dirname "$0")/.."
exec /usr/bin/python3 bench/run.py "$@"
