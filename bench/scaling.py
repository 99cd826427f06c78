"""Scaling curves of `robustlaw lipschitz` (bench/run.py --only scaling).

Measures nodes and seconds to convergence (l2, box [-0.5,0.5]^d, one thread,
fixed relative gap, a per-run time limit) of random networks against their
width, depth and input dimension, several seeds per point. Node counts are
deterministic for one thread and are the primary measure; seconds depend on
the load of the machine. Each point is summarised by the median over its
seeds; a run stopped by the time limit is kept and marked (its nodes and
seconds are lower bounds), and a point whose median run was stopped is left
out of the fits. The growth is fitted by least squares on log(y), both as an
exponential (log y linear in the parameter: a factor per unit) and as a power
law (log y linear in log parameter: an exponent); the better fit is the one
with the smaller residual (the larger R^2 of log y).

Writes bench/results/scaling.csv (one line per run), scaling.md (the tables
and fits) and scaling_<sweep>.svg (gnuplot, log y).
"""
import csv
import io
import json
import math
import os
import shutil
import statistics
import subprocess
import tempfile
import time

import numpy as np

import gen_nets

BOX = "-0.5:0.5"
REL_GAP = "1e-6"
TIME_LIMIT = 20.0
SEEDS = (1, 2, 3, 4, 5)
# key, axis label, parameter values, network shape for a value.
SWEEPS = [
    ("width", "width (depth 2, input dimension 3)", [8, 16, 32, 48, 64], lambda w: [3, w, w, 1]),
    ("depth", "depth (width 16, input dimension 3)", [1, 2, 3, 4], lambda k: [3] + [16] * k + [1]),
    ("dim", "input dimension (depth 2, width 16)", [2, 3, 4, 5, 6, 8], lambda d: [d, 16, 16, 1]),
]
CSV_COLUMNS = ["sweep", "value", "shape", "seed", "status", "time_limited", "nodes", "seconds", "wall", "lower", "upper",
               "rel_gap"]


def network_file(directory, shape, seed):
    """The random network of this shape and seed (gen_nets' distribution; the
    generator is seeded with (seed, *shape), so every shape has its own draw)."""
    path = os.path.join(directory, f"{'-'.join(map(str, shape))}_s{seed}.json")
    if not os.path.exists(path):
        with open(path, "w") as f:
            json.dump(gen_nets.random_network(shape, [seed] + list(shape)), f, separators=(",", ":"))
    return path


def run_one(rl, model, time_limit, rel_gap=REL_GAP, box=BOX):
    """One niced single-thread run; returns a dict with status, nodes, seconds, wall, lower, upper, rel_gap."""
    cmd = ["nice", "-n", "10", rl, "lipschitz", model, "--norm=l2", f"--box={box}", f"--rel-gap={rel_gap}",
           f"--time-limit={time_limit:g}", "--threads=1", "--json"]
    start = time.perf_counter()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=time_limit + 60)
        out = json.loads(p.stdout)
    except subprocess.TimeoutExpired:
        out = {"status": "killed"}
    except json.JSONDecodeError:
        out = {"status": "failed: " + p.stderr.strip()[-200:]}
    wall = time.perf_counter() - start
    return {"status": out["status"], "time_limited": out["status"] != "converged", "nodes": out.get("nodes", ""),
            "seconds": out.get("seconds", wall), "wall": round(wall, 4), "lower": out.get("lower", ""),
            "upper": out.get("upper", ""), "rel_gap": out.get("rel_gap", "")}


def measure(rl, sweeps, seeds, time_limit, log):
    """Runs every (shape, seed) once (a shape shared by sweeps is measured once) and returns the CSV rows."""
    rows, cache = [], {}
    with tempfile.TemporaryDirectory() as nets:
        for key, _, values, shape_of in sweeps:
            for v in values:
                shape = shape_of(v)
                for seed in seeds:
                    ident = (tuple(shape), seed)
                    if ident not in cache:
                        cache[ident] = run_one(rl, network_file(nets, shape, seed), time_limit)
                        r = cache[ident]
                        log(f"  scaling {key}={v} {'-'.join(map(str, shape))} seed {seed}: {r['status']}, "
                            f"{r['nodes']} nodes, {r['seconds']:.3g} s")
                    rows.append({"sweep": key, "value": v, "shape": "-".join(map(str, shape)), "seed": seed,
                                 **cache[ident]})
    return rows


def median_censored(runs, m):
    """Whether the median of measure m over runs is only a lower bound.

    A stopped run's value is a lower bound of its true value. The median is
    exact when every stopped run sorts strictly above the median position
    (their true values are larger still, so the order below is unchanged);
    otherwise the true median may be larger."""
    ordered = sorted(runs, key=lambda r: float(r[m]))
    return any(r["time_limited"] for r in ordered[: len(ordered) // 2 + 1])


def points(rows, key):
    """Per parameter value: the medians over seeds, and per measure whether that median is censored."""
    out = []
    for v in sorted({r["value"] for r in rows if r["sweep"] == key}):
        runs = [r for r in rows if r["sweep"] == key and r["value"] == v and r["nodes"] != ""]
        if not runs:
            continue
        out.append({"value": v, "shape": runs[0]["shape"], "runs": runs,
                    "nodes": statistics.median(float(r["nodes"]) for r in runs),
                    "seconds": statistics.median(float(r["seconds"]) for r in runs),
                    "limited": sum(r["time_limited"] for r in runs),
                    "censored": {m: median_censored(runs, m) for m in ("nodes", "seconds")}})
    return out


def fit(xs, ys):
    """Least squares of ln y on x (exponential) and on ln x (power law).

    Returns None below 3 points, else a dict: exp_factor (y multiplies by it
    per unit of x), exp_r2, pow_exponent, pow_r2, exp_coef/pow_coef (the fitted
    y at x = 0 and at x = 1), better ("exponential" or "power law")."""
    if len(xs) < 3:
        return None
    x, ly = np.asarray(xs, float), np.log(np.maximum(np.asarray(ys, float), 1e-9))

    def r2(design_x):
        slope, icept = np.polyfit(design_x, ly, 1)
        resid = ly - (slope * design_x + icept)
        total = float(np.sum((ly - ly.mean()) ** 2))
        return slope, icept, (1.0 - float(np.sum(resid ** 2)) / total) if total > 0 else 1.0

    eb, ea, er2 = r2(x)
    pb, pa, pr2 = r2(np.log(x))
    return {"exp_factor": math.exp(eb), "exp_coef": math.exp(ea), "exp_r2": er2, "pow_exponent": pb,
            "pow_coef": math.exp(pa), "pow_r2": pr2, "better": "exponential" if er2 >= pr2 else "power law",
            "points": len(xs)}


def fits(rows, sweeps):
    """{(sweep, measure): fit or None}, fitted on the medians of the points not censored by the time limit."""
    result = {}
    for key, *_ in sweeps:
        for m in ("nodes", "seconds"):
            pts = [p for p in points(rows, key) if not p["censored"][m]]
            result[(key, m)] = fit([p["value"] for p in pts], [p[m] for p in pts])
    return result


def cell(runs, m):
    """Per-seed values; '>=' marks a run stopped by the time limit (a lower bound)."""
    fmt = (lambda x: f"{int(x)}") if m == "nodes" else (lambda x: f"{float(x):.3g}")
    return " / ".join(((">=" if r["time_limited"] else "") + fmt(r[m])) for r in runs)


def markdown(rows, sweeps, seeds, time_limit, total_seconds):
    out = io.StringIO()
    out.write(f"\n### scaling (robustlaw lipschitz, l2, box [{BOX.replace(':', ',')}]^d, rel-gap {REL_GAP}, 1 thread, "
              f"time limit {time_limit:g} s, seeds {','.join(map(str, seeds))}; {total_seconds:.0f} s in all)\n\n")
    out.write("Nodes are deterministic and the primary measure; seconds are noisy (shared machine, niced). "
              "'>=' marks a run stopped by the time limit (its value is a lower bound) and a median that is only a lower bound "
              "(a stopped run sorts at or below the median); such medians are left out of the fits.\n\n")
    out.write("| sweep | shape | nodes (median) | nodes per seed | s (median) | s per seed | stopped by time limit |\n")
    out.write("|---|---|---|---|---|---|---|\n")
    for key, *_ in sweeps:
        for p in points(rows, key):
            mark = {m: ">=" if p["censored"][m] else "" for m in ("nodes", "seconds")}
            out.write(f"| {key} = {p['value']} | {p['shape']} | {mark['nodes']}{p['nodes']:.0f} | {cell(p['runs'], 'nodes')} | "
                      f"{mark['seconds']}{p['seconds']:.3g} | {cell(p['runs'], 'seconds')} | {p['limited']} of {len(p['runs'])} |\n")
    out.write("\nFits of the medians (least squares of ln y): exponential y = a·f^x (f = factor per unit) "
              "and power law y = a·x^k.\n\n")
    out.write("| sweep | measure | points | exponential f | R² | power law k | R² | better fit |\n")
    out.write("|---|---|---|---|---|---|---|---|\n")
    for (key, m), f in fits(rows, sweeps).items():
        if f is None:
            out.write(f"| {key} | {m} | <3 | | | | | too few converged points |\n")
        else:
            out.write(f"| {key} | {m} | {f['points']} | {f['exp_factor']:.3f} | {f['exp_r2']:.3f} | "
                      f"{f['pow_exponent']:.2f} | {f['pow_r2']:.3f} | {f['better']} |\n")
    out.write("\nPlots: " + ", ".join(f"bench/results/scaling_{key}.svg" for key, *_ in sweeps) + "\n")
    return out.getvalue()


def plot(rows, sweeps, out_dir, terminal="svg size 1000,480 dynamic", ext="svg"):
    """One plot per sweep (svg by default): nodes and seconds (log y) per seed, medians, and both fits."""
    if not shutil.which("gnuplot"):
        return
    all_fits = fits(rows, sweeps)
    for key, label, values, _ in sweeps:
        pts = points(rows, key)
        data = os.path.join(out_dir, f"scaling_{key}.dat")
        with open(data, "w") as f:
            f.write("# block 0: converged runs, block 1: runs stopped by the time limit, block 2: medians\n"
                    "# value nodes seconds\n")
            for limited in (False, True):
                f.write("".join(f"{p['value']} {r['nodes']} {r['seconds']}\n" for p in pts for r in p["runs"]
                                if r["time_limited"] == limited) or "nan nan nan\n")
                f.write("\n\n")
            f.write("".join(f"{p['value']} {p['nodes']} {p['seconds']}\n" for p in pts))
        script = [f"set terminal {terminal}", f"set output '{os.path.join(out_dir, f'scaling_{key}.{ext}')}'",
                  "set multiplot layout 1,2", "set logscale y", "set grid", f"set xlabel '{label}'",
                  f"set xrange [{min(values) - 0.5 * (values[1] - values[0])}:{max(values) + 0.5 * (values[1] - values[0])}]",
                  "set key below font ',9' noenhanced maxrows 3", "set samples 200"]
        for col, m, ylabel in ((2, "nodes", "branch-and-bound nodes"), (3, "seconds", "seconds (one thread, niced)")):
            f = all_fits[(key, m)]
            curves = ""
            if f:
                curves = (f", {f['exp_coef']!r}*{f['exp_factor']!r}**x with lines dt 2 lw 1.5 lc rgb '#2060c0' "
                          f"title 'exponential fit: x{f['exp_factor']:.2f} per unit (R2 {f['exp_r2']:.2f})'"
                          f", {f['pow_coef']!r}*x**{f['pow_exponent']!r} with lines dt 3 lw 1.5 lc rgb '#c04020' "
                          f"title 'power-law fit: exponent {f['pow_exponent']:.2f} (R2 {f['pow_r2']:.2f})'")
            script += [f"set ylabel '{ylabel}'", f"set title '{m} to rel-gap {REL_GAP}'",
                       f"plot '{data}' index 2 using 1:{col} with linespoints pt 7 ps 0.8 lc rgb 'black' title 'median of seeds', "
                       f"'' index 0 using 1:{col} with points pt 6 lc rgb '#208020' title 'one seed', "
                       f"'' index 1 using 1:{col} with points pt 2 ps 1.5 lc rgb 'red' title 'stopped by time limit (lower bound)'"
                       + curves]
        script.append("unset multiplot")
        subprocess.run(["gnuplot"], input="\n".join(script) + "\n", text=True, check=False, capture_output=True)


def write_csv(rows, path):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def run(rl, out_dir, log, seeds=SEEDS, time_limit=TIME_LIMIT, sweeps=SWEEPS):
    """Measures, writes scaling.csv / scaling.md / scaling_*.svg into out_dir, returns the Markdown."""
    start = time.perf_counter()
    rows = measure(rl, sweeps, seeds, time_limit, log)
    md = markdown(rows, sweeps, seeds, time_limit, time.perf_counter() - start)
    write_csv(rows, os.path.join(out_dir, "scaling.csv"))
    with open(os.path.join(out_dir, "scaling.md"), "w") as f:
        f.write(md)
    plot(rows, sweeps, out_dir)
    return md


def read_csv(path):
    """The rows of a scaling.csv, typed as measure() returns them (to redraw without measuring)."""
    with open(path) as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["value"], r["seed"] = int(r["value"]), int(r["seed"])
        r["time_limited"] = r["time_limited"] == "True"
        r["nodes"] = int(r["nodes"]) if r["nodes"] else ""
        r["seconds"] = float(r["seconds"])
    return rows
