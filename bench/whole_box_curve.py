#!/usr/bin/env python3
"""The certified gap over ACAS Xu 1_1's whole input box (l2, raw coordinates)
against time: one thread with the verified LipSDP-Neuron bound (--lipsdp on),
and lipschitz-mpi with 2 ranks over 8 pieces (with the same LipSDP step on rank 0), side by side for --seconds.
Writes bench/results/acasxu_whole_box.{dat,md,svg} (the plot needs gnuplot).

Usage: bench/whole_box_curve.py [--seconds 600] [--robustlaw build/robustlaw]
"""
import argparse
import json
import os
import re
import subprocess
import time

import plot

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "results")
ACAS = os.path.join(ROOT, "data/nets/acasxu/ACASXU_run2a_1_1_batch_2000.nnet")
# The .nnet file's input clamp: the whole operational box in raw units.
CLAMP_BOX = "0:60760,-3.141593:3.141593,-3.141593:3.141593,100:1200,0:1200"
PROGRESS = re.compile(r"lower (\S+)\s+upper (\S+)\s+gap \S+.*?([0-9.]+) s$", re.MULTILINE)


def start(cmd):
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True), time.time()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--robustlaw", default=os.path.join(ROOT, "build", "robustlaw"))
    args = ap.parse_args()
    rl, limit = args.robustlaw, f"--time-limit={args.seconds:g}"
    single, t0 = start([rl, "lipschitz", ACAS, "--norm=l2", "--global", "--threads=1", "--lipsdp=on", "--json", limit])
    root = ["--allow-run-as-root"] if os.geteuid() == 0 else []
    mpi, _ = start(["mpirun", "-np", "2", "--oversubscribe"] + root +
                   [rl, "lipschitz-mpi", ACAS, "--norm=l2", f"--box={CLAMP_BOX}", "--pieces=8", "--lipsdp=on", "--json", limit])
    load = os.getloadavg()[0]
    s_out, s_err = single.communicate()
    m_out, m_err = mpi.communicate()
    s, m = json.loads(s_out), json.loads(m_out)
    curve = [(float(t), float(lo), float(up)) for lo, up, t in PROGRESS.findall(s_err)]
    curve.append((s["seconds"], float(s["lower"]), float(s["upper"])))
    with open(os.path.join(OUT, "acasxu_whole_box.dat"), "w") as f:
        f.write("# seconds lower upper upper/lower (one thread: branch and bound progress, which starts after the LipSDP-Neuron solve; "
                "last row: the final pair, with LipSDP-Neuron)\n")
        for t, lo, up in curve:
            if lo > 0:
                f.write(f"{t} {lo} {up} {up / lo}\n")
    with open(os.path.join(OUT, "acasxu_whole_box.md"), "w") as f:
        f.write(f"# ACAS Xu 1_1, whole input box, l2 (raw coordinates), {args.seconds:g} s\n\n")
        f.write(f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(t0))}, both at once on this 2-core machine "
                f"(load average {load:.1f} at start), `bench/whole_box_curve.py`.\n\n")
        f.write("| run | lower | upper | upper/lower | status | nodes | seconds | upper from |\n|---|---|---|---|---|---|---|---|\n")
        for name, r in (("lipschitz, 1 thread, --lipsdp on", s), ("lipschitz-mpi, 2 ranks (1 worker), 8 pieces, --lipsdp on", m)):
            ratio = float(r["upper"]) / float(r["lower"]) if float(r["lower"]) > 0 else float("inf")
            f.write(f"| {name} | {float(r['lower']):.6g} | {float(r['upper']):.6g} | {ratio:.4g} | {r['status']} | "
                    f"{r.get('nodes', '')} | {r['seconds']:.1f} | {r.get('upper_method', '')} |\n")
    plot.loglog_svg(os.path.join(OUT, "acasxu_whole_box.dat"), os.path.join(OUT, "acasxu_whole_box.svg"),
                    "ACAS Xu 1_1, whole input box, l2: certified upper/lower vs time", "seconds (one thread)",
                    "upper / lower", "branch and bound (after the SDP solve); last point: with LipSDP-Neuron")
    print(open(os.path.join(OUT, "acasxu_whole_box.md")).read())


if __name__ == "__main__":
    main()
