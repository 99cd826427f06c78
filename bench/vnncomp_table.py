#!/usr/bin/python3
"""Joins robustlaw's VNN-COMP runs with the published per-instance times.

Reads bench/results/vnncomp_<suite>.csv (written by bench/vnncomp.py) and the
results repositories of VNN-COMP 2021 (stanleybak/vnncomp2021_results,
results_csv/<tool>.csv) and 2022 (ChristopherBrix/vnncomp2022_results,
<tool>/results.csv), found through $VNNCOMP2021_RESULTS and
$VNNCOMP2022_RESULTS (default /work/ext/vnncomp2021_results and
/work/ext/vnncomp2022_results). Writes bench/results/vnncomp_<suite>.md:
a summary, then one row per instance with the best published time and the
nnenum, Marabou and alpha-beta-CROWN columns.

Published times are the tools' `run_time` column: the whole run_instance
script, start-up included, on the competition's AWS instances (the tool's
choice of a CPU or GPU instance). VNN-COMP's own score subtracts each tool's
overhead (its fastest run of the year) and counts anything under 1 s as 1 s;
the summary gives both. The expected answer is the majority of the published
holds / violated answers (VNN-COMP's "voting"); an instance where they tie
has none. A 2022 row is used only for ACAS Xu, whose instances are the same
files in both years (mnistfc's 2022 properties were drawn anew).

Usage: bench/vnncomp_table.py acasxu|mnistfc [--csv FILE]
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench/results")
RESULTS = {
    2021: os.environ.get("VNNCOMP2021_RESULTS", "/work/ext/vnncomp2021_results"),
    2022: os.environ.get("VNNCOMP2022_RESULTS", "/work/ext/vnncomp2022_results"),
}
CATEGORY = {"acasxu": {2021: "acasxu", 2022: "acasxu"}, "mnistfc": {2021: "mnistfc"}}
# Columns shown per instance: (label, year, tool file name).
COLUMNS = [("nnenum '21", 2021, "nnenum"), ("Marabou '21", 2021, "Marabou"), ("α,β-CROWN '21", 2021, "a-b-CROWN"),
           ("nnenum '22", 2022, "nnenum"), ("α,β-CROWN '22", 2022, "alpha_beta_crown")]
HARDWARE = ("VNN-COMP ran every tool on Amazon EC2, on the instance type the tool's authors chose (a CPU instance with "
            "many cores or a GPU instance); see the competition reports. robustlaw ran on this machine")


# randgen is a random counterexample generator, not a verifier; RPM's mnistfc
# answers were withdrawn after the competition (a VNN-LIB parsing bug).
WITHDRAWN = {("RPM", "mnistfc")}


def instance_key(net, prop):
    return Path(net).stem + "-" + Path(prop).stem


def short_name(key):
    return key.replace("ACASXU_run2a_", "").replace("_batch_2000", "").replace("mnist-net_", "")


def git_commit(root):
    return subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()


def normalize(result):
    r = result.strip().lower()
    if r in ("unsat", "holds"):
        return "holds"
    if r in ("sat", "violated"):
        return "violated"
    if r.startswith("timeout") or r == "run_instance_timeout":
        return "timeout"
    return "error" if r.startswith("error") else "unknown"


def tool_files(year):
    base = RESULTS[year]
    if year == 2021:
        folder = os.path.join(base, "results_csv")
        if not os.path.isdir(folder):
            return {}
        return {f[:-4]: os.path.join(folder, f) for f in sorted(os.listdir(folder)) if f.endswith(".csv")}
    if not os.path.isdir(base):
        return {}
    return {d: os.path.join(base, d, "results.csv") for d in sorted(os.listdir(base))
            if os.path.exists(os.path.join(base, d, "results.csv"))}


def published(suite):
    """{(year, tool): {"overhead": s, "rows": {key: (result, run_time)}}} for the suite's category."""
    tools = {}
    for year, category in CATEGORY[suite].items():
        for tool, path in tool_files(year).items():
            if tool == "randgen" or (tool, suite) in WITHDRAWN:
                continue
            rows, overhead = {}, float("inf")
            with open(path, newline="") as f:
                for r in csv.reader(f):
                    if len(r) < 6:
                        continue
                    res, t = normalize(r[4]), float(r[5])
                    if res in ("holds", "violated"):
                        overhead = min(overhead, t)
                    if r[0] == category and not Path(r[1]).stem.startswith("test_"):
                        rows[instance_key(r[1], r[2])] = (res, t)
            if rows:
                tools[(year, tool)] = {"overhead": overhead, "rows": rows}
    return tools


def expected_answers(tools):
    votes = {}
    for t in tools.values():
        for key, (res, _) in t["rows"].items():
            if res in ("holds", "violated"):
                v = votes.setdefault(key, {"holds": 0, "violated": 0})
                v[res] += 1
    return {k: ("holds" if v["holds"] > v["violated"] else "violated" if v["violated"] > v["holds"] else None)
            for k, v in votes.items()}


def best_published(key, truth, tools):
    """(raw seconds, scored seconds, 'tool year') of the fastest correct published answer, or None."""
    best = None
    for (year, tool), t in tools.items():
        res, secs = t["rows"].get(key, ("unknown", 0))
        if truth and res == truth:
            scored = max(1.0, secs - t["overhead"])
            if best is None or secs < best[0]:
                best = (secs, scored, f"{tool} '{str(year)[2:]}")
    return best


OURS = {"unsat": "holds", "sat": "violated"}


def read_ours(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def fmt(x, digits=3):
    if x is None or x == "":
        return "—"
    x = float(x)
    return f"{x:.{digits}g}" if x < 1000 else f"{x:.0f}"


def cell(tools, year, tool, key):
    t = tools.get((year, tool))
    if not t or key not in t["rows"]:
        return "—"
    res, secs = t["rows"][key]
    return f"{fmt(secs)} {'h' if res == 'holds' else 'v' if res == 'violated' else res}"


def summarize(ours, truth, tools):
    solved = [r for r in ours if r["result"] in OURS]
    wrong = [r for r in solved if truth.get(r["instance"]) and OURS[r["result"]] != truth[r["instance"]]]
    ratios_wall, ratios_cpu, scored_wall, within2 = [], [], [], 0
    checks_ok = [r for r in solved if r.get("check") == "passed"]
    check_slower = [r for r in solved if r.get("check_wall") and float(r["check_wall"]) > float(r["wall"])]
    for r in solved:
        b = best_published(r["instance"], truth.get(r["instance"]), tools)
        if b:
            ratios_wall.append(float(r["wall"]) / b[0])
            ratios_cpu.append(float(r["cpu"]) / b[0])
            scored_wall.append(max(1.0, float(r["wall"])) / b[1])
            within2 += float(r["wall"]) <= 2 * b[0]
    counts = {}
    for r in ours:
        counts[r["result"]] = counts.get(r["result"], 0) + 1
    published_solved = {}
    for (year, tool), t in tools.items():
        n = sum(1 for k, (res, _) in t["rows"].items() if res in ("holds", "violated") and res == truth.get(k))
        if n:  # tools that entered the category
            published_solved[f"{tool} '{str(year)[2:]}"] = n
    return {"n": len(ours), "counts": counts, "solved": len(solved), "wrong": len(wrong), "wrong_list": [r["instance"] for r in wrong],
            "checks_passed": len(checks_ok), "check_slower": [r["instance"] for r in check_slower],
            "median_ratio_wall": statistics.median(ratios_wall) if ratios_wall else None,
            "median_ratio_cpu": statistics.median(ratios_cpu) if ratios_cpu else None,
            "median_ratio_scored": statistics.median(scored_wall) if scored_wall else None,
            "within2": within2, "compared": len(ratios_wall), "published_solved": published_solved,
            "wall_total": sum(float(r["wall"]) for r in ours), "cpu_total": sum(float(r["cpu"]) for r in ours)}


def within_limit_line(name, rows, truth, tools):
    """The same time budget on both sides: of `rows` (robustlaw's, with an
    expected answer), how many robustlaw solved, and each published tool within
    the row's own time limit of its raw run_time."""
    rows = [r for r in rows if truth.get(r["instance"])]
    if not rows:
        return []
    ours_solved = sum(1 for r in rows if OURS.get(r["result"]) == truth[r["instance"]])
    within = {}
    for (year, tool), t in tools.items():
        n = sum(1 for r in rows if t["rows"].get(r["instance"], ("", 0))[0] == truth[r["instance"]]
                and t["rows"][r["instance"]][1] <= float(r["time_limit"]))
        if n:
            within[f"{tool} '{str(year)[2:]}"] = n
    limits = sorted({float(r["time_limit"]) for r in rows})
    budget = f"{fmt(limits[0])} s" if len(limits) == 1 else "each instance's limit"
    pub = ", ".join(f"{t} {n}" for t, n in sorted(within.items(), key=lambda x: -x[1]))
    return [f"- within {budget} ({name}, {len(rows)} instances run with an expected answer; published: raw "
            f"run_time on the tool's own hardware): robustlaw {ours_solved}; {pub}"]


def markdown(suite, ours, tools, meta):
    truth = expected_answers(tools)
    s = summarize(ours, truth, tools)
    out = [f"# robustlaw on VNN-COMP 2021 {suite}\n"]
    sessions = meta.get("sessions", [])
    for m in sessions:
        out.append(f"- run {m['started']} – {m['ended']}, commit {m['commit']}, {m['time_limit']} s per instance, "
                   + ("with certificates, " if m.get("certificates", True) else "without --certificate (search only), ")
                   + f"{m['machine']}, load average {m['load_start']:.1f} at start, {m['load_end']:.1f} at end")
    out.append(f"- {HARDWARE} (column `load`: the 1-minute load average when the instance started, on 2 cores).")
    out.append("- `s`: seconds reported by robustlaw (search); `wall`: the whole `certify` process; `CPU`: its user+system "
               "seconds; `check`: `robustlaw check` on the certificate it wrote (wall seconds).")
    out.append("- Published columns: seconds (raw `run_time`, start-up included) and answer (h = holds/unsat, "
               "v = violated/sat). `×best`: robustlaw's wall seconds over the best published raw seconds.\n")
    c = s["counts"]
    out.append("## Summary\n")
    out.append(f"- instances run: {s['n']}; solved {s['solved']} ({c.get('unsat', 0)} unsat, {c.get('sat', 0)} sat), "
               f"timeout {c.get('timeout', 0)}, unknown {c.get('unknown', 0)}, error/killed "
               f"{c.get('error', 0) + c.get('killed', 0)}; wrong (against the published majority): {s['wrong']}"
               + (f" ({', '.join(short_name(k) for k in s['wrong_list'])})" if s["wrong_list"] else ""))
    if all(r.get("check") == "not written" for r in ours if r["result"] in OURS):
        out.append("- certificates: not written (a search-only run, `--no-certificate`)")
    else:
        out.append(f"- certificates accepted by `robustlaw check`: {s['checks_passed']} of {s['solved']} solved; "
                   f"check slower than certify on {len(s['check_slower'])}"
                   + (f" ({', '.join(short_name(k) for k in s['check_slower'][:10])})" if s["check_slower"] else ""))
    if s["compared"]:
        out.append(f"- solved instances vs the best published time: median ratio {fmt(s['median_ratio_wall'])}× (wall), "
                   f"{fmt(s['median_ratio_cpu'])}× (CPU seconds); with VNN-COMP's scoring (overhead subtracted, "
                   f"floor 1 s, on both sides) {fmt(s['median_ratio_scored'])}×; within 2× of the best: "
                   f"{s['within2']} of {s['compared']}")
    out.append(f"- total: {fmt(s['wall_total'], 4)} s wall, {fmt(s['cpu_total'], 4)} s CPU (the ratios above are over "
               "the solved instances only, which are the easier ones)")
    keys = {r["instance"] for r in ours}
    pub = ", ".join(f"{t} {n}" for t, n in sorted(s["published_solved"].items(), key=lambda x: -x[1]))
    answered = sum(1 for v in truth.values() if v)
    out.append(f"- published solved counts on the whole suite ({answered} instances with an expected answer): {pub}")
    groups = [(net, net) for net in ("256x2", "256x4", "256x6")] if suite == "mnistfc" else [("all", "")]
    for name, part in groups:
        out.extend(within_limit_line(name, [r for r in ours if part in r["instance"]], truth, tools))
    if suite == "mnistfc":
        for net in ("256x2", "256x4", "256x6"):
            per = {}
            for (year, tool), t in tools.items():
                n = sum(1 for k, (res, _) in t["rows"].items() if net in k and res in ("holds", "violated") and res == truth.get(k))
                if n:
                    per[f"{tool} '{str(year)[2:]}"] = n
            best = max(per.items(), key=lambda x: x[1]) if per else ("—", 0)
            out.append(f"- {net}: best published {best[1]} of 30 ({best[0]}); robustlaw solved "
                       f"{sum(1 for r in ours if net in r['instance'] and r['result'] in OURS)} of "
                       f"{sum(1 for r in ours if net in r['instance'])} run")
    out.append("")
    by_prop = {}
    for r in ours:
        p = r["property"].replace(".vnnlib", "")
        if suite == "mnistfc":
            p = r["network"].replace(".onnx", "") + " ε=" + p.split("_")[-1]
        d = by_prop.setdefault(p, {"n": 0, "solved": 0})
        d["n"] += 1
        d["solved"] += r["result"] in OURS
    out.append("| group | run | solved |\n|---|---|---|")
    for p in sorted(by_prop, key=lambda x: (len(x), x)):
        out.append(f"| {p} | {by_prop[p]['n']} | {by_prop[p]['solved']} |")
    out.append("\n## Per instance\n")
    head = ["instance", "expected", "robustlaw", "s", "wall", "CPU", "nodes", "check", "check s", "load", "best published",
            "×best"] + [c[0] for c in COLUMNS if (c[1], c[2]) in tools]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "---|" * len(head))
    for r in ours:
        key = r["instance"]
        t = truth.get(key)
        b = best_published(key, t, tools)
        ratio = fmt(float(r["wall"]) / b[0]) + "×" if b and r["result"] in OURS else "—"
        cells = [short_name(key), {"holds": "unsat", "violated": "sat"}.get(t, "?"), r["result"], fmt(r.get("seconds")),
                 fmt(r["wall"]), fmt(r["cpu"]), r.get("nodes") or "—", r.get("check") or "—", fmt(r.get("check_wall")),
                 r.get("load", ""), f"{fmt(b[0])} ({b[2]})" if b else "—", ratio]
        cells += [cell(tools, y, tool, key) for _, y, tool in COLUMNS if (y, tool) in tools]
        out.append("| " + " | ".join(str(x) for x in cells) + " |")
    notes = [f"- {short_name(r['instance'])}: {r['result']}: {r['note']}" for r in ours
             if r.get("note") and r["result"] not in ("timeout",)]
    if notes:
        out.append("\nNotes (errors, kills, warnings):\n")
        out.extend(notes)
    if len(keys) < len(truth):
        out.append(f"\n{len(truth) - len(keys)} instances of the suite were not run.")
    return "\n".join(out) + "\n", s


def write_table(suite, csv_path=None):
    csv_path = csv_path or os.path.join(OUT, f"vnncomp_{suite}.csv")
    meta_path = csv_path[:-4] + ".meta.json"
    meta = {}
    if os.path.exists(meta_path):
        with open(meta_path) as f:
            meta = json.load(f)
    tools = published(suite)
    if not tools:
        print(f"note: no published results found ({RESULTS}); set VNNCOMP2021_RESULTS / VNNCOMP2022_RESULTS "
              "(clones of stanleybak/vnncomp2021_results and ChristopherBrix/vnncomp2022_results)", file=sys.stderr)
    md, summary = markdown(suite, read_ours(csv_path), tools, meta)
    with open(csv_path[:-4] + ".md", "w") as f:
        f.write(md)
    with open(csv_path[:-4] + ".summary.json", "w") as f:
        json.dump(summary, f, indent=1)
    return md


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("suite", choices=sorted(CATEGORY))
    ap.add_argument("--csv", help="robustlaw's results (default bench/results/vnncomp_<suite>.csv)")
    args = ap.parse_args()
    print(write_table(args.suite, args.csv))


if __name__ == "__main__":
    main()
