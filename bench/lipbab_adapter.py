#!/usr/bin/python3
"""Runs LipBaB (pyrobits/LipBaB, a Python Lipschitz branch and bound) on a
robustlaw network and box, for side-by-side benchmarks.

LipBaB is a script whose network, input box and norm are set near its end;
it has no licence, so it is not copied here: clone the GitHub repository
pyrobits/LipBaB outside this repository and point $LIPBAB (or --lipbab) at it
(default /work/ext/LipBaB). This adapter reads LipBaB.py at run time, replaces
exactly those settings (the two np.load lines of the network, the box, the
norm) and the commented-out time limit, and runs the rest unchanged. Each
replacement must match exactly once, so a changed LipBaB fails loudly
instead of running something else.

The network (.nnet as raw weights, i.e. in normalized coordinates, like
`robustlaw --normalized`; robustlaw JSON; ONNX) is given to LipBaB as its own
input format: one (in, out) weight matrix per layer and one bias vector.
LipBaB computes max ||J(x)||_{p->p} over the box with the same norm on
inputs and outputs (numpy's matrix norm: 1, 2 or inf), as `robustlaw
lipschitz --norm` does. It needs numpy and cvxopt with GLPK (Debian:
python3-numpy, python3-cvxopt).

Prints one JSON object: value (LipBaB's final estimate: its upper bound,
which equals its lower bound when converged), lower (its best exact region
value), status (converged / time-limit), nodes, seconds (LipBaB's own clock)
and total_seconds (this whole process up to the answer, imports included).

Usage: bench/lipbab_adapter.py MODEL --norm l2|l1|linf (--box LO:HI[,LO:HI...] |
       --center x1,...,xd --half-width h) [--time-limit S] [--lipbab DIR]
"""
import argparse
import contextlib
import io
import json
import math
import os
import re
import sys
import time

PROCESS_START = time.perf_counter()

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netio  # noqa: E402

DEFAULT_LIPBAB = "/work/ext/LipBaB"
NORMS = {"l1": "1", "l2": "2", "linf": "np.inf"}


def parse_box(args, dim):
    if args.box:
        parts = args.box.split(",")
        if len(parts) not in (1, dim):
            sys.exit(f"--box: give one LO:HI for every input or one per input ({dim})")
        box = [tuple(float(v) for v in p.split(":")) for p in parts]
        return box * dim if len(box) == 1 else box
    if args.center is None or args.half_width is None:
        sys.exit("give --box or --center and --half-width")
    c = [float(v) for v in args.center.split(",")]
    if len(c) != dim:
        sys.exit(f"--center: {len(c)} values for {dim} inputs")
    return [(x - args.half_width, x + args.half_width) for x in c]


def substitute(source, pattern, replacement, what):
    new, n = re.subn(pattern, lambda m: replacement, source, flags=re.M)
    if n != 1:
        sys.exit(f"LipBaB.py: expected one {what} to replace, found {n}; the adapter does not know this version")
    return new


def prepared_source(lipbab_dir, norm, time_limit, clock):
    path = os.path.join(lipbab_dir, "LipBaB.py")
    if not os.path.exists(path):
        sys.exit(f"{path} not found: clone the GitHub repository pyrobits/LipBaB outside this repository "
                 "and set LIPBAB=/path/to/LipBaB (or pass --lipbab)")
    with open(path) as f:
        src = f.read()
    src = substitute(src, r"^wts=np\.load\(.*\)$", "wts=ADAPTER_WEIGHTS", "weights np.load")
    src = substitute(src, r"^bs=np\.load\(.*\)$", "bs=ADAPTER_BIASES", "biases np.load")
    src = substitute(src, r"^#bounds of the input region *\nbnds=\[\[0\.,0\.1\] for i in range\(ls\[0\]\)\]$",
                     "#bounds of the input region\nbnds=ADAPTER_BOX", "input box")
    src = substitute(src, r"^pnorm=2 .*$", f"pnorm={NORMS[norm]}", "norm")
    # The limit on the wall clock since LipBaB's start, or on the whole
    # process's CPU seconds (fairer on a shared machine: LipBaB then gets the
    # same CPU time however loaded the machine is).
    elapsed = "(time.time() - start_time)" if clock == "wall" else "time.process_time()"
    src = substitute(src, r"^    #if \(time\.time\(\) - start_time\)>=300:.*\n        #break$",
                     f"    if {elapsed}>={time_limit!r}:\n        ADAPTER_STATUS[0]='time-limit'\n        break",
                     "time limit")
    return src, path


def main():
    ap = argparse.ArgumentParser(description="run LipBaB on a robustlaw network")
    ap.add_argument("model")
    ap.add_argument("--norm", required=True, choices=sorted(NORMS))
    ap.add_argument("--box")
    ap.add_argument("--center")
    ap.add_argument("--half-width", type=float)
    ap.add_argument("--time-limit", type=float, default=math.inf)
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="what --time-limit counts: wall seconds of the search or CPU seconds of the process")
    ap.add_argument("--lipbab", default=os.environ.get("LIPBAB", DEFAULT_LIPBAB))
    args = ap.parse_args()
    layers = netio.load(args.model)
    box = parse_box(args, layers[0][0].shape[1])
    src, path = prepared_source(args.lipbab, args.norm, args.time_limit if math.isfinite(args.time_limit) else 1e300,
                                 args.clock)
    status = ["converged"]
    env = {"__name__": "lipbab", "ADAPTER_WEIGHTS": [w.T.copy() for w, _ in layers],
           "ADAPTER_BIASES": [b.copy() for _, b in layers], "ADAPTER_BOX": [[lo, hi] for lo, hi in box],
           "ADAPTER_STATUS": status}
    printed = io.StringIO()
    cwd = os.getcwd()
    os.chdir(args.lipbab)  # LipBaB expects to run from its folder
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(src, path, "exec"), env)
    finally:
        os.chdir(cwd)
    total = time.perf_counter() - PROCESS_START
    out = {"model": args.model, "norm": args.norm, "box": box, "value": float(env["tp"].Lub), "lower": float(env["glb"]),
           "status": status[0], "nodes": int(env["pcnt"]), "seconds": float(env["execution_time"]),
           "total_seconds": total, "lipbab": path}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
