#!/usr/bin/python3
"""ctest bench_scaling: the growth fits of bench/scaling.py recover known laws,
points stopped by the time limit stay out of the fits, and a miniature sweep
run twice gives the same node counts (the primary, deterministic measure).
Usage: bench/test_scaling.py ROBUSTLAW_BINARY"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scaling  # noqa: E402


def check_fits():
    xs = [1, 2, 3, 4, 6, 8]
    f = scaling.fit(xs, [3 * 2.5 ** x for x in xs])
    assert f["better"] == "exponential" and abs(f["exp_factor"] - 2.5) < 1e-9 and f["exp_r2"] > 1 - 1e-12, f
    assert abs(f["exp_coef"] - 3) < 1e-9, f
    f = scaling.fit(xs, [5 * x ** 3 for x in xs])
    assert f["better"] == "power law" and abs(f["pow_exponent"] - 3) < 1e-9 and abs(f["pow_coef"] - 5) < 1e-9, f
    assert scaling.fit([1, 2], [1, 2]) is None


def check_censoring():
    def run(v, seed, limited, nodes):
        return {"sweep": "w", "value": v, "shape": f"2-{v}-1", "seed": seed, "time_limited": limited, "nodes": nodes,
                "seconds": nodes / 1000}
    rows = [run(v, s, False, 10 * v + s) for v in (1, 2, 3) for s in (1, 2, 3)]
    rows += [run(4, 1, True, 7), run(4, 2, True, 9), run(4, 3, False, 1000)]  # median run stopped: censored
    rows += [run(5, 1, True, 70), run(5, 2, False, 50), run(5, 3, False, 60)]  # stopped run above the median: exact
    rows += [run(6, 1, True, 7), run(6, 2, False, 50), run(6, 3, False, 60)]  # stopped run below it: a lower bound
    pts = scaling.points(rows, "w")
    assert [p["censored"]["nodes"] for p in pts] == [False, False, False, True, False, True], pts
    assert pts[4]["nodes"] == 60 and pts[5]["nodes"] == 50, pts
    assert pts[0]["nodes"] == 12 and pts[4]["limited"] == 1, pts
    sweeps = [("w", "", [1, 2, 3, 4, 5, 6], None)]
    f = scaling.fits(rows, sweeps)[("w", "nodes")]
    assert f["points"] == 4, f
    md = scaling.markdown(rows, sweeps, (1, 2, 3), 20, 1)
    assert ">=7 / >=9 / 1000" in md and "| w = 4 | 2-4-1 | >=9 |" in md and "| w = 5 | 2-5-1 | 60 |" in md, md


def check_deterministic_nodes(rl):
    sweeps = [("width", "width", [4, 8], lambda w: [2, w, 1])]
    first = scaling.measure(rl, sweeps, (1, 2), 10, lambda *a: None)
    second = scaling.measure(rl, sweeps, (1, 2), 10, lambda *a: None)
    assert len(first) == 4 and all(r["status"] == "converged" for r in first), first
    assert [r["nodes"] for r in first] == [r["nodes"] for r in second], (first, second)
    assert all(isinstance(r["nodes"], int) and r["nodes"] >= 1 for r in first), first
    with tempfile.TemporaryDirectory() as d:
        scaling.write_csv(first, os.path.join(d, "scaling.csv"))
        lines = open(os.path.join(d, "scaling.csv")).read().splitlines()
        assert lines[0].split(",") == scaling.CSV_COLUMNS and len(lines) == 5, lines


if __name__ == "__main__":
    check_fits()
    check_censoring()
    check_deterministic_nodes(sys.argv[1])
    print("scaling checks passed")
