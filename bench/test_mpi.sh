#!/usr/bin/env bash
# ctest mpi_lipschitz: the MPI search with 1, 2 and 3 ranks on one machine
# agrees with the single-process search (both pairs converge and overlap).
# Usage: bench/test_mpi.sh ROBUSTLAW_BINARY SOURCE_DIR
set -euo pipefail
rl=$1
net=$2/bench/nets/rand_2-16-16-1.json
root=""
[ "$(id -u)" -eq 0 ] && root="--allow-run-as-root"
single=$("$rl" lipschitz "$net" --norm=l2 --box=-2:2 --threads=1 --json)
for np in 1 2 3; do
  dist=$(mpirun -np "$np" --oversubscribe $root "$rl" lipschitz-mpi "$net" --norm=l2 --box=-2:2 --pieces=12 --json)
  /usr/bin/python3 - "$single" "$dist" "$np" <<'PY'
import json, sys
from fractions import Fraction
s, d, np_ = json.loads(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
assert s["status"] == "converged" and d["status"] == "converged", (s["status"], d["status"])
assert d["ranks"] == np_ and d["pieces"] >= 12, d
sl, su, dl, du = (Fraction(x) for x in (s["lower"], s["upper"], d["lower"], d["upper"]))
assert dl <= du and dl <= su and sl <= du, (s, d)
assert du <= dl * (1 + Fraction(1, 10**8)), d
print(f"{np_} ranks: [{d['lower']}, {d['upper']}] vs one process [{s['lower']}, {s['upper']}], "
      f"{d['pieces']} pieces, {d['pieces_pruned']} pruned")
PY
done
# A time limit is shared among the pieces: every piece runs, none is left at
# its Clarke bound (before, the first piece took the whole limit).
acas=$2/data/nets/acasxu/ACASXU_run2a_1_1_batch_2000.nnet
shared=$(mpirun -np 2 --oversubscribe $root "$rl" lipschitz-mpi "$acas" --normalized --norm=l2 --box=-0.05:0.05 --pieces=4 --time-limit=4 --json)
/usr/bin/python3 - "$shared" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
assert d["pieces"] == 4 and d["pieces_not_run"] == 0, d
assert d["status"] in ("time-limit", "converged") and d["seconds"] < 7, d
print(f"time limit shared: 4 pieces run in {d['seconds']:.1f} s, [{d['lower']}, {d['upper']}]")
PY
# Ctrl-C in a terminal (SIGINT to mpirun and its ranks, one process group)
# with --certificate: mpirun ends the ranks about 2 s after its own SIGINT,
# and they were still making certificates, so nothing was printed. The pair
# is printed now, and no certificate is written.
out=$(mktemp); err=$(mktemp); cert=$(mktemp -u --suffix=.json)
setsid mpirun -np 2 --oversubscribe $root "$rl" lipschitz-mpi "$acas" --normalized --norm=linf --box=-0.5:0.5 \
  --certificate="$cert" >"$out" 2>"$err" &
group=$!
sleep 5
kill -INT -- -"$group"
wait "$group" || true
if ! grep -q "<= L <=" "$out" || ! grep -q "status interrupted" "$out"; then
  echo "Ctrl-C: no pair printed"; cat "$out" "$err"; exit 1
fi
grep -q "no certificate written" "$err" || { echo "Ctrl-C: the certificate's fate is not reported"; cat "$err"; exit 1; }
[ ! -e "$cert" ] || { echo "Ctrl-C: a certificate was written without its replay"; exit 1; }
echo "Ctrl-C: $(grep '<= L <=' "$out" | tr -s ' ') printed, no certificate"
rm -f "$out" "$err"
# A global domain's certificate that cannot be made: the error is the
# search's own reason (it was "the search made no certificate"). At 0.01 s
# the certificate is rarely made; when it is, there is no error to read.
deep=$2/bench/nets/rand_3-16-16-16-4.json
err=$(mktemp); cert=$(mktemp -u --suffix=.json)
mpirun -np 2 --oversubscribe $root "$rl" lipschitz-mpi "$deep" --global --norm=l2 --lipsdp=off --time-limit=0.01 \
  --certificate="$cert" >/dev/null 2>"$err" || true
if grep -q "no certificate written" "$err"; then
  ! grep -q "the search made no certificate" "$err" || { echo "global piece: generic certificate error"; cat "$err"; exit 1; }
  echo "global piece: $(grep -o 'no certificate written.*' "$err" | cut -c1-120)"
else
  echo "global piece: the certificate was made within 0.01 s"
fi
rm -f "$err" "$cert"
