#!/bin/sh
# Search seconds against certificate-check seconds, per instance (CPU seconds,
# user + system, as /usr/bin/time reports them): `certify` without a
# certificate (the search alone), then `certify --certificate` to write it,
# then `check` on it alone. Instances are NET:PROP pairs of the official
# VNN-COMP 2021 ACAS Xu files (ONNX networks, normalized properties).
# Usage: bench/vnnlib/run_check_speed.sh ROBUSTLAW ACASXU_DIR OUT_DIR TIME_LIMIT NET:PROP...
# e.g.   bench/vnnlib/run_check_speed.sh build/robustlaw /data/vnncomp2021/benchmarks/acasxu /tmp/cs 60 1_1:3 2_2:3
R=$1; A=$2; O=$3; T=$4
shift 4
mkdir -p "$O"
cpu() { /usr/bin/time -f '%U %S' "$@" 2>&1 >/dev/null | tail -1 | awk '{print $1 + $2}'; }
printf '%-6s %-5s %-8s %6s %9s %8s\n' net prop result nodes search_s check_s
for inst in "$@"; do
  n=${inst%:*}; p=${inst#*:}
  net=$A/ACASXU_run2a_${n}_batch_2000.onnx; prop=$A/prop_$p.vnnlib
  search=$(cpu "$R" certify "$net" --vnnlib "$prop" --time-limit "$T")
  "$R" certify "$net" --vnnlib "$prop" --time-limit "$T" --json --certificate "$O/${n}_$p.json" > "$O/${n}_$p.out" 2>/dev/null
  set -- $(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["result"], j["nodes"])' "$O/${n}_$p.out")
  check=-
  [ "$1" = unsat ] && check=$(cpu "$R" check "$O/${n}_$p.json")
  printf '%-6s %-5s %-8s %6s %9s %8s\n' "$n" "$p" "$1" "$2" "$search" "$check"
done
