#!/usr/bin/python3
"""Runs robustlaw on the VNN-COMP 2021 benchmarks (ACAS Xu, mnistfc).

For every instance of the benchmark's instances CSV (network, property):
`robustlaw certify NET --vnnlib PROP --time-limit T --json --certificate C`,
then `robustlaw check C --json` on the certificate it wrote. Prints one line
per instance (verdict, seconds, nodes, certificate-check seconds) and appends
it to bench/results/vnncomp_<suite>.csv as soon as it is measured, so that an
interrupted run keeps what it did (`--resume` continues it). At the end the
table with the published VNN-COMP times is written (bench/vnncomp_table.py).

The benchmark files are not in the repository (the VNN-COMP repository has no
licence): clone the GitHub repository stanleybak/vnncomp2021 (only
benchmarks/acasxu and benchmarks/mnistfc are read) and point VNNCOMP2021 (or
--root) at it; the default is /work/ext/vnncomp2021.

Usage: bench/vnncomp.py acasxu [--time-limit 60] [--subset 30] [--match RE] [--resume]
       bench/run.sh --only vnncomp      (ACAS Xu, all 186 instances, 60 s each)
       bench/run.sh --only mnistfc      (mnistfc, all 90 instances, 120 s each)
"""
import argparse
import csv
import json
import os
import re
import shutil
import sys
import tempfile
import time

import proc
import vnncomp_table

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench/results")
DEFAULT_ROOT = "/work/ext/vnncomp2021"
SUITES = {  # folder under benchmarks/, instances file, default time limit (s), group of an instance (for --subset)
    "acasxu": ("acasxu", "acasxu_instances.csv", 60, lambda net, prop: os.path.basename(prop)),
    "mnistfc": ("mnistfc", "mnistfc_instances.csv", 120,
                lambda net, prop: os.path.basename(net) + prop[prop.rindex("_"):]),  # network and epsilon
}
COLUMNS = ["instance", "network", "property", "result", "seconds", "wall", "cpu", "nodes", "method", "check",
           "check_wall", "check_cpu", "certificate_kib", "peak_kib", "load", "time_limit", "note"]


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def benchmark_root(given):
    root = given or os.environ.get("VNNCOMP2021", DEFAULT_ROOT)
    if not os.path.isdir(os.path.join(root, "benchmarks")):
        sys.exit(f"VNN-COMP 2021 benchmarks not found in {root}.\n"
                 "Clone the GitHub repository stanleybak/vnncomp2021 outside this repository (it has no licence, so its\n"
                 "files are not committed here; only benchmarks/acasxu and benchmarks/mnistfc are read) and set\n"
                 "VNNCOMP2021=/path/to/vnncomp2021 or pass --root.")
    return root


def instances(root, suite):
    folder, listing, _, group = SUITES[suite]
    base = os.path.join(root, "benchmarks", folder)
    rows = []
    with open(os.path.join(base, listing)) as f:
        for r in csv.reader(f):
            if len(r) >= 2 and r[0].strip():
                net, prop = (os.path.join(base, x.strip().lstrip("./")) for x in r[:2])
                rows.append((vnncomp_table.instance_key(net, prop), net, prop, group(net, prop)))
    return rows


def select(rows, subset, match):
    """A representative subset, interleaved: every group (an ACAS Xu property; an mnistfc network and epsilon) with only a few
    instances (ACAS Xu properties 5-10) in full, then the same number of evenly spaced instances from each larger
    group, shifted from one group to the next."""
    if match:
        rows = [r for r in rows if re.search(match, r[0])]
    if not subset or subset >= len(rows):
        return rows
    groups = {}
    for r in rows:
        groups.setdefault(r[3], []).append(r)
    small = [g for g in groups.values() if len(g) <= 2]
    large = [g for g in groups.values() if len(g) > 2]
    picked = [r for g in small for r in g][:subset]
    left = subset - len(picked)
    for i, g in enumerate(large):
        k = left // len(large) + (i < left % len(large))
        if k:
            step = len(g) / k
            picked += [g[(int(j * step) + i * max(1, int(step) // 3)) % len(g)] for j in range(k)]
    # Interleaved across groups, so that a run stopped early is still spread over all of them.
    rank = {}
    for r in picked:
        rank[r[0]] = (sum(1 for x in picked[:picked.index(r)] if x[3] == r[3]), list(groups).index(r[3]))
    return sorted(picked, key=lambda r: rank[r[0]])


def certify(rl, net, prop, time_limit, cert):
    cmd = [rl, "certify", net, "--vnnlib", prop, "--time-limit", str(time_limit), "--json"]
    if cert:
        cmd += ["--certificate", cert]
    # --time-limit bounds the search; writing the certificate replays it through the checker and, if the replay
    # disagrees, searches again (up to the time left): the process may run past the limit, so it is killed only later.
    r = proc.run(cmd, kill_after=3 * time_limit + 60)
    try:
        j = json.loads(r.stdout)
    except json.JSONDecodeError:
        j = None
    return r, j


def check(rl, cert, time_limit):
    if not os.path.exists(cert):
        return None, None
    r = proc.run([rl, "check", cert, "--json", "--time-limit", str(time_limit)], kill_after=time_limit + 30)
    try:
        j = json.loads(r.stdout)
    except json.JSONDecodeError:
        j = None
    return r, j


def measure(rl, key, net, prop, time_limit, certdir, check_limit):
    load = proc.load_average()
    cert = os.path.join(certdir, re.sub(r"[^A-Za-z0-9_.-]", "_", key) + ".json") if certdir else None
    r, j = certify(rl, net, prop, time_limit, cert)
    row = {"instance": key, "network": os.path.basename(net), "property": os.path.basename(prop), "wall": f"{r.wall:.3f}",
           "cpu": f"{r.cpu:.3f}", "peak_kib": r.peak_kib, "load": f"{load:.1f}", "time_limit": time_limit}
    if j is None:
        row["result"] = "killed" if r.killed else "error"
        if r.killed:
            row["note"] = f"killed after {r.wall:.0f} s"
            return row
        row["note"] = (r.stderr.strip().splitlines() or [""])[-1][:200]
        return row
    row.update(result=j.get("result", ""), seconds=f"{float(j.get('seconds', 0)):.3f}", nodes=j.get("nodes", ""),
               method=j.get("method", ""))
    if j.get("reason"):
        row["note"] = j["reason"]
    warnings = [l for l in r.stderr.splitlines() if "warning" in l.lower()]
    if warnings:
        row["note"] = (row.get("note", "") + " " + warnings[0][:200]).strip()
    if not cert:
        row["check"] = "not written"
        return row
    c, cj = check(rl, cert, check_limit)
    if c is not None:
        row["certificate_kib"] = f"{os.path.getsize(cert) / 1024:.0f}"
        row["check_wall"] = f"{c.wall:.3f}"
        row["check_cpu"] = f"{c.cpu:.3f}"
        row["check"] = ("passed" if cj and cj.get("failed") == 0 and cj.get("passed", 0) > 0 and c.returncode == 0
                        else ("killed" if c.killed else "failed"))
        os.remove(cert)
    return row


def done_keys(path):
    if not os.path.exists(path):
        return set()
    with open(path) as f:
        return {r["instance"] for r in csv.DictReader(f)}


def run(rl, suite, root=None, time_limit=None, subset=None, match=None, resume=False, out=None, check_limit=None,
        certificates=True):
    root = benchmark_root(root)
    time_limit = time_limit or SUITES[suite][2]
    out = out or os.path.join(OUT, f"vnncomp_{suite}.csv")
    rows = select(instances(root, suite), subset, match)
    done = done_keys(out) if resume else set()
    if not resume or not os.path.exists(out):
        with open(out, "w", newline="") as f:
            csv.DictWriter(f, fieldnames=COLUMNS).writeheader()
    meta = out[:-4] + ".meta.json"
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    info = {"suite": suite, "started": started, "machine": proc.machine(), "load_start": proc.load_average(),
            "time_limit": time_limit, "robustlaw": rl, "commit": vnncomp_table.git_commit(ROOT),
            "certificates": certificates}
    certdir = tempfile.mkdtemp(prefix="robustlaw-vnncomp-") if certificates else None
    todo = [r for r in rows if r[0] not in done]
    log(f"== vnncomp {suite}: {len(todo)} instances ({len(rows) - len(todo)} already measured), "
        f"{time_limit} s each, load {info['load_start']:.1f}, {info['machine']}")
    try:
        for i, (key, net, prop, _) in enumerate(todo):
            row = measure(rl, key, net, prop, time_limit, certdir, check_limit or max(600, 10 * time_limit))
            with open(out, "a", newline="") as f:
                csv.DictWriter(f, fieldnames=COLUMNS).writerow(row)
            log(f"[{i + 1}/{len(todo)}] {vnncomp_table.short_name(key):<24} {row.get('result', ''):<8} "
                f"{row.get('seconds', '') or '-':>8} s  wall {row['wall']:>8}  cpu {row['cpu']:>8}  "
                f"nodes {row.get('nodes', '') or '-':>8}  check {row.get('check', '-') or '-'} "
                f"{row.get('check_wall', '') or '-'} s  load {row['load']}")
    finally:
        if certdir:
            shutil.rmtree(certdir, ignore_errors=True)
        info["ended"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
        info["load_end"] = proc.load_average()
        previous = {}
        if resume and os.path.exists(meta):
            with open(meta) as f:
                previous = json.load(f)
        info["sessions"] = previous.get("sessions", []) + [
            {k: info[k] for k in ("started", "ended", "load_start", "load_end", "machine", "commit", "time_limit",
                                  "certificates")}]
        with open(meta, "w") as f:
            json.dump(info, f, indent=1)
    md = vnncomp_table.write_table(suite, out)
    return md


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("suite", choices=sorted(SUITES))
    ap.add_argument("--root", help=f"VNN-COMP 2021 repository (default: $VNNCOMP2021 or {DEFAULT_ROOT})")
    ap.add_argument("--time-limit", type=float, help="seconds per instance (default: 60 for acasxu, 120 for mnistfc)")
    ap.add_argument("--subset", type=int, help="a representative subset of this many instances")
    ap.add_argument("--match", help="only instances whose name matches this regular expression")
    ap.add_argument("--resume", action="store_true", help="append to the CSV, skipping the instances already in it")
    ap.add_argument("--out", help="CSV file (default bench/results/vnncomp_<suite>.csv)")
    ap.add_argument("--no-certificate", action="store_true",
                    help="certify without --certificate (no replay inside certify, no check): the search alone")
    ap.add_argument("--robustlaw", default=os.path.join(os.environ.get("ROBUSTLAW_BUILD", os.path.join(ROOT, "build")), "robustlaw"))
    args = ap.parse_args()
    if not os.path.exists(args.robustlaw):
        sys.exit(f"{args.robustlaw} is missing: build first (./robustlaw.sh build)")
    tl = args.time_limit
    tl = int(tl) if tl and tl == int(tl) else tl
    print(run(args.robustlaw, args.suite, args.root, tl, args.subset, args.match, args.resume, args.out,
              certificates=not args.no_certificate))


if __name__ == "__main__":
    main()
