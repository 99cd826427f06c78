#!/usr/bin/python3
"""robustlaw against LipBaB on ACAS Xu boxes, side by side in the same run.

Rows: ACAS Xu networks x points x box half-widths x norms, in normalized
coordinates (the .nnet's raw weights: `robustlaw --normalized`, and the same
weights handed to LipBaB by bench/lipbab_adapter.py). For every row, back to
back: `robustlaw lipschitz NET --normalized --norm N --box ... --threads 1
--rel-gap 1e-9 --time-limit T --json`, then LipBaB with its own time limit.
Both are timed as whole processes (wall and CPU seconds); the speed-up is
LipBaB's over robustlaw's. A row where both converged also checks that
LipBaB's float value lies in robustlaw's certified interval.

Each row is appended to bench/results/lipbab_acasxu.csv when measured
(`--resume` continues an interrupted run); the Markdown table is
bench/results/lipbab_acasxu.md.

With `--reuse-lipbab`, robustlaw alone is re-run: each row's LipBaB columns
are copied from the row of the same key already in the CSV (marked
`lb_from = reused`; rows without one run LipBaB), and the CSV is rewritten
with the re-measured rows in place of the old ones.

Usage: bench/lipbab_table.py [--nets 1_1,2_1] [--widths 0.01,0.02] [--norms l2,linf] [--points 0,1]
                             [--time-limit 120] [--lipbab-time-limit 120] [--resume | --reuse-lipbab]
"""
import argparse
import csv
import json
import os
import statistics
import sys
import time

import proc
import vnncomp_table

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench/results")
HERE = os.path.dirname(os.path.abspath(__file__))
NETS = ["1_1", "2_1", "3_3", "4_6", "5_8"]
WIDTHS = [0.01, 0.02, 0.05]
NORMS = ["l2", "linf"]
# Centres in normalized coordinates, inside every network's input range
# ([-0.33, 0.68] x [-0.5, 0.5]^4).
POINTS = [(0.0, 0.0, 0.0, 0.0, 0.0), (0.2, -0.1, 0.1, -0.2, 0.3), (-0.2, 0.3, -0.3, 0.2, -0.2)]
COLUMNS = ["net", "point", "half_width", "norm", "rl_status", "rl_lower", "rl_upper", "rl_nodes", "rl_seconds", "rl_wall",
           "rl_cpu", "lb_status", "lb_value", "lb_lower", "lb_nodes", "lb_seconds", "lb_wall", "lb_cpu", "agree", "load", "lb_from"]


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def net_path(net):
    return os.path.join(ROOT, f"data/nets/acasxu/ACASXU_run2a_{net}_batch_2000.nnet")


def box_arg(point, h):
    return ",".join(f"{c - h!r}:{c + h!r}" for c in point)


def run_robustlaw(rl, net, point, h, norm, time_limit):
    cmd = [rl, "lipschitz", net_path(net), "--normalized", "--norm", norm, f"--box={box_arg(point, h)}", "--threads=1",
           "--rel-gap=1e-9", f"--time-limit={time_limit}", "--json"]
    r = proc.run(cmd, kill_after=time_limit + 120)
    try:
        j = json.loads(r.stdout)
    except json.JSONDecodeError:
        log("  robustlaw failed:", r.stderr.strip()[-300:])
        return {"rl_status": "killed" if r.killed else "error", "rl_wall": f"{r.wall:.3f}", "rl_cpu": f"{r.cpu:.3f}"}
    return {"rl_status": j.get("status", ""), "rl_lower": j.get("lower", ""), "rl_upper": j.get("upper", ""),
            "rl_nodes": j.get("nodes", ""), "rl_seconds": f"{float(j.get('seconds', 0)):.3f}", "rl_wall": f"{r.wall:.3f}",
            "rl_cpu": f"{r.cpu:.3f}"}


def run_lipbab(net, point, h, norm, time_limit, lipbab, clock="wall"):
    cmd = ["/usr/bin/python3", os.path.join(HERE, "lipbab_adapter.py"), net_path(net), "--norm", norm,
           "--center=" + ",".join(repr(c) for c in point), f"--half-width={h!r}", f"--time-limit={time_limit}",
           f"--clock={clock}"]
    if lipbab:
        cmd.append(f"--lipbab={lipbab}")
    # A CPU limit takes longer on the wall clock when the machine is shared.
    r = proc.run(cmd, kill_after=(time_limit if clock == "wall" else 4 * time_limit) + 300)
    try:
        j = json.loads(r.stdout)
    except json.JSONDecodeError:
        log("  LipBaB failed:", r.stderr.strip()[-300:])
        return {"lb_status": "killed" if r.killed else "error", "lb_wall": f"{r.wall:.3f}", "lb_cpu": f"{r.cpu:.3f}"}
    return {"lb_status": j["status"], "lb_value": repr(j["value"]), "lb_lower": repr(j["lower"]), "lb_nodes": j["nodes"],
            "lb_seconds": f"{j['seconds']:.3f}", "lb_wall": f"{r.wall:.3f}", "lb_cpu": f"{r.cpu:.3f}"}


def agreement(row):
    """Does LipBaB's float value lie in robustlaw's certified interval (with 1e-9 relative slack for its floats)?"""
    if row.get("rl_status") != "converged" or row.get("lb_status") != "converged":
        return ""
    lo, up, v = float(row["rl_lower"]), float(row["rl_upper"]), float(row["lb_value"])
    return "yes" if lo * (1 - 1e-9) <= v <= up * (1 + 1e-9) else f"NO ({v} not in [{lo}, {up}])"


def rows_wanted(args):
    nets = args.nets.split(",") if args.nets else NETS
    widths = [float(w) for w in args.widths.split(",")] if args.widths else WIDTHS
    norms = args.norms.split(",") if args.norms else NORMS
    points = [int(p) for p in args.points.split(",")] if args.points else [0, 1]
    # Smallest boxes first: they are the ones expected to converge.
    return [(n, p, h, m) for h in widths for p in points for n in nets for m in norms]


def key(net, point, h, norm):
    return (str(net), str(point), f"{float(h):g}", str(norm))


def read(path):
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def fmt(x):
    if x in (None, ""):
        return "—"
    x = float(x)
    return f"{x:.3g}" if x < 1000 else f"{x:.0f}"


def speedup(row, field):
    """LipBaB seconds over robustlaw seconds; '>' when only robustlaw converged, '<' when only LipBaB did."""
    rl, lb = row.get(f"rl_{field}"), row.get(f"lb_{field}")
    if not rl or not lb:
        return "—", None
    ratio = float(lb) / max(float(rl), 1e-9)
    rc, lc = row.get("rl_status") == "converged", row.get("lb_status") == "converged"
    if rc and lc:
        return f"{ratio:.3g}×", ratio
    if rc:
        return f"> {ratio:.3g}×", None
    if lc:
        return f"< {ratio:.3g}×", None
    return "neither converged", None


def at_least_30_before_lipbab(row):
    """robustlaw converged and LipBaB, still unconverged, had run at least 30 times as long (CPU)."""
    if row.get("rl_status") != "converged" or row.get("lb_status") == "converged" or not row.get("lb_cpu"):
        return False
    return float(row["lb_cpu"]) >= 30 * float(row["rl_cpu"])


def markdown(rows, meta):
    out = ["# robustlaw vs LipBaB on ACAS Xu boxes (normalized coordinates)\n"]
    for m in meta.get("sessions", []):
        out.append(f"- run {m['started']} – {m['ended']}, commit {m['commit']}, robustlaw time limit {m['time_limit']} s, "
                   f"LipBaB time limit {m['lipbab_time_limit']} s"
                   f"{' of CPU' if m.get('lipbab_clock') == 'cpu' else ''}, {m['machine']}, load average {m['load_start']:.1f} "
                   f"at start, {m['load_end']:.1f} at end")
    out.append("- Both run on this machine, one row back to back, one thread each (LipBaB is single-threaded Python; "
               "robustlaw `--threads 1 --rel-gap 1e-9`). `wall`/`CPU`: the whole process (start-up, imports "
               "included); speed-up = LipBaB / robustlaw. The machine is shared: CPU seconds are the fairer measure "
               "under load (column `load`: 1-minute load average on 2 cores when the row started).")
    if meta.get("note"):
        out.append("- " + meta["note"])
    out.append("- Points: " + "; ".join(f"p{i} = ({', '.join(f'{c:g}' for c in p)})" for i, p in enumerate(POINTS)) + "\n")
    conv = [r for r in rows if r.get("rl_status") == "converged"]
    both = [r for r in rows if r.get("rl_status") == "converged" and r.get("lb_status") == "converged"]
    ratios = [speedup(r, "cpu")[1] for r in both]
    ratios_w = [speedup(r, "wall")[1] for r in both]
    out.append(f"Rows: {len(rows)}; robustlaw converged on {len(conv)}, LipBaB on "
               f"{sum(1 for r in rows if r.get('lb_status') == 'converged')}, both on {len(both)}"
               + (f"; speed-up on rows where both converged: median {statistics.median(ratios):.3g}× CPU "
                  f"(min {min(ratios):.3g}×, max {max(ratios):.3g}×), median {statistics.median(ratios_w):.3g}× wall"
                  if ratios else "")
               + f"; rows at ≥ 30× (CPU): {sum(1 for x in ratios if x >= 30)} where both converged, "
               f"{sum(1 for r in rows if at_least_30_before_lipbab(r))} more where LipBaB stopped unconverged at "
               f"≥ 30× robustlaw's CPU time (the speed-up is at least that); disagreements: "
               f"{sum(1 for r in rows if r.get('agree', '').startswith('NO'))}\n")
    head = ["net", "point", "half-width", "norm", "robustlaw [lower, upper]", "status", "nodes", "wall s", "CPU s",
            "LipBaB value (float; [lower, upper] if not converged)", "status", "nodes", "wall s", "CPU s", "speed-up (CPU)", "speed-up (wall)", "agree", "load"]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "---|" * len(head))
    for r in rows:
        interval = f"[{float(r['rl_lower']):.10g}, {float(r['rl_upper']):.10g}]" if r.get("rl_lower") else "—"
        lbv = "—"
        if r.get("lb_value"):
            lbv = (f"{float(r['lb_value']):.10g}" if r.get("lb_status") == "converged"
                   else f"[{float(r['lb_lower']):.10g}, {float(r['lb_value']):.10g}]")
        out.append("| " + " | ".join(str(x) for x in [
            r["net"], "p" + r["point"], r["half_width"], r["norm"], interval, r.get("rl_status", ""), r.get("rl_nodes", "") or "—",
            fmt(r.get("rl_wall")), fmt(r.get("rl_cpu")), lbv, r.get("lb_status", ""), r.get("lb_nodes", "") or "—",
            fmt(r.get("lb_wall")), fmt(r.get("lb_cpu")) + (" (reused)" if r.get("lb_from") == "reused" else ""), speedup(r, "cpu")[0], speedup(r, "wall")[0], r.get("agree") or "—",
            r.get("load", "")]) + " |")
    return "\n".join(out) + "\n"


def write_markdown(csv_path):
    meta_path = csv_path[:-4] + ".meta.json"
    meta = {}
    if os.path.exists(meta_path):
        with open(meta_path) as f:
            meta = json.load(f)
    md = markdown(read(csv_path), meta)
    with open(csv_path[:-4] + ".md", "w") as f:
        f.write(md)
    return md


def write_rows(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in COLUMNS})


def run(rl, args):
    out = args.out or os.path.join(OUT, "lipbab_acasxu.csv")
    done = {key(r["net"], r["point"], r["half_width"], r["norm"]) for r in read(out)} if args.resume else set()
    reuse = getattr(args, "reuse_lipbab", False)
    stored = {key(r["net"], r["point"], r["half_width"], r["norm"]): r for r in read(out)} if reuse else {}
    if reuse:
        write_rows(out, stored.values())
    elif not args.resume or not os.path.exists(out):
        with open(out, "w", newline="") as f:
            csv.DictWriter(f, fieldnames=COLUMNS).writeheader()
    meta_path = out[:-4] + ".meta.json"
    info = {"started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "machine": proc.machine(),
            "load_start": proc.load_average(), "time_limit": args.time_limit, "lipbab_time_limit": args.lipbab_time_limit,
            "lipbab_clock": args.lipbab_clock, "commit": vnncomp_table.git_commit(ROOT)}
    todo = [r for r in rows_wanted(args) if key(*r) not in done]
    log(f"== LipBaB table: {len(todo)} rows, load {info['load_start']:.1f}")
    try:
        for i, (net, p, h, norm) in enumerate(todo):
            row = {"net": net, "point": p, "half_width": f"{h:g}", "norm": norm, "load": f"{proc.load_average():.1f}"}
            row.update(run_robustlaw(rl, net, POINTS[p], h, norm, args.time_limit))
            old = stored.get(key(net, p, h, norm))
            if old and old.get("lb_status"):
                row.update({c: old.get(c, "") for c in COLUMNS if c.startswith("lb_")})
                row["lb_from"] = "reused"
            else:
                row.update(run_lipbab(net, POINTS[p], h, norm, args.lipbab_time_limit, args.lipbab, args.lipbab_clock))
            row["agree"] = agreement(row)
            if reuse:
                stored[key(net, p, h, norm)] = row
                write_rows(out, stored.values())
            else:
                with open(out, "a", newline="") as f:
                    csv.DictWriter(f, fieldnames=COLUMNS).writerow(row)
            log(f"[{i + 1}/{len(todo)}] {net} p{p} h={h:g} {norm}: robustlaw {row.get('rl_status')} "
                f"{row.get('rl_wall')} s wall {row.get('rl_cpu')} s CPU; LipBaB {row.get('lb_status')} "
                f"{row.get('lb_wall')} s wall {row.get('lb_cpu')} s CPU; speed-up {speedup(row, 'cpu')[0]} (CPU); "
                f"agree {row['agree'] or '-'}; load {row['load']}")
    finally:
        info["ended"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
        info["load_end"] = proc.load_average()
        previous = {}
        if (args.resume or reuse) and os.path.exists(meta_path):
            with open(meta_path) as f:
                previous = json.load(f)
        info["sessions"] = previous.get("sessions", []) + [{k: info[k] for k in (
            "started", "ended", "load_start", "load_end", "machine", "commit", "time_limit", "lipbab_time_limit")}]
        with open(meta_path, "w") as f:
            json.dump(info, f, indent=1)
    return write_markdown(out)


def add_arguments(ap, with_resume=True):
    ap.add_argument("--nets", help=f"comma-separated ACAS Xu networks (default {','.join(NETS)})")
    ap.add_argument("--widths", help="comma-separated box half-widths (default 0.01,0.02,0.05)")
    ap.add_argument("--norms", help="comma-separated norms (default l2,linf)")
    ap.add_argument("--points", help=f"comma-separated point indices 0..{len(POINTS) - 1} (default 0,1)")
    ap.add_argument("--time-limit", type=float, default=120, help="robustlaw seconds per row (default 120)")
    ap.add_argument("--lipbab-time-limit", type=float, default=120, help="LipBaB seconds per row (default 120)")
    ap.add_argument("--lipbab-clock", choices=("wall", "cpu"), default="wall",
                    help="what --lipbab-time-limit counts: wall seconds or LipBaB's CPU seconds (default wall)")
    ap.add_argument("--lipbab", help="LipBaB folder (default $LIPBAB or /work/ext/LipBaB)")
    if with_resume:
        ap.add_argument("--resume", action="store_true", help="append to the CSV, skipping the rows already in it")
        ap.add_argument("--reuse-lipbab", action="store_true",
                        help="re-run robustlaw only, LipBaB's columns copied from the CSV's row of the same key")
    ap.add_argument("--out", help="CSV file (default bench/results/lipbab_acasxu.csv)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_arguments(ap)
    ap.add_argument("--robustlaw", default=os.path.join(os.environ.get("ROBUSTLAW_BUILD", os.path.join(ROOT, "build")), "robustlaw"))
    ap.add_argument("--markdown-only", action="store_true", help="rewrite the Markdown from the CSV, run nothing")
    args = ap.parse_args()
    if args.markdown_only:
        print(write_markdown(args.out or os.path.join(OUT, "lipbab_acasxu.csv")))
        return
    if not os.path.exists(args.robustlaw):
        sys.exit(f"{args.robustlaw} is missing: build first (./robustlaw.sh build)")
    print(run(args.robustlaw, args))


if __name__ == "__main__":
    main()
