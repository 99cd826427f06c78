#!/usr/bin/python3
"""Regenerates robustlaw's benchmark table (bench/run.sh calls this).

Every row is measured in this run: robustlaw's certified pair, its own
baselines (product of norms, Clarke interval), float sampling, the float
LipSDP-Neuron of bench/lipsdp.py, and the float and rigorous twins of the
benchmark's box branch and bound (the cost of rigour). Seconds are medians of
several runs; peak memory is the maximum resident size of the process
(/usr/bin/time -f %M). A row whose command does not exist yet is skipped with
a note. Prints Markdown then CSV; writes bench/results/bench.{md,csv,json} and
the gap-vs-time plot bench/results/acasxu_gap.svg. The scaling curves
(bench/scaling.py) run with --full or --only scaling and write
bench/results/scaling.{csv,md} and scaling_*.svg. The VNN-COMP suites
(bench/vnncomp.py, --only vnncomp / mnistfc) and the LipBaB table
(bench/lipbab_table.py, --only lipbab) run only when named.
"""
import argparse
import csv
import io
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from fractions import Fraction

import lipbab_table
import plot
import scaling
import vnncomp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("ROBUSTLAW_BUILD", os.path.join(ROOT, "build"))
RL = os.path.join(BUILD, "robustlaw")
RLB = os.path.join(BUILD, "bench", "rl_bench")
PY = "/usr/bin/python3"
ACAS = os.path.join(ROOT, "data/nets/acasxu/ACASXU_run2a_1_1_batch_2000.nnet")
NETS = os.path.join(ROOT, "bench/nets")
OUT = os.path.join(ROOT, "bench/results")

# Issue 3's peer figures: LipBaB seconds on one core of this machine.
LIPBAB = {"rand_2-32-32-1": 3.3, "rand_5-20-20-1": 2.0, "rand_3-16-16-16-4": 2.2, "rand_2-16-16-1": 0.64, "acasxu_1_1_small": 24.9}

BOX_CASES = [  # name, model, extra args, box
    ("rand_2-32-32-1", f"{NETS}/rand_2-32-32-1.json", [], "-1:1"),
    ("rand_5-20-20-1", f"{NETS}/rand_5-20-20-1.json", [], "-0.2:0.2"),
    ("rand_3-16-16-16-4", f"{NETS}/rand_3-16-16-16-4.json", [], "-0.5:0.5"),
    ("rand_2-16-16-1", f"{NETS}/rand_2-16-16-1.json", [], "-100:100"),
    ("acasxu_1_1_small", ACAS, ["--normalized"], "-0.01:0.01"),
]
# The last three (several hidden layers) were written by `robustlaw random-net --sizes 3,8,6,1 --seed 14`,
# `--sizes 4,10,10,2 --seed 15` and `--sizes 3,10,10,10,1 --seed 16`.
GLOBAL_CASES = [(n, f"{NETS}/{n}.json") for n in ("rand_2-8-1", "rand_3-12-1", "rand_4-16-1", "rand_3-8-6-1", "rand_4-10-10-2",
                                                    "rand_3-10-10-10-1")]
ROBUSTNESS = [  # name, model, args
    ("acasxu_1_1 linf 0.001", ACAS, ["--normalized", "--input=0.1,0.1,0.1,0.1,0.1", "--radius=0.001", "--norm=linf"]),
    ("acasxu_1_1 linf 0.01", ACAS, ["--normalized", "--input=0.1,0.1,0.1,0.1,0.1", "--radius=0.01", "--norm=linf"]),
    ("rand_3-16-16-16-4 l2 0.05", f"{NETS}/rand_3-16-16-16-4.json", ["--input=0.1,-0.2,0.3", "--radius=0.05", "--norm=l2"]),
]
MONTE_CARLO = [
    ("sphere d=10 definition2", ["--measure", "sphere", "--d", "10", "--function", "coordinate", "--form", "definition2", "--c", "1"]),
    ("gaussian d=10 isoperimetry", ["--measure", "gaussian", "--d", "10", "--function", "coordinate", "--form", "isoperimetry", "--c", "1"]),
]
THEOREM = [
    ("MNIST neurips2021", ["--edition", "neurips2021", "--n", "60000", "--d", "784", "--p", "1000000", "--epsilon", "0.1",
                           "--delta", "0.01", "--c", "1", "--W", "10", "--J", "10"]),
    ("MNIST seed", ["--edition", "seed", "--n", "60000", "--d", "784", "--p", "1000000", "--epsilon", "0.1",
                    "--delta", "0.01", "--c", "1", "--W", "10", "--J", "10"]),
]


def log(*a):
    print(*a, file=sys.stderr, flush=True)


class Runner:
    def __init__(self, runs):
        self.runs = runs
        self.subcommands = self._subcommands()

    def _subcommands(self):
        if not os.path.exists(RL):
            return set()
        text = subprocess.run([RL, "--help"], capture_output=True, text=True).stdout
        return set(re.findall(r"^\s+([a-z][a-z0-9-]*)\s", text, re.M))

    def has(self, sub):
        return sub in self.subcommands

    def once(self, cmd, timeout=None):
        """Runs cmd under /usr/bin/time; returns (json or None, wall seconds, peak KiB, stderr)."""
        with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
            start = time.perf_counter()
            try:
                p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tf.name] + cmd, capture_output=True, text=True,
                                   timeout=timeout)
            except subprocess.TimeoutExpired:
                return None, time.perf_counter() - start, None, "timeout"
            wall = time.perf_counter() - start
            peak = None
            try:
                peak = int(tf.read().strip().splitlines()[-1])
            except (ValueError, IndexError):
                pass
        try:
            out = json.loads(p.stdout)
        except json.JSONDecodeError:
            out = None
        if p.returncode != 0 and out is None:
            log("  failed:", " ".join(cmd), "->", p.stderr.strip()[-300:])
        return out, wall, peak, p.stderr

    def median(self, cmd, runs=None, timeout=None):
        """Median run by reported (or wall) seconds; peak memory is the max over runs."""
        results = []
        for _ in range(runs or self.runs):
            out, wall, peak, err = self.once(cmd, timeout)
            if out is None:
                return None
            secs = out.get("seconds", wall) if isinstance(out, dict) else wall
            results.append((float(secs), wall, out, peak))
        results.sort(key=lambda r: r[0])
        secs, wall, out, _ = results[len(results) // 2]
        out = dict(out)
        out["_seconds"] = secs
        out["_wall"] = wall
        out["_peak_kib"] = max((r[3] or 0) for r in results)
        out["_runs"] = len(results)
        return out


def rel_gap(lower, upper):
    try:
        lo, up = Fraction(lower), Fraction(upper)
    except (ValueError, TypeError, ZeroDivisionError):
        return ""
    if lo <= 0:
        return "inf"
    return f"{float(up / lo - 1):.2e}"


def fmt_s(x):
    return "" if x is None or x == "" else (f"{x:.3g}" if x < 100 else f"{x:.0f}")


ROWS = []  # dicts with the CSV columns
COLUMNS = ["section", "case", "domain", "method", "kind", "lower", "upper", "gap", "seconds", "runs", "nodes",
           "peak_kib", "status", "note"]


def row(**kw):
    r = {c: kw.get(c, "") for c in COLUMNS}
    ROWS.append(r)
    return r


def skip(section, case, note):
    log(f"  skipped {section} / {case}: {note}")
    row(section=section, case=case, note="skipped: " + note)


def engine_lipschitz(R, name, model, extra, domain_args, threads, runs=None, time_limit=None):
    # --baselines: the table's product-of-norms and Clarke rows come from the same run (and its time includes them).
    cmd = [RL, "lipschitz", model, "--norm", "l2", "--json", "--baselines", f"--threads={threads}"] + extra + domain_args
    if time_limit:
        cmd.append(f"--time-limit={time_limit}")
    return R.median(cmd, runs)


def lipschitz_box_rows(R, full):
    section = "lipschitz (box, l2)"
    if not R.has("lipschitz"):
        for name, *_ in BOX_CASES:
            skip(section, name, "robustlaw lipschitz does not exist yet")
        return
    for name, model, extra, box in BOX_CASES:
        log(f"== {name} on {box}")
        dom = f"[{box.replace(':', ',')}]^d"
        runs = R.runs if "acas" not in name else max(1, R.runs // 2)
        e = engine_lipschitz(R, name, model, extra, [f"--box={box}"], 1, runs, time_limit=120)
        if e:
            row(section=section, case=name, domain=dom, method="robustlaw (1 thread)", kind="rigorous",
                lower=e["lower"], upper=e["upper"], gap=rel_gap(e["lower_exact"], e["upper_exact"]), seconds=fmt_s(e["_seconds"]),
                runs=e["_runs"], nodes=e.get("nodes", ""), peak_kib=e["_peak_kib"], status=e["status"],
                note=f"LipBaB {LIPBAB[name]} s; speedup {LIPBAB[name] / max(e['_seconds'], 1e-6):.1f}x" if name in LIPBAB else "")
            for key, label in (("product", "product of norms"), ("clarke", "Clarke interval")):
                b = e.get("baselines", {}).get(key)
                if b:
                    row(section=section, case=name, domain=dom, method=label, kind="rigorous", upper=b["upper"],
                        note="reported by robustlaw lipschitz")
        b = R.median([RLB, "baselines", model, f"--box={box}", "--samples=10000"] + extra, 1)
        if b:
            s = b["sampled"]
            row(section=section, case=name, domain=dom, method="sampled gradients (10^4)", kind="float",
                lower=f"{s['value']:.17g}", seconds=fmt_s(s["seconds"]), runs=1, peak_kib=b["_peak_kib"])
        for arith in ("float", "rigorous"):
            r = R.median([RLB, "bnb", model, f"--box={box}", f"--arithmetic={arith}", "--time-limit=30"] + extra, runs)
            if r:
                row(section=section, case=name, domain=dom, method=f"bench box B&B ({arith})",
                    kind="float" if arith == "float" else "rigorous", lower=r["lower"], upper=r["upper"],
                    gap=rel_gap(r["lower"], r["upper"]), seconds=fmt_s(r["_seconds"]), runs=r["_runs"], nodes=r["nodes"],
                    peak_kib=r["_peak_kib"], status=r["status"])
        lipsdp_rows(R, section, name, model, extra, dom, box, full)


def lipsdp_rows(R, section, name, model, extra, dom, box, full):
    json_model = model
    if not model.endswith(".json"):
        exported = os.path.join(OUT, name + ".export.json")
        with open(exported, "w") as f:
            subprocess.run([RLB, "export", model] + extra, stdout=f, check=True)
        json_model = exported
    if "acas" in name and not full:
        row(section=section, case=name, domain=dom, method="LipSDP-Neuron", kind="float",
            note="run with --full (a 305x305 LMI with 301 variables)")
        return
    for variant, args in (("global", []), ("local", [f"--box={box}"])):
        r = R.median([PY, os.path.join(ROOT, "bench/lipsdp.py"), json_model] + args, 1, timeout=900)
        if r:
            row(section=section, case=name, domain=dom if variant == "local" else "R^d", method=f"LipSDP-Neuron ({variant})",
                kind="float", upper=f"{r['value']:.17g}", seconds=fmt_s(r["seconds"]), runs=1, peak_kib=r["_peak_kib"],
                status=r["solver_status"], note=f"LMI max eigenvalue {r['lmi_max_eigenvalue']:+.2e}")
        verified_lipsdp_row(R, section, name, model, extra, dom if variant == "local" else "R^d", variant,
                            ["--global"] if variant == "global" else [f"--box={box}"])


def verified_lipsdp_row(R, section, name, model, extra, dom, variant, domain_args):
    """robustlaw's own LipSDP-Neuron: SDPA, then the exact PSD proof (lipsdp_upper; one B&B node only)."""
    e = R.median([RL, "lipschitz", model, "--norm", "l2", "--json", "--threads=1", "--lipsdp=on", "--node-limit=1"]
                 + extra + domain_args, 1, timeout=900)
    if e and e.get("lipsdp_upper"):
        row(section=section, case=name, domain=dom, method=f"LipSDP-Neuron ({variant}), verified", kind="rigorous",
            upper=e["lipsdp_upper"], seconds=fmt_s(e["lipsdp_seconds"]), runs=1, peak_kib=e["_peak_kib"],
            note="robustlaw lipschitz --lipsdp=on: exact PSD proof of the rounded LMI")
    elif e:
        row(section=section, case=name, domain=dom, method=f"LipSDP-Neuron ({variant}), verified", kind="rigorous",
            note="not verified: " + str(e.get("lipsdp_note", "")))


def acas_whole_box_rows(R, full):
    section = "ACAS Xu 1_1 whole input box (l2, raw coordinates)"
    if not R.has("lipschitz"):
        skip(section, "acasxu_1_1", "robustlaw lipschitz does not exist yet")
        return []
    curve = []
    limits = [1, 5, 20, 60] + ([300] if full else [])
    for t in limits:
        log(f"== ACAS Xu whole box, {t} s")
        cmd = [RL, "lipschitz", ACAS, "--norm", "l2", "--global", "--json", "--threads=1", f"--time-limit={t}"]
        out, wall, peak, err = R.once(cmd)
        if not out:
            continue
        row(section=section, case="acasxu_1_1", domain="clamp box", method=f"robustlaw, time limit {t} s", kind="rigorous",
            lower=out["lower"], upper=out["upper"], gap=rel_gap(out["lower_exact"], out["upper_exact"]),
            seconds=fmt_s(out["seconds"]), runs=1, nodes=out.get("nodes", ""), peak_kib=peak, status=out["status"])
        if t == limits[-1]:
            for line in err.splitlines():
                m = re.search(r"lower (\S+)\s+upper (\S+)\s+gap (\S+).*?([0-9.]+) s$", line)
                if m:
                    curve.append((float(m.group(4)), float(m.group(1)), float(m.group(2))))
        curve.append((float(out["seconds"]), float(out["lower"]), float(out["upper"])))
    return sorted(curve)


def global_rows(R):
    section = "global (l2): region enumeration (one hidden layer), activation branching (more)"
    if not R.has("lipschitz"):
        for name, _ in GLOBAL_CASES:
            skip(section, name, "robustlaw lipschitz does not exist yet")
        return
    for name, model in GLOBAL_CASES:
        log(f"== {name} global")
        e = engine_lipschitz(R, name, model, [], ["--global"], 1, time_limit=60)
        if e:
            row(section=section, case=name, domain="R^d", method="robustlaw (1 thread)", kind="rigorous", lower=e["lower"],
                upper=e["upper"], gap=rel_gap(e["lower_exact"], e["upper_exact"]), seconds=fmt_s(e["_seconds"]),
                runs=e["_runs"], nodes=e.get("nodes", ""), peak_kib=e["_peak_kib"], status=e["status"],
                note="target < 1 s: " + ("met" if e["_seconds"] < 1 and e["status"] == "converged" else "missed"))
            b = e.get("baselines", {}).get("product")
            if b:
                row(section=section, case=name, domain="R^d", method="product of norms", kind="rigorous", upper=b["upper"])
        r = R.median([PY, os.path.join(ROOT, "bench/lipsdp.py"), model], 1)
        if r:
            row(section=section, case=name, domain="R^d", method="LipSDP-Neuron (global)", kind="float",
                upper=f"{r['value']:.17g}", seconds=fmt_s(r["seconds"]), runs=1, peak_kib=r["_peak_kib"],
                status=r["solver_status"], note=f"LMI max eigenvalue {r['lmi_max_eigenvalue']:+.2e}")
        verified_lipsdp_row(R, section, name, model, [], "R^d", "global", ["--global"])


def thread_rows(R):
    section = "threads (robustlaw lipschitz)"
    if not R.has("lipschitz"):
        skip(section, "all", "robustlaw lipschitz does not exist yet")
        return
    for name, model, extra, box in BOX_CASES[:2] + BOX_CASES[4:]:
        log(f"== threads {name}")
        res = {}
        for t in (1, 2):
            res[t] = engine_lipschitz(R, name, model, extra, [f"--box={box}"], t, 1 if "acas" in name else None, time_limit=120)
        if not res[1] or not res[2]:
            continue
        same = (res[1]["lower_exact"], res[1]["upper_exact"]) == (res[2]["lower_exact"], res[2]["upper_exact"])
        for t in (1, 2):
            e = res[t]
            row(section=section, case=name, domain=f"[{box.replace(':', ',')}]^d", method=f"--threads {t}", kind="rigorous",
                lower=e["lower"], upper=e["upper"], gap=rel_gap(e["lower_exact"], e["upper_exact"]),
                seconds=fmt_s(e["_seconds"]), runs=e["_runs"], nodes=e.get("nodes", ""), peak_kib=e["_peak_kib"],
                status=e["status"],
                note="" if t == 1 else f"speedup {res[1]['_seconds'] / max(e['_seconds'], 1e-9):.2f}x; "
                                       f"bounds {'identical' if same else 'DIFFER'}")


def mpi_rows(R):
    section = "MPI (robustlaw lipschitz-mpi)"
    if not R.has("lipschitz-mpi") or not shutil.which("mpirun"):
        skip(section, "all", "lipschitz-mpi or mpirun missing")
        return
    name, model, extra, box = BOX_CASES[0]
    root = ["--allow-run-as-root"] if os.geteuid() == 0 else []
    for np_ in (1, 2, 3):
        log(f"== mpi {np_} ranks")
        cmd = ["mpirun", "-np", str(np_), "--oversubscribe"] + root + [RL, "lipschitz-mpi", model, "--norm=l2", f"--box={box}",
                                                                        "--json", "--time-limit=120"] + extra
        e = R.median(cmd, 1)
        if e and "lower" in e:
            row(section=section, case=name, domain=f"[{box.replace(':', ',')}]^d", method=f"mpirun -np {np_}",
                kind="rigorous", lower=e["lower"], upper=e["upper"], gap=rel_gap(e["lower"], e["upper"]),
                seconds=fmt_s(e["_seconds"]), runs=1, nodes=e.get("nodes", ""), peak_kib=e["_peak_kib"], status=e["status"],
                note=f"{e['ranks']} ranks, {e['pieces']} pieces, {e['pieces_pruned']} pruned (peak: mpirun process)")


def robustness_rows(R):
    section = "robustness (robustlaw certify)"
    if not R.has("certify"):
        for name, *_ in ROBUSTNESS:
            skip(section, name, "robustlaw certify does not exist yet")
        return
    for name, model, args in ROBUSTNESS:
        log(f"== certify {name}")
        e = R.median([RL, "certify", model, "--json"] + args)
        if e:
            row(section=section, case=name, method="robustlaw certify", kind="rigorous", seconds=fmt_s(e["_seconds"]),
                runs=e["_runs"], nodes=e.get("nodes", ""), peak_kib=e["_peak_kib"], status=e.get("verdict", ""),
                note=f"certified radius {e['certified_radius']}" if "certified_radius" in e else "")


def monte_carlo_rows(R):
    section = "Monte Carlo (robustlaw concentration)"
    if not R.has("concentration"):
        for name, _ in MONTE_CARLO:
            skip(section, name, "robustlaw concentration does not exist yet")
        return
    for name, args in MONTE_CARLO:
        log(f"== concentration {name}")
        e = R.median([RL, "concentration", "--json"] + args)
        if e:
            samples = e.get("samples") or e.get("total_samples")
            rate = f"{float(samples) / e['_seconds']:.3g} samples/s" if samples and e["_seconds"] > 0 else ""
            row(section=section, case=name, method="robustlaw concentration", kind="Monte Carlo",
                seconds=fmt_s(e["_seconds"]), runs=e["_runs"], peak_kib=e["_peak_kib"], status=e.get("verdict", ""),
                note=rate)


def theorem_rows(R):
    section = "theorem (robustlaw theorem)"
    if not R.has("theorem"):
        for name, _ in THEOREM:
            skip(section, name, "robustlaw theorem does not exist yet")
        return
    for name, args in THEOREM:
        log(f"== theorem {name}")
        e = R.median([RL, "theorem", "--json"] + args)
        if e:
            lb = e.get("lipschitz_lower_bound", {})
            row(section=section, case=name, method="Lipschitz lower bound (10)", kind="rigorous",
                lower=lb.get("lower", ""), upper=lb.get("upper", ""), gap=rel_gap(lb.get("lower"), lb.get("upper")),
                seconds=fmt_s(e["_seconds"]), runs=e["_runs"], peak_kib=e["_peak_kib"],
                status="condition (8) holds" if e.get("condition_8", {}).get("holds") else "condition (8) fails",
                note=f"least n = {e['least_n']}" if "least_n" in e else "")


def plot_gap(curve, path):
    if not curve:
        return False
    data = os.path.join(OUT, "acasxu_gap.dat")
    with open(data, "w") as f:
        f.write("# seconds lower upper rel_gap\n")
        for s, lo, up in curve:
            if lo > 0 and s > 0:
                f.write(f"{s} {lo} {up} {up / lo - 1}\n")
    return plot.loglog_svg(data, path, "ACAS Xu 1_1, whole input box, l2: certified relative gap vs time",
                           "seconds (one thread)", "upper/lower - 1", "robustlaw lipschitz")


def markdown():
    out = io.StringIO()
    section = None
    for r in ROWS:
        if r["section"] != section:
            section = r["section"]
            out.write(f"\n### {section}\n\n| case | domain | method | kind | lower | upper | gap | s | nodes | peak MiB | status | note |\n")
            out.write("|---|---|---|---|---|---|---|---|---|---|---|---|\n")
        peak = f"{int(r['peak_kib']) / 1024:.1f}" if str(r["peak_kib"]).isdigit() else ""
        cells = [r["case"], r["domain"], r["method"], r["kind"], r["lower"], r["upper"], r["gap"], r["seconds"],
                 str(r["nodes"]), peak, r["status"], r["note"]]
        out.write("| " + " | ".join(str(c) for c in cells) + " |\n")
    return out.getvalue()


def main():
    ap = argparse.ArgumentParser(description="regenerate robustlaw's benchmark table")
    ap.add_argument("--full", action="store_true",
                    help="also LipSDP on ACAS Xu, a 300 s ACAS Xu whole-box run and the scaling curves")
    ap.add_argument("--runs", type=int, default=3, help="runs per timed row (median reported)")
    ap.add_argument("--only", default="",
                    help="comma-separated sections: box,acas,global,threads,mpi,robustness,mc,theorem,scaling, and the "
                         "long ones run only when named: vnncomp (ACAS Xu, 186 instances), mnistfc, lipbab")
    ap.add_argument("--scaling-seeds", type=int, default=len(scaling.SEEDS), help="scaling: random networks per point")
    ap.add_argument("--scaling-time-limit", type=float, default=scaling.TIME_LIMIT, help="scaling: seconds per run")
    ap.add_argument("--vnn-time-limit", type=float, help="vnncomp/mnistfc: seconds per instance (default 60 / 120)")
    ap.add_argument("--vnn-subset", type=int, help="vnncomp/mnistfc: a representative subset of this many instances")
    ap.add_argument("--vnn-root", help="vnncomp/mnistfc: the VNN-COMP 2021 repository (default $VNNCOMP2021 or /work/ext/vnncomp2021)")
    ap.add_argument("--resume", action="store_true", help="vnncomp/mnistfc/lipbab: continue the CSV of an interrupted run")
    lipbab_group = ap.add_argument_group("lipbab section (bench/lipbab_table.py)")
    lipbab_table.add_arguments(lipbab_group, with_resume=False)
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))
    long_sections = {"vnncomp", "mnistfc", "lipbab"}
    for tool in (RL, RLB) if only - long_sections or not only else (RL,):
        if not os.path.exists(tool):
            sys.exit(f"{tool} is missing: build first (./robustlaw.sh build)")
    os.makedirs(OUT, exist_ok=True)
    R = Runner(args.runs)
    # The scaling curves take about 10 minutes, the VNN-COMP suites and the LipBaB table hours: only when asked for.
    want = lambda s: s in only if only else (s not in long_sections and (s != "scaling" or args.full))
    load_start = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    curve = []
    sections = [("box", lambda: lipschitz_box_rows(R, args.full)), ("acas", lambda: acas_whole_box_rows(R, args.full)),
                ("global", lambda: global_rows(R)), ("threads", lambda: thread_rows(R)), ("mpi", lambda: mpi_rows(R)),
                ("robustness", lambda: robustness_rows(R)), ("mc", lambda: monte_carlo_rows(R)),
                ("theorem", lambda: theorem_rows(R))]
    table_wanted = any(want(key) for key, _ in sections)
    for key, fn in sections:
        if want(key):
            got = fn()
            if key == "acas":
                curve = got
            md, table_csv = write_outputs(args, load_start, started, curve, final=False)
    if table_wanted:
        md, table_csv = write_outputs(args, load_start, started, curve, final=True)
        print(md)
        print(table_csv)
    if want("scaling"):
        log("== scaling curves")
        print(scaling.run(RL, OUT, log, seeds=tuple(range(1, args.scaling_seeds + 1)), time_limit=args.scaling_time_limit))
    for suite, section in (("acasxu", "vnncomp"), ("mnistfc", "mnistfc")):
        if want(section):
            print(vnncomp.run(RL, suite, args.vnn_root, args.vnn_time_limit, args.vnn_subset, None, args.resume))
    if want("lipbab"):
        print(lipbab_table.run(RL, args))


def write_outputs(args, load_start, started, curve, final):
    """Writes the files after every section, so an interrupted run keeps what it measured."""
    load_end = os.getloadavg()
    rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    header = (f"robustlaw benchmark, {started}, commit {rev}, {platform.machine()}, {os.cpu_count()} cores, "
              f"load average {load_start[0]:.1f} at start, {load_end[0]:.1f} at {'end' if final else 'last section'}; "
              f"seconds are medians of {args.runs} runs (fewer on long rows)\n")
    md = header + markdown()
    if final and plot_gap(curve, os.path.join(OUT, "acasxu_gap.svg")):
        md += "\nGap vs time: bench/results/acasxu_gap.svg\n"
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS)
    w.writeheader()
    w.writerows(ROWS)
    with open(os.path.join(OUT, "bench.md"), "w") as f:
        f.write(md)
    with open(os.path.join(OUT, "bench.csv"), "w") as f:
        f.write(buf.getvalue())
    with open(os.path.join(OUT, "bench.json"), "w") as f:
        json.dump({"header": header, "rows": ROWS, "gap_curve": curve}, f, indent=1)
    return md, buf.getvalue()

if __name__ == "__main__":
    main()
